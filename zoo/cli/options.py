"""The options shared by zoo train, bench and tune: the experiment (data, training,
hyperparameters, config file: ``zoo.config.assemble_config`` takes them) and the executor."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from zoo.backend import BACKENDS
from zoo.bench.executors import EXECUTORS, ExecutorSettings
from zoo.data.settings import (
    AUTO,
    AUTO_CAP,
    LABEL_FIRST,
    LONGEST,
    PUNCTUATION,
    TRUNCATE_SIDES,
)
from zoo.train.precision import PRECISIONS
from zoo.train.settings import OPTIMIZERS, SCHEDULES

if TYPE_CHECKING:
    pass


def _once(ctx: click.Context, param: click.Parameter, values: tuple) -> Any:
    """An option that may be given once: a second value is an error, not 'last wins'."""
    if len(values) > 1:
        raise click.BadParameter(
            f"given {len(values)} times ({', '.join(map(str, values))}); give it once", ctx, param
        )
    return values[0] if values else None


def _single(*names: str, **kwargs: Any) -> Callable:
    return click.option(*names, multiple=True, callback=_once, **kwargs)


def _default(text: str, setting: str) -> str:
    """``text`` followed by the default of the data or training ``setting``."""
    from zoo.data.settings import DataSettings
    from zoo.train.settings import TrainSettings

    source = DataSettings() if hasattr(DataSettings(), setting) else TrainSettings()
    return f"{text} (default: {getattr(source, setting)})".strip()


def experiment_options(func: Callable) -> Callable:
    """Options shared by ``train``, ``bench`` and ``tune``: data, training, hyperparameters,
    config.

    Each option passes the setting of its parameter name to ``zoo.config.assemble_config``:
    mostly the option's own name, except ``--data`` (``path``), ``--test-data`` and
    ``--val-data`` (``test_path``, ``val_path``), ``--lr`` (``learning_rate``) and
    ``--freeze-embeddings`` (``embeddings_trainable``).
    """
    options = [
        _single("--recipe", help="A named recipe, e.g. seed-tutorial or seed-course."),
        _single(
            "--config",
            "config_file",
            type=click.Path(dir_okay=False),
            help="A TOML config file ([data], [train], [hparams]).",
        ),
        click.option(
            "--set",
            "assignments",
            multiple=True,
            metavar="[ARCH.]KEY=VALUE",
            help="Set a hyperparameter (repeatable), e.g. --set units=200.",
        ),
        _single(
            "--dataset", help="Registered dataset name (default: imdb, or inferred from --data)."
        ),
        _single(
            "--data",
            "path",
            help="Data file or folder (CSV/TSV/parquet, aclImdb folder or tarball).",
        ),
        _single("--test-data", "test_path", help="A separate file (or folder) of test rows."),
        _single("--val-data", "val_path", help="A separate file of validation rows."),
        _single("--text-column", help="Column holding the text (a number without header)."),
        _single("--label-column", help="Column holding the label (a number without header)."),
        _single("--sep", help="Column separator of a delimited file (default: detected)."),
        click.option(
            "--header/--no-header",
            default=None,
            help="Whether the file's first row names its columns (default: detected).",
        ),
        _single("--encoding", help="Text encoding of the data, e.g. cp1252 (default: utf-8)."),
        _single(
            "--label-first",
            type=click.Choice(LABEL_FIRST),
            help="Each line is LABEL TEXT (fastText's __label__X, TREC's COARSE:fine): whole "
            "takes the first word as the label, coarse its part before ':'.",
        ),
        _single("--limit", type=int, help="Use at most N training and N test rows."),
        _single(
            "--max-tokens",
            type=int,
            help=_default("Vocabulary size, padding and OOV included.", "max_tokens"),
        ),
        _single(
            "--sequence-length",
            help=f"Tokens per text, '{AUTO}' (default: the 99th percentile of training "
            f"lengths rounded up to a power of 2, at most {AUTO_CAP}) or '{LONGEST}'.",
        ),
        _single(
            "--truncate",
            type=click.Choice(TRUNCATE_SIDES),
            help=_default("Side cut from long texts.", "truncate"),
        ),
        _single(
            "--punctuation",
            type=click.Choice(PUNCTUATION),
            help=_default(
                "Strip punctuation from the texts, or keep each mark outside a word ('!', '?', "
                "quotes) as a token of its own.",
                "punctuation",
            ),
        ),
        _single(
            "--validation-split",
            type=float,
            help=_default("Share of training rows held out.", "validation_split"),
        ),
        _single(
            "--epochs",
            metavar="N|auto",
            help="Training epochs; auto (the default): enough for 1,000 updates, 3 to 40, with "
            "early stopping on validation accuracy and the best epoch's weights kept.",
        ),
        _single("--batch-size", type=int, help=_default("Texts per batch.", "batch_size")),
        _single(
            "--optimizer", type=click.Choice(tuple(OPTIMIZERS)), help=_default("", "optimizer")
        ),
        _single(
            "--lr",
            "learning_rate",
            type=float,
            help=_default(
                "Learning rate (some architectures recommend their own: zoo info).", "learning_rate"
            ),
        ),
        _single(
            "--schedule",
            type=click.Choice(SCHEDULES),
            help=_default(
                "Learning rate schedule: constant, or cosine decay to 0 over the epochs.",
                "schedule",
            ),
        ),
        _single(
            "--seed", type=int, help=_default("Random seed (the first, with --seeds).", "seed")
        ),
        _single(
            "--patience",
            metavar="N|auto",
            help="Epochs without a better val accuracy or loss before stopping; 0 = off; auto (the "
            "default): a quarter of auto epochs, at least 2, and off with --epochs N.",
        ),
        _single(
            "--precision",
            type=click.Choice(PRECISIONS),
            help=_default(
                "Compute precision; auto: mixed_bfloat16 where TensorFlow or torch computes on "
                "a CPU with AMX, else float32 (some architectures recommend auto: zoo info).",
                "precision",
            ),
        ),
        click.option(
            "--bucketing/--no-bucketing",
            default=None,
            help="Cut each batch to its longest text (default) or pad all to the full length.",
        ),
        _single("--embeddings", help="Pretrained vectors (GloVe/word2vec text, gzip ok)."),
        click.option(
            "--freeze-embeddings",
            "embeddings_trainable",
            flag_value=False,
            default=None,
            help="Keep pretrained vectors fixed.",
        ),
        _single("--backend", type=click.Choice(BACKENDS), help="Keras backend for this run."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def executor_options(func: Callable) -> Callable:
    """Where runs execute, shared by ``bench`` and ``tune``: ``--executor`` and its options,
    given to ``func`` as ``executor_settings(default_kind) -> ExecutorSettings``."""

    @functools.wraps(func)
    def with_settings(
        *args: Any, executor, retries, ray_address, cpus_per_run, gpus_per_run, **kwargs: Any
    ) -> Any:
        def executor_settings(default_kind: str) -> ExecutorSettings:
            kind = executor or default_kind
            return ExecutorSettings(kind, retries, ray_address, cpus_per_run, gpus_per_run)

        return func(*args, executor_settings=executor_settings, **kwargs)

    options = [
        click.option(
            "--executor",
            type=click.Choice(EXECUTORS),
            help="Where runs execute: this process (default), a fresh process per run (the default "
            "with --backends), or Ray tasks.",
        ),
        click.option(
            "--retries",
            type=click.IntRange(min=0),
            default=ExecutorSettings.retries,
            show_default=True,
            help="Reruns of a run whose worker process died (processes, ray).",
        ),
        click.option(
            "--ray-address",
            help="Ray cluster to join: auto or HOST:PORT (default: start a local Ray instance).",
        ),
        click.option("--cpus-per-run", type=float, help="Ray: CPUs each run asks for (default 1)."),
        click.option(
            "--gpus-per-run",
            type=float,
            help="Ray: GPUs each run asks for; 0.25 packs four runs on a GPU (default 1 where the "
            "cluster has GPUs, else 0).",
        ),
    ]
    for option in reversed(options):
        with_settings = option(with_settings)
    return with_settings


def seeds_option(help: str) -> Callable:
    return click.option(
        "--seeds", type=click.IntRange(min=1), default=1, show_default=True, help=help
    )


def results_option(help: str) -> Callable:
    return click.option(
        "--results",
        "results_path",
        type=click.Path(dir_okay=False),
        default="zoo-results.csv",
        show_default=True,
        help=help,
    )
