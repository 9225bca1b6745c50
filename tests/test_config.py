import pytest

from zoo import ConfigError, HyperparameterError, get_spec
from zoo.config import assemble_config, load_config, load_recipe, parse_assignment, recipe_names


def test_recipes_reproduce_the_seed_settings():
    assert {"seed-tutorial", "seed-course"} <= set(recipe_names())
    tutorial = load_recipe("seed-tutorial")
    data = tutorial.data_settings()
    assert (data.max_tokens, data.sequence_length) == (5000, 500)
    train = tutorial.train_settings("lstm")
    assert (train.batch_size, train.epochs, train.patience) == (64, 3, 0)
    assert tutorial.hparams_for(get_spec("lstm"))["units"] == 100
    assert tutorial.hparams_for(get_spec("cnn_lstm"))["filters"] == 32
    course = load_recipe("seed-course")
    assert course.data_settings().sequence_length == "longest"  # the longest training review
    assert course.train_settings("stacked_bilstm").batch_size == 32
    assert course.train_settings("cnn1d").batch_size == 64
    assert course.hparams_for(get_spec("lstm"))["units"] == 200
    assert course.hparams_for(get_spec("stacked_bilstm"))["n_layers"] == 2
    for recipe in (tutorial, course):  # the seeds pad to the full length and use the last state
        cnn1d = recipe.train_settings("cnn1d", get_spec("cnn1d").train_defaults)
        assert (cnn1d.bucketing, cnn1d.precision) == (False, "float32")
        assert recipe.train_settings("lstm").schedule == "constant"
        assert recipe.data_settings().validation_split == 0.2
        assert recipe.hparams_for(get_spec("cnn1d"))["spatial_dropout"] == 0.0
        for name in ("lstm", "bilstm", "stacked_bilstm", "cnn_lstm"):
            hparams = recipe.hparams_for(get_spec(name))
            assert (hparams["pooling"], hparams["spatial_dropout"]) == ("last", 0.0)


def test_flags_override_config_which_overrides_recipe(tmp_path):
    path = tmp_path / "exp.toml"
    path.write_text('[train]\nepochs = 7\n[hparams]\nunits = 50\n[data]\npath = "data/x.csv"\n')
    config = assemble_config(
        recipe="seed-tutorial",
        config_file=str(path),
        batch_size=128,
        epochs=None,
        assignments=["lstm.units=99"],
    )
    train = config.train_settings("lstm")
    assert (train.epochs, train.batch_size) == (7, 128)
    assert config.hparams_for(get_spec("lstm"))["units"] == 99
    assert config.hparams_for(get_spec("bilstm"))["units"] == 50
    assert config.data["path"] == str((tmp_path / "data" / "x.csv").resolve())


def test_set_parses_scope_key_and_value():
    assert parse_assignment("units=3") == (None, "units", "3")
    assert parse_assignment("lstm.units = 3") == ("lstm", "units", "3")
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_assignment("units")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[train\nepochs=1", "not valid TOML"),
        ("[model]\nx=1", "unknown table 'model'"),
        ("[train]\nepoks = 3", "did you mean epochs"),
        ("[train]\nepochs = 'many'", "epochs must be a positive number or 'auto'"),
        ("[train]\npatience = -1", r"patience must be 0 \(off\) or more or 'auto'"),
        ("[train]\noptimizer = 'lion'", "unknown optimizer"),
        ("[train]\nschedule = 'linear'", "unknown schedule"),
        ("[hparams.lstm]\npooling = 'min'", "must be one of last, max, mean_max"),
        ("[data]\nsequence_length = -1", "sequence_length must be positive"),
    ],
)
def test_bad_config_files(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises((ConfigError, HyperparameterError), match=message):
        config = load_config(path)
        config.data_settings()
        config.train_settings("lstm")
        config.hparams_for(get_spec("lstm"))


def test_global_hparam_must_fit_some_model():
    config = assemble_config(assignments=["kernel_size=5"])
    config.check_hparams([get_spec("cnn1d"), get_spec("lstm")])
    with pytest.raises(ConfigError, match="belongs to none of lstm"):
        config.check_hparams([get_spec("lstm")])


def test_unknown_recipe_lists_the_available_ones():
    with pytest.raises(ConfigError, match="available: seed-course, seed-tutorial"):
        load_recipe("seed-tutorail")


def test_dataset_is_inferred_from_the_path_unless_named(tmp_path):
    assert assemble_config(path=str(tmp_path / "r.csv")).data_settings().dataset == "file"
    assert assemble_config(path=str(tmp_path)).data_settings().dataset == "folder"
    assert assemble_config(path="imdb_reviews.csv.gz").data_settings().dataset == "imdb"
    named = assemble_config(path=str(tmp_path / "r.csv"), dataset="imdb")
    assert named.data_settings().dataset == "imdb"


def test_sequence_length_takes_a_number_auto_or_longest():
    assert assemble_config(sequence_length="24").data_settings().sequence_length == 24
    assert assemble_config(sequence_length="longest").data_settings().sequence_length == "longest"
    assert assemble_config().data_settings().sequence_length == "auto"
    with pytest.raises(ConfigError, match="whole number, 'auto' or 'longest'"):
        assemble_config(sequence_length="long").data_settings()


def test_the_automatic_length_follows_the_data_up_to_its_cap():
    from zoo.data.text import fitted_length

    short = [["w"] * n for n in range(1, 41)]  # 99th percentile: 39.6 tokens
    assert fitted_length(short, "auto") == 64
    assert fitted_length(short, "longest") == fitted_length(short, None) == 40
    assert fitted_length(short, 24) == 24
    assert fitted_length([["w"] * 3000] * 5, "auto") == 1000
    assert fitted_length([["w"]] * 5, "auto") == 16


def _config_from_command_line(*flags: str):
    from zoo.cli import cli

    params = cli.commands["train"].make_context("train", ["cnn1d", "--out", "run", *flags]).params
    command_only = ("name", "out_dir", "quiet", "backend")
    return assemble_config(**{k: v for k, v in params.items() if k not in command_only})


def test_command_line_flags_land_on_their_settings():
    config = _config_from_command_line(
        "--data", "r.csv", "--freeze-embeddings", "--no-bucketing", "--lr", "0.01",
        "--schedule", "constant", "--set", "filters=8", "--punctuation", "keep",
    )  # fmt: skip
    train = config.train_settings("cnn1d")
    assert (train.embeddings_trainable, train.bucketing) == (False, False)
    assert (train.learning_rate, train.schedule) == (0.01, "constant")
    assert (config.data_settings().path, config.data_settings().punctuation) == ("r.csv", "keep")
    assert config.hparams_for(get_spec("cnn1d"))["filters"] == 8
    defaults = _config_from_command_line().train_settings("cnn1d")
    assert (defaults.embeddings_trainable, defaults.bucketing) == (True, True)
