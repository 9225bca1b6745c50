"""``zoo new-plugin``: writes a ready-to-install plugin package that passes its own tests."""

from __future__ import annotations

from pathlib import Path

from zoo.errors import ConfigError
from zoo.paths import staged
from zoo.spec import NAME_PATTERN

PYPROJECT = """\
[build-system]
requires = ["setuptools>=69"]
build-backend = "setuptools.build_meta"

[project]
name = "zoo-{dash}"
version = "0.1.0"
description = "The {name} architecture for keras-zoo"
requires-python = ">=3.10"
dependencies = ["keras-zoo>=0.1"]

[project.optional-dependencies]
test = ["pytest>=8"]

[project.entry-points.keras_zoo]
{name} = "zoo_{name}"

[tool.setuptools]
packages = ["zoo_{name}"]
"""

MODULE = '''\
"""The {name} architecture for keras-zoo: embedding, average pooling, dense, output."""

from zoo import ArchitectureSpec, HParam, hookimpl


def build(input_spec, *, embedding_dim, hidden_units, dropout):
    """Build the model; import Keras here, never at module level."""
    import keras

    from zoo.blocks import classifier_head, embed, functional_model, token_input

    tokens = token_input(input_spec, any_length=True)  # batches cut to their longest text
    x = embed(tokens, input_spec, embedding_dim)
    x = keras.layers.GlobalAveragePooling1D()(x)
    x = keras.layers.Dense(hidden_units, activation="relu")(x)
    x = keras.layers.Dropout(dropout)(x)
    return functional_model(tokens, classifier_head(x, input_spec), "{name}")


@hookimpl
def zoo_register_architectures(register):
    register(
        ArchitectureSpec(
            name="{name}",
            builder=build,
            description="Average of word embeddings, a dense layer and an output",
            hparams={{
                "embedding_dim": HParam(64, "width of the word embedding", 1),
                "hidden_units": HParam(64, "units of the dense layer", 1),
                "dropout": HParam(0.2, "dropout before the output", 0.0, 0.99),
            }},
            reference="",
        )
    )
'''

TEST = '''\
"""Runs the keras-zoo conformance kit on {name}."""

from zoo.testing import check_architecture


def test_{name}_conforms(tmp_path):
    check_architecture("{name}", tmp_path)
'''

README = """\
# zoo-{dash}

The `{name}` architecture for [keras-zoo](https://pypi.org/project/keras-zoo/).

    pip install -e ".[test]"
    zoo list {name}
    pytest
    zoo bench {name} cnn1d
"""


def create_plugin(name: str, directory: Path) -> Path:
    """Write the package ``zoo-<name>`` under ``directory``; returns its folder."""
    if not NAME_PATTERN.match(name):
        raise ConfigError(f"plugin name {name!r} must be a lowercase identifier, e.g. my_net")
    target = directory / f"zoo-{name.replace('_', '-')}"
    if target.exists():
        raise ConfigError(f"{target} already exists; choose another name or --dir")
    values = {"name": name, "dash": name.replace("_", "-")}
    files = {
        "pyproject.toml": PYPROJECT,
        f"zoo_{name}/__init__.py": MODULE,
        f"tests/test_{name}.py": TEST,
        "README.md": README,
    }
    with staged(target, folder=True) as staging:
        for relative, template in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(template.format(**values), encoding="utf-8")
    return target
