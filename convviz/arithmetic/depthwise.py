"""Depthwise and depthwise-separable 2-D convolution, as Keras' DepthwiseConv2D and SeparableConv2D."""

from __future__ import annotations

import numpy as np

from convviz.arithmetic._windows import as_feature_map, as_number_array
from convviz.arithmetic.conv import conv2d


def as_depthwise_kernel(w, in_channels: int) -> np.ndarray:
    """Return ``w`` as a (kh, kw, Cin, M) depthwise kernel, checked against the input's channels."""
    kernel = as_number_array(w, "depthwise kernel")
    if kernel.ndim != 4:
        raise ValueError(
            f"the depthwise kernel must be 4-D (kh, kw, Cin, multiplier), got shape {kernel.shape}"
        )
    if 0 in kernel.shape:
        raise ValueError(f"the depthwise kernel must not be empty, got shape {kernel.shape}")
    if kernel.shape[2] != in_channels:
        raise ValueError(
            f"the depthwise kernel expects {kernel.shape[2]} input channel(s) "
            f"but the input has {in_channels}"
        )
    return kernel


def as_grouped_kernel(depthwise: np.ndarray) -> np.ndarray:
    """Return a (kh, kw, Cin, M) depthwise kernel as the equivalent (kh, kw, 1, Cin·M) grouped one."""
    kh, kw, cin, mult = depthwise.shape
    return depthwise.reshape(kh, kw, 1, cin * mult)


def depthwise_conv2d(x, w, stride=1, padding="valid", dilation=1) -> np.ndarray:
    """Convolve every input channel with its own M kernels, as Keras' ``DepthwiseConv2D``.

    ``x`` is (H, W) or (H, W, Cin); ``w`` is (kh, kw, Cin, M) with M the depth
    multiplier. The result is (H', W', Cin·M): channel ``c·M + m`` is input
    channel c convolved with ``w[:, :, c, m]``. Channels never mix.
    """
    fmap, _ = as_feature_map(x)
    kernel = as_depthwise_kernel(w, fmap.shape[2])
    return conv2d(fmap, as_grouped_kernel(kernel), stride, padding, dilation, groups=fmap.shape[2])


def as_pointwise_kernel(pointwise, channels: int) -> np.ndarray:
    """Return ``pointwise`` as a (1, 1, channels, Cout) kernel, or raise ValueError."""
    kernel = as_number_array(pointwise, "pointwise kernel")
    if kernel.ndim != 4 or kernel.shape[:2] != (1, 1):
        raise ValueError(
            f"the pointwise kernel must be (1, 1, Cin·multiplier, Cout), got shape {kernel.shape}"
        )
    if kernel.shape[3] == 0:
        raise ValueError(f"the pointwise kernel must not be empty, got shape {kernel.shape}")
    if kernel.shape[2] != channels:
        raise ValueError(
            f"the pointwise kernel expects {kernel.shape[2]} channel(s) but the depthwise "
            f"stage gives {channels} (input channels × multiplier)"
        )
    return kernel


def separable_conv2d(x, depthwise, pointwise, stride=1, padding="valid", dilation=1) -> np.ndarray:
    """A depthwise convolution, then a 1×1 convolution mixing its channels, as ``SeparableConv2D``.

    ``depthwise`` is (kh, kw, Cin, M) and carries the stride, padding and
    dilation; ``pointwise`` is (1, 1, Cin·M, Cout). The result is (H', W', Cout).
    """
    fmap, _ = as_feature_map(x)
    kernel = as_depthwise_kernel(depthwise, fmap.shape[2])
    point = as_pointwise_kernel(pointwise, kernel.shape[2] * kernel.shape[3])
    middle = depthwise_conv2d(fmap, kernel, stride, padding, dilation)
    return conv2d(middle, point)
