"""Shared fixtures: an isolated cache, the default plugin set, small generated datasets, and
zoo's interrupt handlers for one test."""

from __future__ import annotations

import csv
import importlib
import os
import random
import sys
import textwrap
from pathlib import Path

import pytest

from tests.clirun import interrupt_handlers_restored
from tests.fakedist import write_dist_info
from zoo import interrupts
from zoo.registry import reset_registry

POSITIVE = ["great", "wonderful", "superb", "loved", "brilliant", "moving", "fun", "best"]
NEGATIVE = ["awful", "boring", "terrible", "hated", "dull", "worst", "waste", "bad"]
FILLER = ["the", "movie", "film", "plot", "actor", "scene", "story", "was", "and", "a", "it"]


def make_review(rng: random.Random, positive: bool, length: int = 12) -> str:
    """A review of filler words with a few words that give its class away."""
    cue = POSITIVE if positive else NEGATIVE
    words = [rng.choice(FILLER) for _ in range(length)] + [rng.choice(cue) for _ in range(3)]
    rng.shuffle(words)
    return " ".join(words).capitalize() + ". <br /><br />The end!"


def write_reviews_csv(
    path: Path,
    n_train: int = 200,
    n_test: int = 100,
    seed: int = 0,
    split_column: bool = True,
    flip_every: int = 0,
) -> Path:
    """An IMDB-shaped CSV (text,label,split) with a learnable signal.

    ``flip_every=k`` gives every k-th row a wrong label, so no model can score 100 %; without
    ``split_column`` the file has no split and the rows are train then test rows.
    """
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label", "split"][: 3 if split_column else 2])
        number = 0
        for split, count in (("train", n_train), ("test", n_test)):
            for i in range(count):
                number += 1
                label = i % 2
                if flip_every and number % flip_every == 0:
                    label = 1 - label
                writer.writerow(
                    [make_review(rng, i % 2 == 1), label, split][: 3 if split_column else 2]
                )
    return path


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory, monkeypatch):
    """Every test gets its own cache folder and a freshly loaded registry."""
    monkeypatch.setenv("ZOO_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("ZOO_DATA_DIR", raising=False)
    monkeypatch.delenv("ZOO_STRICT_PLUGINS", raising=False)
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")
    reset_registry()
    yield
    reset_registry()


@pytest.fixture
def caught(monkeypatch):
    """``catch_interrupts`` installed for one test, the previous handlers restored after."""
    monkeypatch.setattr(interrupts, "_received", [])
    with interrupt_handlers_restored():
        interrupts.catch_interrupts()
        yield


@pytest.fixture
def reviews_csv(tmp_path) -> Path:
    return write_reviews_csv(tmp_path / "reviews.csv")


@pytest.fixture
def shared_data() -> Path:
    """The full IMDB data beside the project, when present."""
    path = Path(os.environ.get("ZOO_SHARED_DATA", Path(__file__).parents[2] / "shared" / "data"))
    if not (path / "imdb_reviews.csv.gz").exists():
        pytest.skip("../shared/data is not present")
    return path


@pytest.fixture
def install(tmp_path, monkeypatch):
    """Make a distribution with one ``keras_zoo`` entry point importable, here and in the
    subprocesses a test starts."""
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    )

    def _install(dist: str, module: str, source: str, entry: str = "main") -> None:
        monkeypatch.delitem(sys.modules, module, raising=False)
        (tmp_path / f"{module}.py").write_text(textwrap.dedent(source))
        write_dist_info(tmp_path, dist, "1.2", f"{entry} = {module}")
        importlib.invalidate_caches()
        reset_registry()

    return _install


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Grouped tests first (Ray's, the CLI's shared run): each group runs on one xdist worker,
    so a group started last would leave the other worker idle at the end of the run."""
    items.sort(key=lambda item: item.get_closest_marker("xdist_group") is None)
