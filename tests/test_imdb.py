"""Finding IMDB: --data, ZOO_DATA_DIR, the cache, then a download served from 127.0.0.1."""

import hashlib
import http.server
import threading

import pytest

from tests.test_sources import make_tarball
from zoo import DatasetError
from zoo.data.imdb import locate_imdb
from zoo.data.prepare import DataSettings, prepare_data
from zoo.paths import cache_dir

REVIEWS = {
    f"aclImdb/{split}/{label}/{i}_5.txt": f"{label} review {i} "
    + ("great" if label == "pos" else "awful")
    for split in ("train", "test")
    for label in ("pos", "neg")
    for i in range(10)
}


@pytest.fixture
def served_tarball(tmp_path):
    """A tiny aclImdb tarball on a local HTTP server; yields (url, sha256)."""
    folder = tmp_path / "site"
    folder.mkdir()
    path = make_tarball(folder / "aclImdb_v1.tar.gz", REVIEWS)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield (
        f"http://127.0.0.1:{server.server_port}/aclImdb_v1.tar.gz",
        hashlib.sha256(path.read_bytes()).hexdigest(),
    )
    server.shutdown()
    server.server_close()


def test_download_verifies_and_caches(served_tarball):
    url, sha = served_tarball
    path = locate_imdb(url=url, sha256=sha)
    assert path == cache_dir() / "datasets" / "aclImdb_v1.tar.gz"
    assert locate_imdb(download=False) == path


def test_checksum_mismatch_keeps_nothing(served_tarball):
    url, _ = served_tarball
    with pytest.raises(DatasetError, match="checksum mismatch"):
        locate_imdb(url=url, sha256="0" * 64)
    assert not list((cache_dir() / "datasets").iterdir())


def test_offline_error_says_where_it_looked(monkeypatch, tmp_path):
    monkeypatch.setenv("ZOO_DATA_DIR", str(tmp_path))
    with pytest.raises(DatasetError) as info:
        locate_imdb(url="http://127.0.0.1:9/none.tar.gz")
    message = str(info.value)
    assert str(tmp_path) in message and "--data PATH" in message and "download failed" in message


def test_data_dir_env_is_searched(monkeypatch, tmp_path, served_tarball):
    make_tarball(tmp_path / "aclImdb_v1.tar.gz", REVIEWS)
    monkeypatch.setenv("ZOO_DATA_DIR", str(tmp_path))
    assert locate_imdb(download=False) == tmp_path / "aclImdb_v1.tar.gz"


def test_imdb_dataset_from_tarball_has_named_classes(tmp_path):
    make_tarball(tmp_path / "aclImdb_v1.tar.gz", REVIEWS)
    data = prepare_data(
        DataSettings(path=str(tmp_path / "aclImdb_v1.tar.gz"), max_tokens=50, sequence_length=8)
    )
    assert data.class_names == ["neg", "pos"]
    assert len(data.x_test) == 20


@pytest.mark.slow
def test_shared_imdb_has_the_official_split(shared_data):
    data = prepare_data(DataSettings(path=str(shared_data / "imdb_reviews.csv.gz")))
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (22500, 2500, 25000)
    assert data.y_val.mean() == 0.5  # stratified
    assert data.class_names == ["neg", "pos"]
    assert data.y_test.mean() == 0.5
