"""Turn an inspector replay into the studio's settings: the layer's real input channel and kernel."""

from __future__ import annotations

import numpy as np

from convviz.arithmetic import conv_output_shape


def studio_request(replay, channel: int) -> dict:
    """Return keyword arguments for ``StudioState.show_feature_map`` that animate ``replay``.

    For a convolution: input channel ``channel`` of the layer's input with that
    channel's slice of the learned kernel, landing on the clicked cell. For
    pooling: the channel itself through a 1x1 identity kernel, then the pooling.
    """
    x = np.asarray(replay.layer_input[:, :, channel], dtype=np.float64)
    row, col = replay.cell
    if replay.kind == "conv":
        count = len(replay.contributions)
        note = (
            f"In the model, {replay.layer}[{row}, {col}] of filter {replay.channel} adds this share "
            f"({replay.contributions[channel]:.4g}) to those of its other {count - 1} input channel(s): "
            f"Σ = {replay.contributions.sum():.4g}, + bias {replay.bias:.4g} = {replay.pre_activation:.4g}, "
            f"{replay.activation} → {replay.value:.4g}; the model produced {replay.model_value:.4g}."
            if count > 1 else
            f"In the model, {replay.layer}[{row}, {col}] of filter {replay.channel}: this sum "
            f"{replay.contributions[0]:.4g} + bias {replay.bias:.4g} = {replay.pre_activation:.4g}, "
            f"{replay.activation} → {replay.value:.4g}; the model produced {replay.model_value:.4g}."
        )
        _, width = conv_output_shape(x.shape, replay.window, replay.stride, replay.padding,
                                     replay.dilation)
        return {
            "x": x,
            "kernel": np.asarray(replay.kernel[:, :, channel]),
            "caption": (f"{replay.layer}'s input, channel {channel} of {replay.layer_input.shape[2]} · "
                        f"learned kernel of filter {replay.channel} (this channel's share of the cell)"),
            "stride": int(replay.stride[0]),
            "padding": replay.padding,
            "dilation": int(replay.dilation[0]),
            "step": row * width + col,
            "note": note,
        }
    _, width = conv_output_shape(x.shape, replay.window, replay.stride, replay.padding)
    return {
        "x": x,
        "kernel": np.ones((1, 1)),
        "caption": f"{replay.layer}'s input, channel {channel} (1×1 identity, then the pooling)",
        "pool": {"mode": replay.pool_mode, "size": int(replay.window[0]),
                 "stride": int(replay.stride[0]), "padding": replay.padding},
        "step": x.size + row * width + col,
        "note": (f"In the model, {replay.layer}[{row}, {col}] of channel {replay.channel} = "
                 f"{replay.value:.4g}; the model produced {replay.model_value:.4g}."),
    }
