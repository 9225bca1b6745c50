import gzip

import numpy as np
import pytest

from zoo import DatasetError, get_spec
from zoo.data.embeddings import load_embedding_matrix

VOCAB = ["", "[UNK]", "good", "bad", "zzzz"]


def test_matrix_is_aligned_to_the_vocabulary(tmp_path):
    path = tmp_path / "vectors.txt.gz"
    path.write_bytes(gzip.compress(b"bad 1 2 3\nother 9 9 9\ngood 4 5 6\n"))
    loaded = load_embedding_matrix(path, VOCAB)
    assert loaded.matrix.shape == (5, 3)
    np.testing.assert_array_equal(loaded.matrix[0], 0.0)
    np.testing.assert_array_equal(loaded.matrix[2], [4, 5, 6])
    np.testing.assert_array_equal(loaded.matrix[3], [1, 2, 3])
    assert 0 < np.abs(loaded.matrix[4]).max() < 0.5
    assert loaded.coverage == "2 of 3 words found"


def test_word2vec_header_is_skipped(tmp_path):
    path = tmp_path / "w2v.txt"
    path.write_text("2 2\ngood 1 1\nbad 2 2\n")
    assert load_embedding_matrix(path, VOCAB).found == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("good 1 2 3\nbad 1 2\n", "mixes dimensions"),
        ("good 1 x 3\n", "not a number"),
        ("", "holds no word vectors"),
    ],
)
def test_bad_vector_files(tmp_path, content, message):
    path = tmp_path / "v.txt"
    path.write_text(content)
    with pytest.raises(DatasetError, match=message):
        load_embedding_matrix(path, VOCAB)


def test_missing_and_corrupt_files(tmp_path):
    with pytest.raises(DatasetError, match="not a file"):
        load_embedding_matrix(tmp_path / "nope.txt", VOCAB)
    broken = tmp_path / "v.txt.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00nonsense")
    with pytest.raises(DatasetError, match="damaged gzip"):
        load_embedding_matrix(broken, VOCAB)


def test_the_run_key_follows_the_vectors_content_not_their_path(reviews_csv, tmp_path):
    """``--resume`` must retrain a model whose vectors file changed in place."""
    from zoo.config import assemble_config
    from zoo.experiment import Experiment, run_key

    vectors = tmp_path / "vectors.txt"
    vectors.write_text("great 1 2 3 4\nawful 4 3 2 1\n")

    def key(path):
        config = assemble_config(
            path=str(reviews_csv), max_tokens=200, sequence_length="24", embeddings=str(path)
        )
        experiment = Experiment.from_config(config, [get_spec("cnn1d")])
        data, (run,) = experiment.prepare(report=lambda _: None, summary=False)
        return run_key(run, data, experiment.data_settings, "tensorflow")

    before = key(vectors)
    copy = tmp_path / "elsewhere" / "vectors.txt"
    copy.parent.mkdir()
    copy.write_bytes(vectors.read_bytes())
    assert key(copy) == before  # the same vectors under another path
    vectors.write_text("great 1 2 3 5\nawful 4 3 2 1\n")  # changed in place
    assert key(vectors) != before
