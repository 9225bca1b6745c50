"""How long a run trains: epochs and early stopping that follow the data.

At ``epochs = "auto"`` (the default) a run plans enough epochs for ``MIN_UPDATES`` optimizer
updates, at least ``MIN_EPOCHS`` and at most ``MAX_EPOCHS``: IMDB's 22,500 reviews train 3
epochs of 352 batches, a file of 1,000 sentences 40 epochs of 12. It stops early once neither
validation accuracy nor loss has improved for ``patience`` epochs and keeps the weights of its
best epoch (``zoo.train.trainer``); the learning rate schedule spans the planned epochs. A
number of epochs given by the user (or a recipe) is trained as given, without early stopping
unless a patience is given too.
"""

from __future__ import annotations

import dataclasses
import math

from zoo.train.settings import AUTO, TrainSettings

PLANNED, EARLY, PRUNED = "planned", "early", "pruned"  # why a run stopped
MIN_UPDATES = 1000
MIN_EPOCHS = 3
MAX_EPOCHS = 40


def planned_length(settings: TrainSettings, train_size: int) -> TrainSettings:
    """``settings`` with ``auto`` epochs and patience resolved for ``train_size`` training
    texts; settings already resolved come back unchanged."""
    epochs, patience = settings.epochs, settings.patience
    if epochs == AUTO:
        updates_per_epoch = max(math.ceil(train_size / settings.batch_size), 1)
        epochs = min(MAX_EPOCHS, max(MIN_EPOCHS, math.ceil(MIN_UPDATES / updates_per_epoch)))
        if patience == AUTO:
            patience = auto_patience(epochs)
    elif patience == AUTO:
        patience = 0  # a fixed number of epochs trains to its end
    return dataclasses.replace(settings, epochs=epochs, patience=patience)


def auto_patience(epochs: int) -> int:
    """Epochs without improvement before stopping: 2 for IMDB's 3, a quarter of a longer plan."""
    return max(2, epochs // 4)
