"""The conformance kit fails on the mistakes plugin authors make, with a message that says so."""

from __future__ import annotations

import pytest

from zoo.testing import check_architecture

pytestmark = pytest.mark.slow  # builds models and starts subprocesses

UNRELOADABLE = """
from zoo import ArchitectureSpec, hookimpl


def build(input_spec):
    import keras

    from zoo.blocks import classifier_head, functional_model, token_input

    @keras.saving.register_keras_serializable(package="toy_kit")
    class Doubler(keras.layers.Layer):  # registered only where the builder ran
        def call(self, inputs):
            return inputs * 2

    tokens = token_input(input_spec)
    x = keras.layers.GlobalAveragePooling1D()(keras.layers.Embedding(10, 4)(tokens))
    return functional_model(tokens, classifier_head(Doubler()(x), input_spec), "kit_toy")


@hookimpl
def zoo_register_architectures(register):
    register(ArchitectureSpec("kit_toy", build, "forgot custom_objects"))
"""
HEAVY_HOOK = UNRELOADABLE.replace(
    "def zoo_register_architectures(register):\n",
    "def zoo_register_architectures(register):\n    import keras  # noqa: F401\n",
)


def test_a_model_that_reloads_only_where_it_was_built_fails_the_kit(install, tmp_path):
    install("zoo-kit-toy", "toy_kit_reload", UNRELOADABLE)
    with pytest.raises(Exception, match=r"does not load in a new process.*custom_objects"):
        check_architecture("kit_toy", tmp_path)


def test_importing_keras_in_the_registration_hook_fails_the_kit(install, tmp_path):
    from zoo import get_spec
    from zoo.testing import check_light_import

    install("zoo-kit-heavy", "toy_kit_heavy", HEAVY_HOOK)
    with pytest.raises(AssertionError, match="running its hooks imported: keras"):
        check_light_import(get_spec("kit_toy"))
