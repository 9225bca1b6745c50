"""``stacked_bilstm``: ``n_layers`` bidirectional LSTMs, all but the last returning sequences."""

from __future__ import annotations

from zoo_plugins import _recurrent as r

from zoo import ArchitectureSpec, HParam, InputSpec, hookimpl
from zoo.blocks import custom_layers


def build(input_spec: InputSpec, *, n_layers: int, **hparams):
    """Build the stacked bidirectional LSTM classifier."""
    return r.build_recurrent(
        input_spec, name="stacked_bilstm", bidirectional=True, n_layers=n_layers, **hparams
    )


@hookimpl
def zoo_register_architectures(register):
    register(
        ArchitectureSpec(
            name="stacked_bilstm",
            builder=build,
            description="Embedding, n_layers stacked bidirectional LSTMs pooled over time, output",
            hparams={
                "n_layers": HParam(2, "number of bidirectional LSTM layers", 1, search=(1, 3)),
                **r.family_hparams(
                    units=HParam(
                        64,
                        "LSTM units in each direction of each layer",
                        1,
                        search=(16, 128),
                        log=True,
                    )
                ),
            },
            reference="Graves et al. 2013; course notebook seed",
            custom_objects=custom_layers,
            tags=("recurrent", "bidirectional", "stacked"),
        )
    )
