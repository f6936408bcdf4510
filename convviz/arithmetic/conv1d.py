"""1-D convolution over a sequence, as Keras' ``Conv1D`` (valid, same or causal padding)."""

from __future__ import annotations

import numpy as np

from convviz.arithmetic._validate import Pair, as_size, explicit_axis_padding, shown
from convviz.arithmetic._windows import as_number_array
from convviz.arithmetic.conv import conv2d
from convviz.arithmetic.sizes import conv_output_size, effective_kernel, same_padding


def as_sequence(x) -> tuple[np.ndarray, bool]:
    """Return ``x`` as an (L, C) array and whether it was a plain 1-D sequence."""
    array = as_number_array(x, "input")
    if array.ndim == 1:
        array, flat = array[:, None], True
    elif array.ndim == 2:
        flat = False
    else:
        raise ValueError(f"a 1-D input must be (L,) or (L, C), got shape {array.shape}")
    if 0 in array.shape:
        raise ValueError(f"the input must not be empty, got shape {array.shape}")
    return array, flat


def as_kernel_1d(w) -> tuple[np.ndarray, bool]:
    """Return ``w`` as (k, Cin, Cout) and whether it was a plain (k,) kernel."""
    kernel = as_number_array(w, "kernel")
    if kernel.ndim == 1:
        kernel, flat = kernel[:, None, None], True
    elif kernel.ndim == 3:
        flat = False
    else:
        raise ValueError(f"a 1-D kernel must be (k,) or (k, Cin, Cout), got shape {kernel.shape}")
    if 0 in kernel.shape:
        raise ValueError(f"the kernel must not be empty, got shape {kernel.shape}")
    return kernel, flat


def padding_1d(length, kernel, stride=1, padding="valid", dilation=1) -> Pair:
    """Return the ``(before, after)`` padding of a 1-D convolution.

    "causal" pads ``(k - 1)·dilation`` cells before and none after, so output i
    sees inputs up to i only; "same" splits as TensorFlow does (extra cell after).
    """
    if isinstance(padding, str):
        word = padding.strip().lower()
        if word == "valid":
            return 0, 0
        if word == "same":
            return same_padding(length, kernel, stride, dilation)
        if word == "causal":
            return effective_kernel(kernel, dilation) - 1, 0
        raise ValueError(
            f"unknown padding {shown(padding)}: use 'valid', 'same', 'causal', "
            "a number of cells, or (before, after)"
        )
    return explicit_axis_padding(padding)


def conv1d_geometry(length: int, k: int, stride, padding, dilation) -> tuple[int, int, Pair, int]:
    """Validate a 1-D convolution: return ``(stride, dilation, (before, after), output length)``."""
    stride, dilation = as_size(stride, "stride"), as_size(dilation, "dilation")
    pads = padding_1d(length, k, stride, padding, dilation)
    return stride, dilation, pads, conv_output_size(length, k, stride, pads, dilation)


def conv1d(x, w, stride=1, padding="valid", dilation=1, groups=1) -> np.ndarray:
    """Slide kernel ``w`` along sequence ``x``, as Keras' ``Conv1D``.

    ``x`` is (L,) or (L, Cin); ``w`` is (k,) or (k, Cin / groups, Cout). Padding is
    "valid", "same", "causal", a number of cells or (before, after). The result is
    (L',) when both are 1-D, else (L', Cout).
    """
    seq, flat_input = as_sequence(x)
    kernel, flat_kernel = as_kernel_1d(w)
    _, _, pads, _ = conv1d_geometry(seq.shape[0], kernel.shape[0], stride, padding, dilation)
    out = conv2d(
        seq[None], kernel[None], (1, stride), ((0, 0), pads), (1, dilation), groups=groups
    )[0]
    return out[:, 0] if flat_input and flat_kernel else out
