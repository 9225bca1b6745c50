import numpy as np
import pytest

from zoo import ConfigError
from zoo.data.prepare import DataSettings, prepare_data


def settings(path, **changes):
    values = {"validation_split": 0.2, **changes}
    return DataSettings(
        dataset="file", path=str(path), max_tokens=100, sequence_length=20, **values
    )


def test_splits_are_stratified_and_encoded(reviews_csv):
    data = prepare_data(settings(reviews_csv))
    assert (len(data.x_train), len(data.x_val), len(data.x_test)) == (160, 40, 100)
    assert data.y_val.mean() == pytest.approx(0.5)
    assert data.x_train.shape[1] == 20 and data.x_train.dtype == np.int32
    assert data.class_names == ["0", "1"]


def test_vocabulary_comes_from_training_rows_only(tmp_path):
    path = tmp_path / "d.csv"
    rows = ["text,label,split"] + [f"common word{i % 2},{i % 2},train" for i in range(20)]
    rows += ["onlyintest,1,test", "onlyintest,0,test"]
    path.write_text("\n".join(rows) + "\n")
    data = prepare_data(settings(path))
    assert "onlyintest" not in data.vectorizer.vocabulary


def test_second_run_loads_from_cache(reviews_csv):
    first = prepare_data(settings(reviews_csv))
    second = prepare_data(settings(reviews_csv))
    assert not first.from_cache and second.from_cache
    np.testing.assert_array_equal(first.x_test, second.x_test)
    assert second.vectorizer.vocabulary == first.vectorizer.vocabulary


def test_changed_data_misses_the_cache(reviews_csv):
    prepare_data(settings(reviews_csv))
    reviews_csv.write_text(reviews_csv.read_text() + "one more great film,1,train\n")
    assert not prepare_data(settings(reviews_csv)).from_cache


def test_limit_and_missing_test_split(tmp_path):
    path = tmp_path / "no_test.csv"
    path.write_text("text,label\n" + "".join(f"t{i} w,{i % 2}\n" for i in range(100)))
    data = prepare_data(settings(path, limit=30))
    assert len(data.x_train) + len(data.x_val) == 30
    assert len(data.x_test) == 20
    assert any("held out as test" in note for note in data.notes)


@pytest.mark.parametrize(
    "changes", [{"validation_split": 0.0}, {"validation_split": 1.5}, {"limit": 0}]
)
def test_bad_settings(reviews_csv, changes):
    with pytest.raises(ConfigError):
        prepare_data(settings(reviews_csv, **changes))
