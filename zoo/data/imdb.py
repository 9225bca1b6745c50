"""Finding the IMDB reviews: a given path, ``ZOO_DATA_DIR``, the user cache, then a download."""

from __future__ import annotations

import hashlib
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path

from zoo.errors import DatasetError
from zoo.paths import cache_dir, staged

IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
IMDB_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"
DATA_DIR_ENV = "ZOO_DATA_DIR"
CANDIDATES = ("imdb_reviews.csv.gz", "imdb_reviews.csv", "aclImdb", "aclImdb_v1.tar.gz")


def locate_imdb(
    path: str | None = None,
    download: bool = True,
    url: str = IMDB_URL,
    sha256: str = IMDB_SHA256,
) -> Path:
    """The IMDB source to read: ``path``, else the first candidate found, else a download."""
    if path:
        given = Path(path).expanduser()
        if not given.exists():
            raise DatasetError(f"data not found: {given} does not exist")
        if given.is_dir():
            return _first_candidate([given]) or given
        return given
    places = []
    if os.environ.get(DATA_DIR_ENV):
        places.append(Path(os.environ[DATA_DIR_ENV]).expanduser())
    places.append(cache_dir() / "datasets")
    found = _first_candidate(places)
    if found:
        return found
    target = cache_dir() / "datasets" / "aclImdb_v1.tar.gz"
    looked = ", ".join(str(p) for p in places)
    if not download:
        raise DatasetError(f"IMDB not found (looked in {looked}); pass --data PATH")
    try:
        return download_file(url, target, sha256)
    except DatasetError as exc:
        raise DatasetError(
            f"IMDB not found (looked in {looked}) and the download failed ({exc}); "
            f"pass --data PATH or set {DATA_DIR_ENV}"
        ) from exc


def _first_candidate(places: list[Path]) -> Path | None:
    for place in places:
        for name in CANDIDATES:
            if (place / name).exists():
                return place / name
    return None


def download_file(url: str, target: Path, sha256: str, timeout: float = 30.0) -> Path:
    """Download ``url`` to ``target`` with a progress line; keep it only if the sha256 matches."""
    digest = hashlib.sha256()
    try:
        with (
            urllib.request.urlopen(url, timeout=timeout) as response,
            staged(target) as partial,
            open(partial, "wb") as out,
        ):
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            while block := response.read(1 << 20):
                out.write(block)
                digest.update(block)
                done += len(block)
                _progress(done, total)
            print(file=sys.stderr)
            if digest.hexdigest() != sha256:
                raise DatasetError(f"checksum mismatch for {url}: the file is damaged or not IMDB")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise DatasetError(f"cannot download {url}: {getattr(exc, 'reason', exc)}") from exc
    return target


def _progress(done: int, total: int) -> None:
    share = f" {100 * done / total:5.1f} %" if total else ""
    print(f"\rdownloading IMDB: {done / 1e6:7.1f} MB{share}", end="", file=sys.stderr)
