"""Writing all at once: what a staged file or folder looks like once in place."""

from __future__ import annotations

import os
import stat

from zoo.paths import staged


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_staged_files_and_folders_get_the_umask_and_a_replaced_file_keeps_its_mode(tmp_path):
    mask = os.umask(0o027)
    try:
        with staged(tmp_path / "new.csv") as partial:
            partial.write_text("a\n")
        with staged(tmp_path / "run", folder=True) as partial:
            (partial / "model.keras").write_text("m")
        kept = tmp_path / "kept.csv"
        kept.write_text("old\n")
        kept.chmod(0o600)
        with staged(kept) as partial:
            partial.write_text("new\n")
    finally:
        os.umask(mask)
    assert _mode(tmp_path / "new.csv") == 0o640  # not mkstemp's private 0o600
    assert _mode(tmp_path / "run") == 0o750
    assert _mode(kept) == 0o600 and kept.read_text() == "new\n"
