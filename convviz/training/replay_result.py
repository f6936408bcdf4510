"""What the replay of one cell reports: the numbers a view needs to explain how the cell was made."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BatchNormNumbers:
    """One channel's batch-normalisation numbers: γ·(x−μ)/√(σ²+ε)+β."""

    gamma: float
    beta: float
    mean: float
    variance: float
    epsilon: float


@dataclass(frozen=True)
class Replay:
    """The arithmetic behind one output cell of one layer, recomputed with the arithmetic engine.

    ``kind`` says which fields carry the story:

    - "conv" (Conv2D, DepthwiseConv2D, SeparableConv2D, Conv2DTranspose): ``layer_input``
      (H, W, Cin') with ``kernel`` (kh, kw, Cin') of the channel, ``window_values`` what the
      window read, ``contributions`` (Cin',) one per input channel, then ``bias``,
      ``pre_activation``, ``activation``. ``input_channels`` names the real channels behind
      the Cin' (a group, the one channel of a depthwise filter). A transposed convolution is
      shown as the equivalent stride-1 convolution of its zero-inserted input.
    - "pool" (Max/AveragePooling2D, GlobalAverage/GlobalMaxPooling2D): ``pool_mode``,
      ``window``, ``stride``, ``padding``; ``window_values`` the real cells pooled.
    - "norm" (BatchNormalization): ``batch_norm`` and the input in ``branch_values``.
    - "activation" (ReLU, Activation, Softmax...): the input in ``pre_activation``.
    - "merge" (Add, Concatenate, Multiply, Average, ...): each input's value at the cell in
      ``branch_values``, their layers in ``branches``.
    - "pad", "identity", "rescale": the one input value in ``branch_values``.

    ``formula`` writes the computation out in one line with its numbers.
    """

    layer: str
    kind: str
    cell: tuple[int, int]
    channel: int
    layer_input: np.ndarray  # (H, W, Cin'): the input the kernel slides over (first input otherwise)
    kernel: np.ndarray | None  # (kh, kw, Cin') for "conv"
    contributions: np.ndarray  # "conv": (Cin',); otherwise (1,) the value before the activation
    bias: float
    pre_activation: float
    activation: str
    value: float  # what the engine computes for the cell
    model_value: float  # what the model produced there
    window: tuple = (1, 1)
    stride: tuple = (1, 1)
    padding: object = "valid"
    dilation: tuple = (1, 1)
    pool_mode: str = ""
    layer_kind: str = ""  # the Keras class name
    window_values: np.ndarray | None = None
    input_channels: tuple = ()
    branches: tuple = ()
    branch_values: tuple = ()
    batch_norm: BatchNormNumbers | None = None
    depthwise_kernel: np.ndarray | None = None  # SeparableConv2D: (kh, kw, Cin, M) of the channel's inputs
    pointwise_weights: np.ndarray | None = None  # SeparableConv2D: (Cin·M,) into the channel
    formula: str = ""

    @property
    def matches(self) -> bool:
        """True when the replayed value equals the model's (float32 rounding allowed)."""
        scale = max(1.0, abs(self.model_value), float(np.abs(self.contributions).sum()))
        return abs(self.value - self.model_value) <= 1e-4 * scale


def cell_value(array: np.ndarray, cell, channel: int) -> float:
    """The value of ``array`` at ``cell``/``channel``: (H, W, C) by cell, a vector by channel."""
    array = np.asarray(array)
    if array.ndim == 3:
        return float(array[int(cell[0]), int(cell[1]), int(channel)])
    return float(array.reshape(-1)[int(channel)])
