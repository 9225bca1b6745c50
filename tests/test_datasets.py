"""The dataset hook's contract: what loaders return is checked, cached data follows the loader."""

from __future__ import annotations

import json

import pytest

from tests.clirun import run_zoo
from tests.conftest import write_reviews_csv
from zoo.data.dataset import DatasetOptions, DatasetSpec, TextDataset
from zoo.errors import PluginError
from zoo.testing import check_dataset

LOADER = """
from zoo import DatasetSpec, TextDataset, hookimpl

LABELS = {labels}


def load(options):
    texts = ["a fine film", "a dull film", "great fun", "awful plot"] * 10
    return TextDataset(texts, LABELS * 10, [], [], ["neg", "pos"], fingerprint="v1")


@hookimpl
def zoo_register_datasets(register):
    register(DatasetSpec("toy_reviews", load, "toy reviews", fingerprint=lambda options: "v1"))
"""


def _dataset(**changes) -> TextDataset:
    values = {
        "train_texts": ["good", "bad"],
        "train_labels": [1, 0],
        "test_texts": [],
        "test_labels": [],
        "class_names": ["neg", "pos"],
        "fingerprint": "f",
    }
    values.update(changes)
    return TextDataset(**values)


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"train_labels": ["pos", "neg"]}, "train_labels of type <U3 (e.g. np.str_('pos'))"),
        ({"train_labels": [1]}, "2 train texts but train_labels of shape (1,)"),
        ({"train_labels": [2, 0]}, "train_labels outside 0..1"),
        ({"class_names": "neg,pos"}, "class_names that are not a non-empty list of strings"),
        ({"fingerprint": ""}, "no fingerprint"),
        ({"train_texts": [b"good", b"bad"]}, "train_texts that are not a list of strings"),
    ],
)
def test_a_loader_breaking_the_contract_is_named_with_what_it_returned(changes, problem):
    spec = DatasetSpec("toy", lambda options: _dataset(**changes), "toy", provider="zoo-toy")
    with pytest.raises(PluginError) as info:
        spec.load(DatasetOptions())
    message = str(info.value)
    assert message.startswith("dataset 'toy' (zoo-toy) returned ") and problem in message


def test_a_loader_that_crashes_names_its_plugin():
    def explode(options):
        raise KeyError("column")

    spec = DatasetSpec("toy", explode, "toy", provider="zoo-toy", provider_version="2.0")
    with pytest.raises(PluginError, match=r"'toy' \(zoo-toy 2.0\) failed to load: KeyError"):
        spec.load(DatasetOptions())


def test_editing_the_loader_changes_its_cache_identity(install):
    import zoo

    install("zoo-data", "toy_data_loader", LOADER.format(labels="[1, 0, 1, 0]"))
    before = zoo.get_registry().dataset("toy_reviews").code_identity
    install("zoo-data", "toy_data_loader", LOADER.format(labels="[0, 1, 1, 0]"))
    after = zoo.get_registry().dataset("toy_reviews").code_identity
    assert before != after and before.startswith("zoo-data 1.2 ")


@pytest.mark.slow
def test_a_plugin_dataset_with_string_labels_is_one_line_error(install, tmp_path):
    install("zoo-data", "toy_data_strings", LOADER.format(labels='["pos", "neg", "pos", "neg"]'))
    result = run_zoo("bench", "cnn1d", "--dataset", "toy_reviews", "--results", str(tmp_path / "r"))
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "zoo: error: dataset 'toy_reviews' (zoo-data 1.2) returned train_labels of type <U3 "
        "(e.g. np.str_('pos')); labels are integers 0..n-1 that index class_names; fix its "
        "loader (see the dataset contract in plugins/README.md)"
    ]


def test_the_kit_passes_the_built_in_file_dataset_and_a_plugin_one(install, tmp_path):
    check_dataset("file", str(write_reviews_csv(tmp_path / "reviews.csv")))
    install("zoo-data", "toy_data_good", LOADER.format(labels="[1, 0, 1, 0]"))
    check_dataset("toy_reviews")


def test_the_kit_fails_a_loader_that_breaks_the_contract(install):
    install("zoo-data", "toy_data_bad", LOADER.format(labels="[1, 0, 2, 0]"))
    with pytest.raises(PluginError, match=r"train_labels outside 0\.\.1"):
        check_dataset("toy_reviews")


@pytest.mark.slow
def test_zoo_datasets_lists_each_with_its_provider():
    result = run_zoo("datasets", "--format", "json")
    assert result.returncode == 0, result.stderr
    listed = {item["name"]: item["provider"] for item in json.loads(result.stdout)}
    assert {"imdb", "file", "folder"} <= set(listed) and listed["imdb"].startswith("keras-zoo ")
