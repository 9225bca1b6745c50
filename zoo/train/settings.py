"""Training settings: how one model is trained. No NumPy or Keras, for a fast CLI."""

from __future__ import annotations

from dataclasses import dataclass

from zoo.errors import ConfigError
from zoo.train.precision import FLOAT32, PRECISIONS

# each optimizer by its name in settings and its class in keras.optimizers
OPTIMIZERS = {"adam": "Adam", "adamw": "AdamW", "sgd": "SGD", "rmsprop": "RMSprop"}
SCHEDULES = ("constant", "cosine")


@dataclass(frozen=True)
class TrainSettings:
    """How one model is trained."""

    optimizer: str = "adam"
    learning_rate: float = 0.001
    schedule: str = "cosine"  # decay to 0 over the epochs, or "constant"
    epochs: int = 3
    batch_size: int = 64
    seed: int = 0
    patience: int = 0  # early stopping off: the schedule ends at the last epoch
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
        for name in ("epochs", "batch_size"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be positive, got {getattr(self, name)}")
        if self.learning_rate <= 0:
            raise ConfigError(f"learning_rate must be positive, got {self.learning_rate}")
        if self.patience < 0:
            raise ConfigError(f"patience must be 0 (off) or more, got {self.patience}")
        if self.target_accuracy is not None and not 0 < self.target_accuracy <= 1:
            raise ConfigError(f"target accuracy must be in (0, 1], got {self.target_accuracy}")
