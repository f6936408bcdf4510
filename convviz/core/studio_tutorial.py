"""The tutorial's MNIST network, one Conv2D at a time, as studio settings (no Qt).

The network is Conv2D(32, 3×3) → MaxPooling(2) → Conv2D(64, 3×3) → MaxPooling(2) →
Conv2D(64, 3×3) on a 28×28×1 digit, ReLU after every convolution. Each layer becomes
the studio's settings for its input shape; its parameter count is the studio's number
for it, equal to the row of Keras' ``model.summary()``. The first layer reads a real
digit; the later ones read random integers of their input's shape (the studio has no
trained weights of its own; the inspector sends real maps).
"""

from __future__ import annotations

from dataclasses import dataclass

from convviz.arithmetic import conv_output_shape, pool_output_shape
from convviz.arithmetic.presets import kernel_preset
from convviz.core.studio import MNIST_SIZE, StudioSettings

TUTORIAL_CONVS = (("conv2d", 32), ("conv2d_1", 64), ("conv2d_2", 64))  # Keras' default layer names
POOL_SIZE = 2


@dataclass(frozen=True)
class TutorialLayer:
    """One Conv2D of the tutorial network: its studio settings and its shapes."""

    name: str
    settings: StudioSettings
    input_shape: tuple[int, int, int]
    output_shape: tuple[int, int, int]
    pooled_after: bool  # a 2×2 max pooling follows (the first two layers)


def tutorial_model_layers(kernel: str = "sobel-x") -> tuple[TutorialLayer, ...]:
    """Every Conv2D of the tutorial network as studio settings, with the preset ``kernel``."""
    layers, shape = [], (MNIST_SIZE, MNIST_SIZE, 1)
    for index, (name, filters) in enumerate(TUTORIAL_CONVS):
        first = index == 0
        settings = StudioSettings(
            kind="conv", input_kind="digit" if first else "random", input_size=shape[0],
            in_channels=shape[2], filters=filters, kernel=kernel_preset(kernel, 3), kernel_preset=kernel,
            use_bias=True, activation="relu",
        )
        out = (*conv_output_shape(shape[:2], 3), filters)
        pooled = index < len(TUTORIAL_CONVS) - 1
        layers.append(TutorialLayer(name, settings, shape, out, pooled))
        shape = (*pool_output_shape(out[:2], POOL_SIZE), filters) if pooled else out
    return tuple(layers)
