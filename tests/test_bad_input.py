"""The catalogue of bad inputs: every command, run as a user runs it.

Each case must exit with code 2, print exactly one line on stderr naming what was wrong and
what to do, show no traceback, and leave every file as it found it. docs/troubleshooting.md
lists the same catalogue; a test keeps the two in step.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.clirun import run_zoo, zoo_env
from tests.conftest import write_reviews_csv
from tests.fakedist import write_dist_info
from zoo.bench.results import COLUMNS, append_result
from zoo.bench.row import ResultRow
from zoo.data.text import Vectorizer

TROUBLESHOOTING = Path(__file__).parents[1] / "docs" / "troubleshooting.md"
TOY = ["--max-tokens", "200", "--sequence-length", "24", "--epochs", "1", "--quiet"]

FAULTY_PLUGIN = """
from zoo import ArchitectureSpec, hookimpl


def _features(input_spec):
    import keras

    from zoo.blocks import token_input

    tokens = token_input(input_spec)
    x = keras.layers.Embedding(input_spec.vocab_size, 4)(tokens)
    return tokens, keras.layers.GlobalAveragePooling1D()(x)


def explode(input_spec):
    raise RuntimeError("cannot build this")


def wrong_shape(input_spec):
    import keras

    from zoo.blocks import functional_model

    tokens, x = _features(input_spec)
    return functional_model(tokens, keras.layers.Dense(3, activation="softmax")(x), "wrong")


def diverging(input_spec):
    import keras

    from zoo.blocks import functional_model

    tokens, x = _features(input_spec)
    x = keras.layers.Dense(1)(x)
    x = keras.layers.Lambda(lambda t: keras.ops.sigmoid(t * float("inf")))(x)
    return functional_model(tokens, x, "diverging")


def logits(input_spec):
    import keras

    from zoo.blocks import functional_model

    tokens, x = _features(input_spec)
    negative = keras.initializers.Constant(-3.0)
    return functional_model(tokens, keras.layers.Dense(1, bias_initializer=negative)(x), "logits")


def unreloadable(input_spec):
    import keras

    from zoo.blocks import classifier_head, functional_model

    @keras.saving.register_keras_serializable(package="zoo_faulty")
    class Doubler(keras.layers.Layer):  # registered only where the builder ran
        def call(self, inputs):
            return inputs * 2

    tokens, x = _features(input_spec)
    return functional_model(tokens, classifier_head(Doubler()(x), input_spec), "unreloadable")


def compiled_differs(input_spec):
    import keras
    import tensorflow as tf

    from zoo.blocks import functional_model

    class FlipWhenCompiled(keras.layers.Layer):  # how a backend's broken inference kernel looks
        def call(self, inputs, training=None):
            return inputs if training or tf.executing_eagerly() else 1.0 - inputs

    tokens, x = _features(input_spec)
    confident = keras.initializers.Constant(3.0)  # outputs near 0.95, far from their flip
    x = keras.layers.Dense(1, activation="sigmoid", bias_initializer=confident)(x)
    return functional_model(tokens, FlipWhenCompiled()(x), "compiled_differs")


def own_embedding(input_spec, embedding_dim=4):
    from zoo.blocks import classifier_head, functional_model

    tokens, x = _features(input_spec)  # a random embedding, whatever it was given
    return functional_model(tokens, classifier_head(x, input_spec), "own_embedding")


@hookimpl
def zoo_register_architectures(register):
    register(ArchitectureSpec("faulty_build", explode, "fails in its builder"))
    register(
        ArchitectureSpec(
            "faulty_embedding", own_embedding, "ignores the vectors", hparams={"embedding_dim": 4}
        )
    )
    register(ArchitectureSpec("faulty_logits", logits, "returns logits, not probabilities"))
    register(ArchitectureSpec("faulty_reload", unreloadable, "forgot its custom_objects"))
    register(ArchitectureSpec("faulty_shape", wrong_shape, "three outputs for two classes"))
    register(ArchitectureSpec("faulty_nan", diverging, "its loss becomes NaN"))
    register(ArchitectureSpec("faulty_compiled", compiled_differs, "wrong when compiled"))
"""


class Case(NamedTuple):
    args: list[str]
    message: str
    plugin: str | None = None  # 'faulty' or 'broken': a test distribution on PYTHONPATH;
    # 'no_ray': a ray module that fails to import


CATALOGUE = {
    # names: architectures, datasets, recipes, commands
    "unknown architecture": Case(["info", "lstn"], "did you mean lstm"),
    "no architecture named": Case(["bench"], "name at least one architecture"),
    "wildcard matches nothing": Case(["bench", "nothing*"], "no architecture matches 'nothing*'"),
    "unknown dataset": Case(["bench", "cnn1d", "--dataset", "nosuch"], "unknown dataset 'nosuch'"),
    "unknown recipe": Case(["bench", "lstm", "--recipe", "nope"], "unknown recipe 'nope'"),
    "backend not installed": Case(["info", "lstm", "--backend", "jax"], "'jax' is not installed"),
    "unknown backend in --backends": Case(["bench", "lstm", "--backends", "theano"], "--backends"),
    "unknown output format": Case(["bench", "cnn1d", "--format", "xml"], "'xml' is not one of"),
    "unknown list format": Case(["list", "--format", "xml"], "'xml' is not one of"),
    "unknown plugins format": Case(["plugins", "--format", "x"], "'x' is not one of"),
    # --set values and other settings
    "--set wrong type": Case(["bench", "lstm", "--set", "units=wide"], "'units' must be int"),
    "--set out of range": Case(["bench", "cnn1d", "--set", "dropout=1.5"], "must be in [0, 0.99]"),
    "--set unknown key": Case(["bench", "lstm", "--set", "lstm.unitz=3"], "unknown hyperparameter"),
    "--set without =": Case(["bench", "cnn1d", "--set", "units"], "--set expects KEY=VALUE"),
    "zero sequence length": Case(["bench", "lstm", "--sequence-length", "0"], "must be positive"),
    "tiny vocabulary": Case(["bench", "lstm", "--max-tokens", "-5"], "greater than 2"),
    "negative limit": Case(["bench", "lstm", "--limit", "-1"], "limit must be positive"),
    "target accuracy above 1": Case(["bench", "lstm", "--target-acc", "2"], "must be in (0, 1]"),
    "tune unknown storage": Case(
        ["tune", "cnn1d", "--trials", "3", "--storage", "redis://host"], "unknown storage URL"
    ),
    "tune no trials": Case(["tune", "cnn1d", "--trials", "0"], "--trials must be 1 or more"),
    "tune nothing to tune": Case(
        ["tune", "faulty_build", "--data", "{csv}", "--trials", "3"],
        "has nothing to tune",
        "faulty",
    ),
    "suite unknown key": Case(["bench", "cnn1d", "--suite", "{suite_key}"], "unknown key 'colour'"),
    "suite missing file": Case(
        ["bench", "cnn1d", "--suite", "{suite_missing}"], "gone.csv does not exist"
    ),
    "suite duplicate name": Case(
        ["bench", "cnn1d", "--suite", "{suite_twice}"], "the name 'a' is given twice"
    ),
    "suite beside data": Case(
        ["bench", "cnn1d", "--suite", "{suite_twice}", "--data", "{csv}"],
        "--data and --suite exclude each other",
    ),
    "ensemble of other data": Case(
        ["ensemble", "{mixed_runs}", "nbsvm", "cnn1d"], "ran on other data or splits"
    ),
    "ensemble member without its run log": Case(
        ["ensemble", "{lone_run}", "--from", "{mixed_runs}"], "nbsvm seed 0 has no run log"
    ),
    "ensemble of one run": Case(
        ["ensemble", "{bad_model}", "--out", "ens"], "an ensemble needs two runs or more"
    ),
    "ensemble of a folder": Case(
        ["ensemble", "{bad_model}"], "combine 'zoo train' folders with --out"
    ),
    "not a number": Case(
        ["train", "cnn1d", "--batch-size", "many", "--out", "x"], "not a valid int"
    ),
    "epochs not a number": Case(
        ["train", "cnn1d", "--epochs", "many", "--out", "x"], "epochs must be a positive number"
    ),
    # config files
    "config not TOML": Case(["bench", "cnn1d", "--config", "{bad_toml}"], "not valid TOML"),
    "config wrong type": Case(["bench", "cnn1d", "--config", "{typed_toml}"], "must be int"),
    "config unknown table": Case(["bench", "cnn1d", "--config", "{table_toml}"], "unknown table"),
    "config missing": Case(["bench", "cnn1d", "--config", "{missing}.toml"], "cannot read config"),
    # data files
    "data missing": Case(["bench", "lstm", "--data", "{missing}.csv"], "does not exist"),
    "data empty": Case(["bench", "cnn1d", "--data", "{empty}"], "is empty"),
    "data corrupt": Case(["bench", "cnn1d", "--data", "{corrupt}"], "damaged compressed file"),
    "data not UTF-8": Case(["bench", "cnn1d", "--data", "{latin}"], "is not UTF-8 text"),
    "data one class": Case(["bench", "cnn1d", "--data", "{one_class}"], "needs two classes"),
    "data wrong column": Case(
        ["bench", "cnn1d", "--data", "{csv}", "--text-column", "body"], "no column 'body'"
    ),
    "data given twice": Case(
        ["bench", "cnn1d", "--data", "{csv}", "--data", "{tiny}"], "'--data': given 2 times"
    ),
    "data too small": Case(
        ["train", "cnn1d", "--data", "{tiny}", "--out", "run"], "too few for a validation split"
    ),
    # embeddings
    "embeddings missing": Case(
        ["bench", "cnn1d", "--data", "{csv}", "--embeddings", "{missing}.txt"],
        "embeddings not found",
    ),
    "embeddings mixed widths": Case(
        ["bench", "cnn1d", "--data", "{csv}", "--embeddings", "{mixed}"], "mixes dimensions"
    ),
    "embeddings wrong width": Case(
        [
            "bench",
            "cnn1d",
            "--data",
            "{csv}",
            "--embeddings",
            "{vectors}",
            "--set",
            "embedding_dim=8",
        ],
        "have 3 dimensions but 'cnn1d' has embedding_dim=8",
    ),
    "embeddings for a linear model": Case(
        ["bench", "nbsvm", "--data", "{csv}", "--embeddings", "{vectors}"],
        "'nbsvm' takes no pretrained embeddings",
    ),
    # executors
    "ray option without ray": Case(
        ["bench", "cnn1d", "--gpus-per-run", "0.25"], "--gpus-per-run is for --executor ray only"
    ),
    "ray not installed": Case(
        ["bench", "cnn1d", "--executor", "ray"], "pip install 'keras-zoo[ray]'", "no_ray"
    ),
    # where results and runs are written
    "results not ours": Case(["bench", "cnn1d", "--results", "{foreign}"], "not a keras-zoo"),
    "results truncated": Case(["bench", "cnn1d", "--results", "{truncated}"], "is truncated"),
    "results unwritable": Case(["bench", "cnn1d", "--results", "{csv}/r.csv"], "is a file"),
    "out is a file": Case(["train", "cnn1d", "--data", "{csv}", "--out", "{csv}"], "is a file"),
    "out unwritable": Case(["train", "cnn1d", "--data", "{csv}", "--out", "{csv}/r"], "is a file"),
    # saved runs
    "run missing": Case(["predict", "{missing}", "good"], "not a run directory"),
    "run missing (evaluate)": Case(["evaluate", "{missing}"], "not a run directory"),
    "run damaged vectorizer": Case(["predict", "{bad_vectorizer}", "good"], "cannot read vector"),
    "run damaged model": Case(["evaluate", "{bad_model}"], "model.keras is damaged"),
    "nothing to predict": Case(["predict", "{bad_model}"], "give texts as arguments"),
    "predict file missing": Case(["predict", "{bad_model}", "--file", "{missing}"], "--file"),
    # plugins and models
    "plugin fails on import": Case(["train", "broken", "--out", "run"], "failed to load", "broken"),
    "plugin fails on build": Case(
        ["train", "faulty_build", "--data", "{csv}", *TOY, "--out", "run"],
        "failed to build: RuntimeError: cannot build this",
        "faulty",
    ),
    "model of wrong output shape": Case(
        ["train", "faulty_shape", "--data", "{csv}", *TOY, "--out", "run"],
        "expected (None, 1)",
        "faulty",
    ),
    "model returns logits": Case(
        ["train", "faulty_logits", "--data", "{csv}", *TOY, "--out", "run"],
        "returns values outside [0, 1]",
        "faulty",
    ),
    "model does not reload": Case(
        ["train", "faulty_reload", "--data", "{csv}", *TOY, "--out", "run"],
        "does not load in a new process",
        "faulty",
    ),
    "model with NaN loss": Case(
        ["train", "faulty_nan", "--data", "{csv}", *TOY, "--out", "run"],
        "the loss became NaN",
        "faulty",
    ),
    "model wrong when compiled": Case(
        ["train", "faulty_compiled", "--data", "{csv}", *TOY, "--out", "run"],
        "disagrees with the model's eager forward pass",
        "faulty",
    ),
    "plugin name invalid": Case(["new-plugin", "Bad-Name"], "lowercase identifier"),
    "plugin folder exists": Case(["new-plugin", "twice", "--dir", "{root}"], "already exists"),
}

JAX_INSTALLED = importlib.util.find_spec("jax") is not None
pytestmark = pytest.mark.slow  # every case is a subprocess


def _write_inputs(root: Path) -> dict[str, Path]:
    files = {
        "root": root,
        "csv": write_reviews_csv(root / "reviews.csv"),
        "missing": root / "no-such-thing",
        "bad_toml": root / "bad.toml",
        "typed_toml": root / "typed.toml",
        "table_toml": root / "table.toml",
        "empty": root / "empty.csv",
        "corrupt": root / "corrupt.csv.gz",
        "latin": root / "latin.csv",
        "one_class": root / "one_class.csv",
        "tiny": root / "tiny.csv",
        "mixed": root / "mixed.txt",
        "vectors": root / "vectors.txt",
        "foreign": root / "foreign.csv",
        "truncated": root / "truncated.csv",
        "bad_vectorizer": root / "bad_vectorizer",
        "bad_model": root / "bad_model",
        "mixed_runs": root / "mixed_runs.csv",
        "lone_run": root / "lone_run.csv",
        "suite_key": root / "suite_key.toml",
        "suite_missing": root / "suite_missing.toml",
        "suite_twice": root / "suite_twice.toml",
    }
    (root / "zoo-twice").mkdir()
    files["bad_toml"].write_text("[train\n")
    files["typed_toml"].write_text('[train]\nbatch_size = "ten"\n')
    files["table_toml"].write_text("[trian]\nepochs = 3\n")
    files["empty"].write_text("")
    files["corrupt"].write_bytes(b"\x1f\x8b\x08\x00 not really gzip" * 8)
    files["latin"].write_bytes("text,label,split\nsch\xf6n,1,train\n".encode("latin-1"))
    files["one_class"].write_text("text,label\ngood,1\nfine,1\n")
    files["tiny"].write_text("text,label\ngood,1\nbad,0\nfine,1\nawful,0\n")
    files["mixed"].write_text("great 1 2 3\nawful 1 2\n")
    files["vectors"].write_text("great 1 2 3\nawful 4 5 6\n")
    files["foreign"].write_text("a,b\n1,2\n")
    for model, fingerprint in (("nbsvm", "a" * 16), ("cnn1d", "b" * 16)):
        row = ResultRow(model=model, seed=0, status="ok", data_fingerprint=fingerprint)
        append_result(files["mixed_runs"], row)
    lone = ResultRow(
        model="bow_logreg", seed=0, status="ok", config_hash="k", data_fingerprint="a" * 16
    )
    append_result(files["lone_run"], lone)
    files["suite_key"].write_text('[[datasets]]\nname = "a"\ndata = "reviews.csv"\ncolour = 1\n')
    files["suite_missing"].write_text('[[datasets]]\nname = "a"\ndata = "gone.csv"\n')
    twice = '[[datasets]]\nname = "a"\ndata = "reviews.csv"\n'
    files["suite_twice"].write_text(twice * 2)
    files["truncated"].write_text(",".join(COLUMNS) + "\n2026-11-22T10:00:00+00:00,cnn1d,keras\n")
    vectorizer, _ = Vectorizer.fit(["good film", "bad film"], max_tokens=10, sequence_length=4)
    for run, vectorizer_text in (("bad_vectorizer", "{}"), ("bad_model", None)):
        files[run].mkdir()
        (files[run] / "model.keras").write_bytes(b"PK\x03\x04 truncated zip")
        (files[run] / "config.json").write_text(
            json.dumps({"architecture": "cnn1d", "class_names": ["0", "1"], "data": {}})
        )
        if vectorizer_text is None:
            vectorizer.save(files[run] / "vectorizer.json")
        else:
            (files[run] / "vectorizer.json").write_text(vectorizer_text)
    return files


def _plugin_path(kind: str | None, site: Path) -> dict[str, str]:
    if kind is None:
        return {}
    site.mkdir(parents=True, exist_ok=True)
    if kind == "no_ray":  # a Python on which Ray cannot be imported
        (site / "ray.py").write_text("raise ImportError('no module named ray')\n")
        return {"PYTHONPATH": str(site)}
    module = {"faulty": FAULTY_PLUGIN, "broken": "import nowhere\n"}[kind]
    (site / f"zoo_{kind}.py").write_text(module)
    write_dist_info(site, f"zoo-{kind}", "0.1.0", f"{kind} = zoo_{kind}")
    return {"PYTHONPATH": str(site)}


def _snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` with a hash of its content."""
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        if path.is_file()
        else "folder"
        for path in sorted(root.rglob("*"))
    }


def _params():
    for name, case in CATALOGUE.items():
        marks = []
        if "--backend" in case.args and JAX_INSTALLED:
            marks.append(pytest.mark.skip(reason="jax is installed here"))
        yield pytest.param(case, id=name, marks=marks)


@pytest.mark.parametrize("case", _params())
def test_bad_input_gives_one_line_and_touches_no_file(case: Case, tmp_path):
    root = tmp_path / "work"
    root.mkdir()
    files = _write_inputs(root)
    env = zoo_env(**_plugin_path(case.plugin, tmp_path / "site"))
    before = _snapshot(root)
    args = [arg.format(**files) for arg in case.args]
    result = run_zoo(*args, stdin="", cwd=root, env=env)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("zoo: error: ") and case.message in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert _snapshot(root) == before, "a failed command wrote or changed a file"


def test_catalogue_has_thirty_cases_and_the_docs_list_each():
    assert len(CATALOGUE) >= 30
    listed = TROUBLESHOOTING.read_text(encoding="utf-8")
    missing = [name for name in CATALOGUE if f"| {name} |" not in listed]
    assert not missing, f"add these cases to docs/troubleshooting.md: {missing}"


def test_broken_plugin_is_one_warning_when_not_asked_for(tmp_path):
    env = zoo_env(**_plugin_path("broken", tmp_path))
    result = run_zoo("list", "cnn1d", env=env)
    assert result.returncode == 0
    warning = result.stderr.strip().splitlines()
    assert len(warning) == 1 and "plugin 'broken' (zoo-broken 0.1.0) failed to load" in warning[0]
    assert "cnn1d" in result.stdout


def test_bench_records_a_failing_plugin_and_exits_1(reviews_csv, tmp_path):
    env = zoo_env(**_plugin_path("faulty", tmp_path / "site"))
    results = tmp_path / "r.csv"
    args = ["bench", "faulty_build", "cnn1d", "--data", str(reviews_csv), *TOY]
    result = run_zoo(*args, "--results", str(results), "--set", "cnn1d.filters=8", env=env)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("zoo: error: 1 of 2 run(s) failed")
    assert "faulty_build" in result.stdout and "cnn1d" in result.stdout
    statuses = [line.split(",")[5] for line in results.read_text().splitlines()[1:]]
    assert statuses == ["error", "ok"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_folder_is_refused_before_training(reviews_csv, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = run_zoo("train", "cnn1d", "--data", str(reviews_csv), "--out", str(locked / "r"))
    finally:
        locked.chmod(0o700)
    assert result.returncode == 2 and "choose a writable --out" in result.stderr


def test_nothing_is_left_behind_by_a_failed_run_in_a_new_folder(tmp_path):
    env = zoo_env(**_plugin_path("faulty", tmp_path / "site"))
    csv = write_reviews_csv(tmp_path / "reviews.csv")
    out = tmp_path / "deep" / "run"
    result = run_zoo("train", "faulty_nan", "--data", str(csv), *TOY, "--out", str(out), env=env)
    assert result.returncode == 2
    assert not out.exists() and not list(out.parent.glob(".run-*"))


def test_a_builder_that_ignores_the_pretrained_vectors_records_nothing(tmp_path):
    root = tmp_path / "work"
    root.mkdir()
    files = _write_inputs(root)
    env = zoo_env(**_plugin_path("faulty", tmp_path / "site"))
    before = _snapshot(root)
    args = ["train", "faulty_embedding", "--data", str(files["csv"]), *TOY]
    vectors = ["--embeddings", str(files["vectors"]), "--freeze-embeddings"]
    result = run_zoo(*args, *vectors, "--out", "run", cwd=root, env=env)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("embeddings: ")  # the coverage note, then the one-line error
    assert lines[1:] == [
        "zoo: error: architecture 'faulty_embedding' ignores the pretrained embeddings: no "
        "weight of its model holds them; its builder must use input_spec.embedding_matrix "
        "(zoo.blocks.embed does)"
    ]
    assert _snapshot(root) == before
