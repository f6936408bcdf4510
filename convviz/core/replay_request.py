"""The inspector's hand-off to the studio, typed: which map, which kernel, which cell to land on.

:func:`studio_request` turns a replay of one Conv2D or pooling cell (see
``convviz.training.inspection.Replay``) into a :class:`StudioRequest`;
:meth:`StudioRequest.settings` gives the studio's settings for it and the studio's
result says which step computes the cell (``StudioResult.step_index(*request.cell)``).
:func:`whole_cell_request` brings the whole cell instead (:class:`WholeCellRequest`): every
input channel with its kernel slice, their sum, the bias and the activation.
No Qt and no TensorFlow: the replay is read by its attributes only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from convviz.core.studio import CUSTOM, StudioSettings


@dataclass(frozen=True)
class PoolRequest:
    """A pooling stage after the convolution, as Keras defines it."""

    mode: str  # "max", "avg" or "sum"
    size: int
    stride: int
    padding: str = "valid"


@dataclass(frozen=True, eq=False)
class StudioRequest:
    """A real feature map ``x`` (2-D) with ``kernel``, the layer's settings, and the cell to show.

    ``cell`` is ``(kind, row, col)``: "conv" for a cell of the convolution's output, "pool" for
    a cell of the pooled map. ``note`` says how the model completes the cell from this share.
    """

    x: np.ndarray
    kernel: np.ndarray
    caption: str
    stride: int = 1
    padding: object = "valid"
    dilation: int = 1
    pool: PoolRequest | None = None
    cell: tuple[str, int, int] = ("conv", 0, 0)
    note: str = ""

    def settings(self, base: StudioSettings) -> StudioSettings:
        """``base`` switched to this feature map, kernel and layer settings (a custom kernel)."""
        x = np.asarray(self.x, dtype=np.float64)
        pool = {"pool": False}
        if self.pool is not None:
            pool = {"pool": True, "pool_mode": self.pool.mode, "pool_size": self.pool.size,
                    "pool_stride": self.pool.stride, "pool_padding": self.pool.padding}
        return base.with_(
            input_kind="model", model_map=x, caption=self.caption, model_note=self.note,
            input_size=x.shape[0], kernel=np.asarray(self.kernel, dtype=np.float64), kernel_preset=CUSTOM,
            stride=int(self.stride), padding=self.padding, dilation=int(self.dilation), **pool,
        )


STUDIO_ACTIVATIONS = {"linear": "none", "relu": "relu", "tanh": "tanh", "sigmoid": "sigmoid"}


@dataclass(frozen=True, eq=False)
class WholeCellRequest:
    """A whole Conv2D cell: every input channel's slice with its learned kernel slice, their sum,
    the bias and the activation, landing on the model's value.

    ``x`` is the layer's real input (H, W, Cin), ``kernel`` the clicked filter's weights
    (kh, kw, Cin). The studio plays it as a one-filter convolution in depth; ``cell`` is
    ``("conv", row, col)``, so ``result.step_index(*request.cell)`` is the step of the cell,
    whose ``channel_dots`` are the channels' shares and whose ``total`` is their sum;
    ``result.activated[row, col, 0]`` is the layer's value and ``model_value`` the model's own.
    """

    x: np.ndarray
    kernel: np.ndarray
    bias: float
    activation: str  # the studio's name: "none", "relu", "tanh" or "sigmoid"
    caption: str
    stride: tuple = (1, 1)
    padding: object = "valid"
    dilation: tuple = (1, 1)
    cell: tuple[str, int, int] = ("conv", 0, 0)
    model_value: float = 0.0
    note: str = ""

    def settings(self, base: StudioSettings) -> StudioSettings:
        """``base`` switched to this layer input, filter, bias and activation (no pooling)."""
        x = np.asarray(self.x, dtype=np.float64)
        kernel = np.asarray(self.kernel, dtype=np.float64)
        return base.with_(
            kind="conv", input_kind="model", model_map=x, caption=self.caption, model_note=self.note,
            input_size=x.shape[0], in_channels=x.shape[2], filters=1, groups=1, depth_multiplier=1,
            output_padding=None, kernel=kernel.sum(axis=2), kernel_preset=CUSTOM, weights=kernel[..., None],
            pointwise=None, use_bias=True, bias=(float(self.bias),), activation=self.activation,
            stride=tuple(int(v) for v in self.stride), padding=self.padding,
            dilation=tuple(int(v) for v in self.dilation), pool=False,
        )


def whole_cell_request(replay) -> WholeCellRequest:
    """The studio animation of a whole Conv2D cell of ``replay`` (all input channels at once).

    ValueError (one sentence) for a pooling cell or an activation the studio cannot apply.
    """
    if replay.kind != "conv":
        raise ValueError("a whole-cell replay needs a convolution cell; a pooling cell reads one channel")
    activation = STUDIO_ACTIVATIONS.get(replay.activation)
    if activation is None:
        raise ValueError(f"the studio applies {', '.join(STUDIO_ACTIVATIONS)} activations, "
                         f"not {replay.activation!r}")
    row, col = replay.cell
    channels = replay.layer_input.shape[2]
    return WholeCellRequest(
        x=np.asarray(replay.layer_input), kernel=np.asarray(replay.kernel), bias=float(replay.bias),
        activation=activation, stride=tuple(replay.stride), padding=replay.padding,
        dilation=tuple(replay.dilation), cell=("conv", row, col), model_value=float(replay.model_value),
        caption=(f"{replay.layer}'s input, all {channels} channel(s) · learned kernel of filter "
                 f"{replay.channel}, its bias and {replay.activation}"),
        note=(f"In the model, {replay.layer}[{row}, {col}] of filter {replay.channel} = "
              f"{replay.model_value:.4g}."),
    )


def _conv_note(replay, channel: int) -> str:
    """How the model finishes the cell from input channel ``channel``'s share (a sentence)."""
    row, col = replay.cell
    head = f"In the model, {replay.layer}[{row}, {col}] of filter {replay.channel}"
    tail = (f"+ bias {replay.bias:.4g} = {replay.pre_activation:.4g}, {replay.activation} → "
            f"{replay.value:.4g}; the model produced {replay.model_value:.4g}.")
    count = len(replay.contributions)
    if count == 1:
        return f"{head}: this sum {replay.contributions[0]:.4g} {tail}"
    return (f"{head} adds this share ({replay.contributions[channel]:.4g}) to those of its other "
            f"{count - 1} input channel(s): Σ = {replay.contributions.sum():.4g}, {tail}")


def studio_request(replay, channel: int) -> StudioRequest:
    """The studio animation of ``replay`` (a Conv2D or pooling cell) through input channel ``channel``.

    Convolution: that channel of the layer's input with that channel's slice of the learned
    kernel, landing on the clicked cell (this channel's share of it). Pooling: the channel
    itself through a 1×1 identity kernel, then the layer's pooling, landing on the pooled cell.
    """
    x = np.asarray(replay.layer_input[:, :, channel], dtype=np.float64)
    row, col = replay.cell
    if replay.kind == "conv":
        return StudioRequest(
            x=x, kernel=np.asarray(replay.kernel[:, :, channel]),
            caption=(f"{replay.layer}'s input, channel {channel} of {replay.layer_input.shape[2]} · "
                     f"learned kernel of filter {replay.channel} (this channel's share of the cell)"),
            stride=int(replay.stride[0]), padding=replay.padding, dilation=int(replay.dilation[0]),
            cell=("conv", row, col), note=_conv_note(replay, channel),
        )
    return StudioRequest(
        x=x, kernel=np.ones((1, 1)),
        caption=f"{replay.layer}'s input, channel {channel} (1×1 identity, then the pooling)",
        pool=PoolRequest(replay.pool_mode, int(replay.window[0]), int(replay.stride[0]), replay.padding),
        cell=("pool", row, col),
        note=(f"In the model, {replay.layer}[{row}, {col}] of channel {replay.channel} = "
              f"{replay.value:.4g}; the model produced {replay.model_value:.4g}."),
    )
