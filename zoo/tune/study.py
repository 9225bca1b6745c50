"""A study per architecture in a real database (Optuna): where it lives, what it is keyed by,
which trials count toward its total, and the bars a new trial must clear.

Storage URLs: ``sqlite:///FILE`` (the default: ``zoo-tune.db`` beside the results file),
``postgresql://…`` or ``mysql://…`` for a server several drivers share, ``journal:FILE`` for
Optuna's journal file on a shared filesystem. A study records the key of the data and settings
it searches; another key never resumes into it.
"""

from __future__ import annotations

import datetime
import math
import os
import socket
import statistics
import time
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from zoo.errors import ConfigError, one_line
from zoo.tune.space import Dimension, SearchSpace

DEFAULT_FILE = "zoo-tune.db"
JOURNAL = "journal:"
SERVER_SCHEMES = ("sqlite", "postgresql", "mysql")
KEY_ATTR = "zoo_key"
DRIVER_ATTR = "zoo_driver"
OPEN_ATTEMPTS = 3
UNLABELLED_AFTER = datetime.timedelta(minutes=1)
PRUNE_AFTER = 5  # complete trials a step needs before it sets a bar (Optuna's n_startup_trials)


def require_optuna() -> ModuleType:
    """The ``optuna`` module, or one line saying how to install it."""
    try:
        import optuna
    except ImportError:
        raise ConfigError("zoo tune needs Optuna; pip install 'keras-zoo[tune]'") from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def storage_url(given: str | None, results_path: Path) -> str:
    """``given`` checked, or the SQLite file beside the results file."""
    if given is None:
        return f"sqlite:///{results_path.absolute().parent / DEFAULT_FILE}"
    if given.startswith(JOURNAL):
        if not given[len(JOURNAL) :]:
            raise ConfigError("--storage journal: needs a file, e.g. journal:/shared/zoo.log")
        return given
    scheme = given.partition("://")[0].split("+")[0] if "://" in given else ""
    if scheme not in SERVER_SCHEMES:
        raise ConfigError(
            f"unknown storage URL {given!r}; use sqlite:///FILE, postgresql://USER@HOST/DB, "
            f"mysql://USER@HOST/DB or {JOURNAL}FILE"
        )
    return given


def file_of(url: str) -> Path | None:
    """The file a SQLite or journal URL names (None for a server)."""
    if url.startswith(JOURNAL):
        return Path(url[len(JOURNAL) :]).expanduser()
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///") :])
    return None


def open_storage(url: str) -> Any:
    """An Optuna storage for ``url`` (see ``storage_url``), or one line saying why not.

    Drivers that start together may race to create a new database's tables: the loser tries
    again.
    """
    optuna = require_optuna()
    for attempt in range(OPEN_ATTEMPTS):
        try:
            path = file_of(url)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            if url.startswith(JOURNAL):
                from optuna.storages.journal import JournalFileBackend

                return optuna.storages.JournalStorage(JournalFileBackend(str(path)))
            return optuna.storages.RDBStorage(url, engine_kwargs=_engine_options(url))
        except ImportError as exc:
            reason = f"{one_line(exc)}; install its driver"
            break
        except Exception as exc:  # a server that does not answer, a race to create the tables
            reason = one_line(exc)
            time.sleep(0.5 * (attempt + 1))
    raise ConfigError(f"cannot open storage {url}: {reason}")


def _engine_options(url: str) -> dict[str, Any]:
    """SQLite waits for another driver's write instead of failing at once."""
    return {"connect_args": {"timeout": 60}} if url.startswith("sqlite") else {}


def open_study(storage: Any, name: str, key: str, seed: int, trials: int) -> Any:
    """The study ``name``, created if new; one whose key differs is refused (other data or
    settings never resume into it). TPE, seeded with ``seed`` plus the trials the study holds
    (a new driver on the same seed would draw its predecessor's points again); its first
    trials sample at random."""
    optuna = require_optuna()
    study = optuna.create_study(
        storage=storage, study_name=name, direction="maximize", load_if_exists=True
    )
    study.sampler = optuna.samplers.TPESampler(
        seed=seed + len(study.trials),  # a resumed study draws anew, not its first draws again
        n_startup_trials=min(10, max(2, trials // 3)),
    )
    recorded = study.user_attrs.get(KEY_ATTR)
    if recorded is None:
        study.set_user_attr(KEY_ATTR, key)
    elif recorded != key:
        raise ConfigError(
            f"study {name!r} searched other data or settings (key {recorded}, these give {key}); "
            "choose another --study, or leave --study out"
        )
    return study


def finished(study: Any) -> list[Any]:
    """The trials that count toward the total: complete or pruned (failed ones do not)."""
    states = require_optuna().trial.TrialState
    return study.get_trials(deepcopy=False, states=(states.COMPLETE, states.PRUNED))


def running(study: Any) -> list[Any]:
    states = require_optuna().trial.TrialState
    return study.get_trials(deepcopy=False, states=(states.RUNNING,))


def score(trial: Any) -> float | None:
    """The best validation accuracy a finished trial reached, pruned or not."""
    reached = [v for v in trial.intermediate_values.values() if math.isfinite(v)]
    return max(reached) if reached else trial.value


def driver_label() -> str:
    """This driver, as a running trial records it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def fail_abandoned(study: Any) -> int:
    """Mark failed the running trials of drivers on this host that no longer run (killed), and
    trials that never got a driver (one killed between asking and labelling it, a minute ago or
    more); trials of live drivers, here or elsewhere, are left to them. Returns how many."""
    states = require_optuna().trial.TrialState
    host = socket.gethostname()
    now = datetime.datetime.now()
    count = 0
    for trial in running(study):
        where, _, pid = str(trial.user_attrs.get(DRIVER_ATTR, "")).rpartition(":")
        dead = where == host and pid.isdigit() and not _alive(int(pid))
        unlabelled = not pid and now - trial.datetime_start > UNLABELLED_AFTER
        if dead or unlabelled:
            study.tell(trial.number, state=states.FAIL, skip_if_finished=True)
            count += 1
    return count


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def distributions(space: SearchSpace) -> dict[str, Any]:
    """Each dimension as the Optuna distribution a trial samples it from."""
    return {dimension.name: _distribution(dimension) for dimension in space.dimensions}


def _distribution(dimension: Dimension) -> Any:
    optuna = require_optuna()
    kinds = optuna.distributions
    if dimension.choices:
        return kinds.CategoricalDistribution(dimension.choices)
    if dimension.kind is int:
        return kinds.IntDistribution(int(dimension.low), int(dimension.high), log=dimension.log)
    return kinds.FloatDistribution(dimension.low, dimension.high, log=dimension.log)


def stop_bars(
    trials: Iterable[Any], epochs: int, after: int = PRUNE_AFTER
) -> tuple[float | None, ...]:
    """For each epoch, the median validation accuracy of the complete trials at that epoch: a
    trial whose best so far is lower stops (Optuna's MedianPruner rule, with the medians known
    when the trial starts). None where fewer than ``after`` trials reached the epoch."""
    states = require_optuna().trial.TrialState
    reached: list[list[float]] = [[] for _ in range(epochs)]
    for trial in trials:
        if trial.state == states.COMPLETE:
            for step, value in trial.intermediate_values.items():
                if step < epochs and math.isfinite(value):
                    reached[step].append(value)
    return tuple(statistics.median(values) if len(values) >= after else None for values in reached)
