"""Training settings: how one model is trained. No NumPy or Keras, for a fast CLI."""

from __future__ import annotations

from dataclasses import dataclass

from zoo.errors import ConfigError
from zoo.train.precision import FLOAT32, PRECISIONS

# each optimizer by its name in settings and its class in keras.optimizers
OPTIMIZERS = {"adam": "Adam", "adamw": "AdamW", "sgd": "SGD", "rmsprop": "RMSprop"}
SCHEDULES = ("constant", "cosine")
AUTO = "auto"  # epochs and patience that follow the data (zoo.train.length)
STALL, ACCURACY = "stall", "accuracy"  # what early stopping waits on (zoo.train.trainer)


@dataclass(frozen=True)
class TrainSettings:
    """How one model is trained."""

    optimizer: str = "adam"
    learning_rate: float = 0.001
    schedule: str = "cosine"  # decay to 0 over the planned epochs, or "constant"
    epochs: int | str = AUTO  # a number, or auto: enough for a minimum of updates, capped
    batch_size: int = 64
    seed: int = 0
    patience: int | str = AUTO  # epochs without progress on validation before stopping; 0: off
    stop_on: str = STALL  # progress: a better val accuracy or loss (stall), or accuracy alone
    precision: str = FLOAT32
    embeddings: str | None = None
    embeddings_trainable: bool = True
    target_accuracy: float | None = None
    bucketing: bool = True  # batches cut to their longest text, for models that take any length

    def check(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise ConfigError(
                f"unknown optimizer {self.optimizer!r}; choose one of {', '.join(OPTIMIZERS)}"
            )
        if self.schedule not in SCHEDULES:
            raise ConfigError(
                f"unknown schedule {self.schedule!r}; choose one of {', '.join(SCHEDULES)}"
            )
        if self.precision not in PRECISIONS:
            raise ConfigError(
                f"unknown precision {self.precision!r}; choose one of {', '.join(PRECISIONS)}"
            )
        if self.stop_on not in (STALL, ACCURACY):
            raise ConfigError(f"stop_on must be {STALL} or {ACCURACY}, got {self.stop_on!r}")
        if self.batch_size <= 0:
            raise ConfigError(f"batch_size must be positive, got {self.batch_size}")
        _check_count("epochs", self.epochs, "a positive number", 1)
        _check_count("patience", self.patience, "0 (off) or more", 0)
        if self.learning_rate <= 0:
            raise ConfigError(f"learning_rate must be positive, got {self.learning_rate}")
        if self.target_accuracy is not None and not 0 < self.target_accuracy <= 1:
            raise ConfigError(f"target accuracy must be in (0, 1], got {self.target_accuracy}")


def _check_count(name: str, value: int | str, what: str, lowest: int) -> None:
    if value == AUTO or (isinstance(value, int) and value >= lowest):
        return
    raise ConfigError(f"{name} must be {what} or '{AUTO}', got {value!r}")
