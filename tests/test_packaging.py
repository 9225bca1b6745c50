"""The distribution ships every package of the source tree, not only what editable installs see."""

from __future__ import annotations

from pathlib import Path

from zoo.config import tomllib

ROOT = Path(__file__).resolve().parents[1]


def _declared() -> tuple[set[str], dict[str, str]]:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    return set(setuptools["packages"]), setuptools.get("package-dir", {})


def test_every_package_folder_is_declared():
    packages, package_dir = _declared()
    folders = {package: ROOT / package_dir.get(package, package) for package in packages}
    found = set()
    for package, folder in folders.items():
        for init in folder.rglob("__init__.py"):
            relative = init.parent.relative_to(folder).parts
            if not any(part.startswith((".", "_")) or "-" in part for part in relative):
                found.add(".".join((package, *relative)))
    assert found - packages == set(), "add these to [tool.setuptools] packages in pyproject.toml"
