"""What a training run trains: :class:`TrainingConfig`, checked when it is made (no TensorFlow)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from convviz.arithmetic.layer_stack import LayerSpec
from convviz.training.models import CUSTOM, MODEL_PRESETS
from convviz.training.strategies import check_strategy

__all__ = ["LOADED", "TrainingConfig"]

LOADED = "loaded"  # TrainingConfig.model for "train the .keras file at model_path"


def _whole(value, name: str, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, not {value!r}")


@dataclass(frozen=True)
class TrainingConfig:
    """What to train: data ("mnist", "fashion_mnist", "cifar10" or a path), model, hyperparameters.

    ``model`` is a preset name, ``"custom"``, which builds ``layers`` (a sequence of
    LayerSpec) with a softmax head, or ``"loaded"``, which trains the ``.keras`` file at
    ``model_path`` (its saved weights if ``keep_weights``, else fresh initial weights). ``limit`` keeps at most that many samples per split;
    ``probe_every`` is the number of batches between probes (0: only before training and at each
    epoch end); ``strategy`` is None, "default" or "mirrored". Invalid values
    raise ValueError with a one-line message.
    """

    data: str = "mnist"
    model: str = "seed"
    epochs: int = 5
    batch_size: int = 64
    learning_rate: float = 1e-3
    limit: int | None = None
    probe_every: int = 20
    seed: int = 0
    layers: tuple[LayerSpec, ...] = ()
    strategy: str | None = None
    model_path: str | None = None
    keep_weights: bool = True

    def __post_init__(self):
        _whole(self.epochs, "epochs", 1)
        _whole(self.batch_size, "batch size", 1)
        if self.limit is not None:
            _whole(self.limit, "limit", 1)
        _whole(self.probe_every, "probe_every", 0)
        _whole(self.seed, "seed", 0)
        rate = self.learning_rate
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate) or rate <= 0:
            raise ValueError(f"learning rate must be a positive number, not {rate!r}")
        if self.model not in MODEL_PRESETS and self.model not in (CUSTOM, LOADED):
            raise ValueError(f"unknown model {self.model!r}; choose one of "
                             f"{', '.join(MODEL_PRESETS)}, {CUSTOM} or {LOADED}")
        if (self.model == LOADED) != bool(self.model_path):
            raise ValueError("a loaded model needs its file: TrainingConfig(model='loaded', model_path=...)"
                             if self.model == LOADED else "model_path is only used with model='loaded'")
        if self.model_path is not None:
            object.__setattr__(self, "model_path", str(self.model_path))
        if not isinstance(self.keep_weights, bool):
            raise ValueError(f"keep_weights must be True or False, not {self.keep_weights!r}")
        object.__setattr__(self, "layers", tuple(self.layers or ()))
        if self.model == CUSTOM:
            if not self.layers:
                raise ValueError("a custom model needs its layers: TrainingConfig(model='custom', layers=(...))")
            if not all(isinstance(spec, LayerSpec) for spec in self.layers):
                raise ValueError("a custom model's layers must be LayerSpec objects")
        elif self.layers:
            raise ValueError(f"layers are only used with model='custom', not with the {self.model} preset")
        check_strategy(self.strategy)
