"""``lstm``: embedding → LSTM → last state or pooling over time → dropout → dense (both seeds)."""

from __future__ import annotations

from zoo_plugins import _recurrent as r

from zoo import ArchitectureSpec, HParam, InputSpec, hookimpl
from zoo.blocks import custom_layers


def build(input_spec: InputSpec, **hparams):
    """Build the single-layer LSTM classifier."""
    return r.build_recurrent(input_spec, name="lstm", bidirectional=False, n_layers=1, **hparams)


@hookimpl
def zoo_register_architectures(register):
    register(
        ArchitectureSpec(
            name="lstm",
            builder=build,
            description="Embedding, one LSTM pooled over time (or its last state), dropout, output",
            hparams=r.family_hparams(
                units=HParam(128, "LSTM units", 1, search=(16, 256), log=True)
            ),
            reference="Hochreiter & Schmidhuber 1997; course notebook and tutorial seeds",
            custom_objects=custom_layers,
            tags=("recurrent",),
        )
    )
