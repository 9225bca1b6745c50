"""Plugin discovery through real entry points: distributions made on the fly on sys.path."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import zoo
from zoo.registry import get_registry, load_registry

GOOD = """
from zoo import ArchitectureSpec, hookimpl

def build(input_spec, *, width):
    raise NotImplementedError

@hookimpl
def zoo_register_architectures(register):
    register(ArchitectureSpec("toy_net", build, "toy", hparams={"width": 4}))
"""
BROKEN = "import a_module_that_does_not_exist\n"
DUPLICATE = GOOD.replace('"toy_net"', '"lstm"')
TAKEN_AND_NEW = GOOD.replace(
    "    register(ArchitectureSpec(",
    '    register(ArchitectureSpec("lstm", build, "taken", hparams={"width": 4}))\n'
    "    register(ArchitectureSpec(",
)
TWICE = GOOD.replace(
    "    register(ArchitectureSpec(",
    '    register(ArchitectureSpec("toy_net", build, "again", hparams={"width": 4}))\n'
    "    register(ArchitectureSpec(",
)
RAISING = """
from zoo import hookimpl

@hookimpl
def zoo_register_architectures(register):
    raise RuntimeError("hook exploded")
"""
UNMARKED = GOOD.replace("@hookimpl\n", "")
MISSPELLED = GOOD.replace("zoo_register_architectures", "zoo_register_architecture")
WRONG_ARGUMENT = GOOD.replace("(register)", "(reg)").replace("    register(", "    reg(")
INVALID = """
from zoo import hookimpl

@hookimpl
def zoo_register_architectures(register):
    register({"name": "not a spec"})
"""


def test_builtins_load_through_entry_points(monkeypatch):
    monkeypatch.setenv("ZOO_PLUGINS", "")
    registry = get_registry()
    assert zoo.list_architectures() == [
        "bilstm",
        "bow_logreg",
        "cnn1d",
        "cnn_lstm",
        "fasttext",
        "lstm",
        "nbsvm",
        "stacked_bilstm",
        "textcnn",
        "tfidf_logreg",
    ]
    assert {p.distribution for p in registry.plugins} == {"keras-zoo"}
    assert all(p.status == "ok" for p in registry.plugins)
    assert zoo.get_spec("lstm").provider == "keras-zoo"
    assert sorted(registry.datasets) == ["file", "folder", "imdb"]


def test_wildcards_include_and_exclude(monkeypatch):
    monkeypatch.setenv("ZOO_PLUGINS", "")
    assert zoo.list_architectures("*lstm*", exclude="stacked*") == ["bilstm", "cnn_lstm", "lstm"]
    assert zoo.list_architectures(["cnn*", "lstm"]) == ["cnn1d", "cnn_lstm", "lstm"]


def test_unknown_name_suggests_close_matches():
    with pytest.raises(zoo.UnknownArchitectureError, match="did you mean bilstm"):
        zoo.get_spec("bilstn")


def test_third_party_plugin_is_discovered_with_its_provider(install):
    install("zoo-toy", "toy_plugin_good", GOOD)
    spec = zoo.get_spec("toy_net")
    assert (spec.provider, spec.provider_version) == ("zoo-toy", "1.2")
    assert "toy_net" in zoo.list_architectures()


@pytest.mark.parametrize(
    ("source", "error"),
    [
        (BROKEN, "ModuleNotFoundError"),
        (RAISING, "RuntimeError: hook exploded"),
        (INVALID, "expected an ArchitectureSpec"),
        (UNMARKED, "'zoo_register_architectures' is not marked as a hook; decorate it with"),
        (
            MISSPELLED,
            "unknown hook 'zoo_register_architecture' (did you mean zoo_register_architectures",
        ),
        (
            WRONG_ARGUMENT,
            "hook 'zoo_register_architectures' has no argument 'reg'; its arguments are (register)",
        ),
    ],
)
def test_faulty_plugin_is_reported_and_others_keep_working(install, capsys, source, error):
    install("zoo-bad", "toy_plugin_bad", source)
    install("zoo-toy", "toy_plugin_fine", GOOD)
    assert "toy_net" in zoo.list_architectures()
    assert "lstm" in zoo.list_architectures()
    record = next(p for p in get_registry().plugins if p.distribution == "zoo-bad")
    assert record.status == "error" and error in record.error
    warning = capsys.readouterr().err.strip().splitlines()
    assert len(warning) == 1
    assert "zoo-bad 1.2" in warning[0] and "'main'" in warning[0] and error in warning[0]


def test_a_duplicate_name_is_refused_alone_and_the_author_told_to_rename(install, capsys):
    install("zoo-dup", "toy_plugin_dup", TAKEN_AND_NEW)
    assert zoo.get_spec("lstm").provider == "keras-zoo"
    assert zoo.get_spec("toy_net").provider == "zoo-dup"  # the plugin's other name still loads
    record = next(p for p in get_registry().plugins if p.distribution == "zoo-dup")
    assert record.architectures == ["toy_net"] and not record.error
    assert record.status == (
        f"refused: 'lstm' is already provided by keras-zoo {zoo.__version__}; rename it in zoo-dup"
    )
    warning = capsys.readouterr().err.strip().splitlines()
    assert len(warning) == 1 and "rename it in zoo-dup" in warning[0]


def test_a_name_registered_twice_by_one_plugin_is_named_once(install):
    install("zoo-twice", "toy_plugin_twice", TWICE)
    record = next(p for p in get_registry().plugins if p.distribution == "zoo-twice")
    assert record.architectures == ["toy_net"]
    assert record.refused == ["'toy_net' is registered twice by zoo-twice; rename one of them"]


def test_strict_mode_refuses_duplicates(install, monkeypatch):
    install("zoo-dup", "toy_plugin_dup_strict", DUPLICATE)
    monkeypatch.setenv("ZOO_STRICT_PLUGINS", "1")
    with pytest.raises(zoo.PluginError, match="rename it in zoo-dup"):
        load_registry()


def test_strict_mode_turns_failures_into_errors(install, monkeypatch):
    install("zoo-bad", "toy_plugin_strict", BROKEN)
    monkeypatch.setenv("ZOO_STRICT_PLUGINS", "1")
    with pytest.raises(zoo.PluginError, match="zoo-bad"):
        load_registry()


@pytest.mark.parametrize(
    ("selection", "expected"), [("", False), ("zoo-toy", True), ("main", True)]
)
def test_zoo_plugins_chooses_what_loads(install, monkeypatch, selection, expected):
    install("zoo-toy", "toy_plugin_selected", GOOD)
    monkeypatch.setenv("ZOO_PLUGINS", selection)
    names = load_registry().architectures
    assert ("toy_net" in names) is expected
    assert "lstm" in names


def test_zoo_list_imports_neither_keras_nor_tensorflow():
    code = textwrap.dedent(
        """
        import sys
        sys.argv = ["zoo", "list"]
        from zoo.cli import main
        main()
        print("HEAVY:", [m for m in ("keras", "tensorflow") if m in sys.modules])
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "cnn_lstm" in result.stdout
    assert "HEAVY: []" in result.stdout
