"""Installed distributions made on the fly: what 'pip install' leaves on the path."""

from __future__ import annotations

from pathlib import Path


def write_dist_info(site: Path, distribution: str, version: str, entry_points: str) -> Path:
    """A ``.dist-info`` folder in ``site`` declaring ``entry_points`` in the ``keras_zoo`` group.

    ``entry_points`` holds ``name = module`` lines.
    """
    info = site / f"{distribution.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n"
    )
    (info / "entry_points.txt").write_text(f"[keras_zoo]\n{entry_points}\n")
    return info
