"""Discovers plugins through the ``keras_zoo`` entry-point group and collects what they register.

Each entry point is loaded on its own, inside a try/except: a plugin that fails to import, whose
hook raises, or that registers something invalid is recorded with its error and skipped, so one
broken plugin never stops the others (``ZOO_STRICT_PLUGINS=1`` makes such failures fatal).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import inspect
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from zoo import hookspecs
from zoo.data.dataset import DatasetSpec
from zoo.errors import (
    DuplicateNameError,
    PluginError,
    UnknownArchitectureError,
    UnknownDatasetError,
    one_line,
)
from zoo.spec import ArchitectureSpec, suggestion

ENTRY_POINT_GROUP = "keras_zoo"
CORE_DISTRIBUTION = "keras-zoo"
PLUGINS_ENV = "ZOO_PLUGINS"
STRICT_ENV = "ZOO_STRICT_PLUGINS"


@dataclass
class PluginRecord:
    """One entry point: where it came from, what it provided and whether it loaded."""

    entry_point: str
    distribution: str
    version: str
    architectures: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    error: str = ""
    refused: list[str] = field(default_factory=list)  # why a name it registered was refused

    @property
    def status(self) -> str:
        if self.error:
            return "error"
        return f"refused: {'; '.join(self.refused)}" if self.refused else "ok"


@dataclass
class Registry:
    """Every architecture and dataset the loaded plugins registered, by name."""

    architectures: dict[str, ArchitectureSpec] = field(default_factory=dict)
    datasets: dict[str, DatasetSpec] = field(default_factory=dict)
    plugins: list[PluginRecord] = field(default_factory=list)

    def architecture(self, name: str) -> ArchitectureSpec:
        if name in self.architectures:
            return self.architectures[name]
        failed = [record for record in self.plugins if record.error]
        for record in failed:
            if record.entry_point == name:
                raise PluginError(
                    f"architecture '{name}' is unavailable: its plugin ({record.distribution} "
                    f"{record.version}) failed to load: {record.error}; fix or reinstall "
                    f"{record.distribution}"
                )
        broken = f"; {len(failed)} plugin(s) failed to load, see 'zoo plugins'" if failed else ""
        raise UnknownArchitectureError(
            f"unknown architecture '{name}'{suggestion(name, self.architectures)}; "
            f"run 'zoo list' to see the registered ones{broken}"
        )

    def dataset(self, name: str) -> DatasetSpec:
        if name not in self.datasets:
            raise UnknownDatasetError(
                f"unknown dataset '{name}'{suggestion(name, self.datasets)}; "
                f"registered: {', '.join(sorted(self.datasets))}"
            )
        return self.datasets[name]

    def match(
        self, include: str | Iterable[str] | None = None, exclude: str | Iterable[str] | None = None
    ) -> list[str]:
        """Sorted architecture names matching any ``include`` pattern and no ``exclude`` one."""
        names = set(self.architectures)
        if include is not None:
            patterns = [include] if isinstance(include, str) else list(include)
            names = {n for n in names if any(fnmatch.fnmatchcase(n, p) for p in patterns)}
        if exclude is not None:
            patterns = [exclude] if isinstance(exclude, str) else list(exclude)
            names = {n for n in names if not any(fnmatch.fnmatchcase(n, p) for p in patterns)}
        return sorted(names)

    def select(self, patterns: Iterable[str]) -> list[str]:
        """Names for ``patterns`` in order; exact names must exist and wildcards must match."""
        chosen: list[str] = []
        for pattern in patterns:
            if any(ch in pattern for ch in "*?["):
                found = self.match(pattern)
                if not found:
                    raise UnknownArchitectureError(f"no architecture matches '{pattern}'")
            else:
                found = [self.architecture(pattern).name]
            chosen.extend(n for n in found if n not in chosen)
        return chosen


class _Collector:
    """The ``register`` callbacks handed to one plugin's hooks."""

    def __init__(self) -> None:
        self.architectures: list[ArchitectureSpec] = []
        self.datasets: list[DatasetSpec] = []

    def architecture(self, spec: Any) -> None:
        if not isinstance(spec, ArchitectureSpec):
            raise PluginError(f"registered {type(spec).__name__}, expected an ArchitectureSpec")
        self.architectures.append(spec)

    def dataset(self, spec: Any) -> None:
        if not isinstance(spec, DatasetSpec):
            raise PluginError(f"registered {type(spec).__name__}, expected a DatasetSpec")
        self.datasets.append(spec)


def _selected(entry_points: Iterable[metadata.EntryPoint], env: Mapping[str, str]) -> list:
    wanted = env.get(PLUGINS_ENV)
    names = None if wanted is None else {w.strip() for w in wanted.split(",") if w.strip()}
    chosen = []
    for ep in entry_points:
        dist = ep.dist.name if ep.dist else "unknown"
        builtin = _normalize(dist) == CORE_DISTRIBUTION
        if names is None or builtin or ep.name in names or dist in names:
            chosen.append((not builtin, _normalize(dist), ep.name, ep))
    return [item[-1] for item in sorted(chosen, key=lambda item: item[:3])]


def _normalize(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _check_hooks(plugin: object) -> None:
    """Refuse the hook mistakes pluggy lets pass: an unknown ``zoo_*`` name, a missing
    ``@hookimpl`` and an argument the hook does not have."""
    hooks = {
        name: list(inspect.signature(getattr(hookspecs, name)).parameters)
        for name in dir(hookspecs)
        if name.startswith("zoo_")
    }
    for name in dir(plugin):
        function = getattr(plugin, name)
        if not name.startswith("zoo_") or not callable(function):
            continue
        if name not in hooks:
            raise PluginError(
                f"unknown hook '{name}'{suggestion(name, hooks)}; the hooks are "
                f"{', '.join(sorted(hooks))}"
            )
        if not hasattr(function, f"{hookspecs.PROJECT_NAME}_impl"):
            raise PluginError(f"'{name}' is not marked as a hook; decorate it with @hookimpl")
        wrong = [arg for arg in inspect.signature(function).parameters if arg not in hooks[name]]
        if wrong:
            raise PluginError(
                f"hook '{name}' has no argument '{wrong[0]}'; "
                f"its arguments are ({', '.join(hooks[name])})"
            )


def _call_hooks(pm: pluggy.PluginManager, plugin: object, collector: _Collector) -> None:
    callbacks: dict[str, Callable] = {
        "zoo_register_architectures": collector.architecture,
        "zoo_register_datasets": collector.dataset,
    }
    for hook_name, register in callbacks.items():
        for impl in getattr(pm.hook, hook_name).get_hookimpls():
            if impl.plugin is plugin:
                impl.function(*[register for _ in impl.argnames])


def load_registry(
    entry_points: Iterable[metadata.EntryPoint] | None = None,
    env: Mapping[str, str] | None = None,
    warn: Callable[[str], None] | None = None,
) -> Registry:
    """Load every selected plugin and return what they registered."""
    env = os.environ if env is None else env
    warn = warn or (lambda line: print(line, file=sys.stderr))
    if entry_points is None:
        entry_points = metadata.entry_points(group=ENTRY_POINT_GROUP)
    strict = env.get(STRICT_ENV, "") not in ("", "0")
    pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    registry = Registry()
    for ep in _selected(entry_points, env):
        record = PluginRecord(
            ep.name, ep.dist.name if ep.dist else "unknown", ep.dist.version if ep.dist else "?"
        )
        registry.plugins.append(record)
        try:
            _load_one(pm, ep, record, registry, strict)
        except Exception as exc:  # a plugin may fail in any way; record it and go on
            record.error = one_line(exc)
            record.architectures.clear()
            record.datasets.clear()
            message = (
                f"zoo: plugin '{ep.name}' ({record.distribution} {record.version}) "
                f"failed to load: {record.error}"
            )
            if strict:
                raise PluginError(message.removeprefix("zoo: ")) from exc
            warn(f"{message}; skipped (see 'zoo plugins')")
            continue
        for reason in record.refused:
            warn(f"zoo: plugin '{ep.name}' ({record.distribution} {record.version}): {reason}")
    return registry


def _load_one(
    pm: pluggy.PluginManager,
    ep: metadata.EntryPoint,
    record: PluginRecord,
    registry: Registry,
    strict: bool = False,
) -> None:
    """Import one entry point and register what it provides; a name already taken is refused
    on its own (recorded in ``record.refused``), the plugin's other names still load."""
    plugin = ep.load()
    _check_hooks(plugin)
    pm.register(plugin, name=f"{record.distribution}:{ep.name}")
    collector = _Collector()
    _call_hooks(pm, plugin, collector)
    provider = {"provider": record.distribution, "provider_version": record.version}
    found = [
        (registry.architectures, dataclasses.replace(spec, **provider))
        for spec in collector.architectures
    ] + [(registry.datasets, dataclasses.replace(spec, **provider)) for spec in collector.datasets]
    accepted: dict[tuple[int, str], Any] = {}
    for table, spec in found:
        other = table.get(spec.name) or accepted.get((id(table), spec.name))
        if other is None:
            accepted[(id(table), spec.name)] = spec
        elif other.provider == record.distribution and (id(table), spec.name) in accepted:
            record.refused.append(
                f"'{spec.name}' is registered twice by {record.distribution}; rename one of them"
            )
        else:
            record.refused.append(
                f"'{spec.name}' is already provided by {other.provider} "
                f"{other.provider_version}; rename it in {record.distribution}"
            )
    if record.refused and strict:
        raise DuplicateNameError(record.refused[0])
    for table, spec in found:
        if accepted.get((id(table), spec.name)) is spec:
            table[spec.name] = spec
    record.architectures = _names(collector.architectures, accepted, registry.architectures)
    record.datasets = _names(collector.datasets, accepted, registry.datasets)


def _names(specs: list, accepted: dict[tuple[int, str], Any], table: dict) -> list[str]:
    names = [spec.name for spec in specs if (id(table), spec.name) in accepted]
    return list(dict.fromkeys(names))


_registry: Registry | None = None


def get_registry(warn: Callable[[str], None] | None = None) -> Registry:
    """The process-wide registry, loaded on first use (``warn`` gets that load's warnings)."""
    global _registry
    if _registry is None:
        _registry = load_registry(warn=warn)
    return _registry


def reset_registry() -> None:
    """Forget the loaded registry so the next use discovers plugins again."""
    global _registry
    _registry = None
