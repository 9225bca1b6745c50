"""``bilstm``: embedding → bidirectional LSTM → pooling over time → dropout → dense (course)."""

from __future__ import annotations

from zoo_plugins import _recurrent as r

from zoo import ArchitectureSpec, HParam, InputSpec, hookimpl
from zoo.blocks import custom_layers


def build(input_spec: InputSpec, **hparams):
    """Build the bidirectional LSTM classifier."""
    return r.build_recurrent(input_spec, name="bilstm", bidirectional=True, n_layers=1, **hparams)


@hookimpl
def zoo_register_architectures(register):
    register(
        ArchitectureSpec(
            name="bilstm",
            builder=build,
            description="Embedding, one bidirectional LSTM pooled over time, dropout, output",
            hparams=r.family_hparams(
                units=HParam(64, "LSTM units in each direction", 1, search=(16, 128), log=True),
                embedding_dim=64,
            ),
            reference="Schuster & Paliwal 1997; course notebook and tutorial seeds",
            custom_objects=custom_layers,
            tags=("recurrent", "bidirectional"),
        )
    )
