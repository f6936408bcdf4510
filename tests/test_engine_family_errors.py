"""Every bad call to the convolution family raises ValueError with one line a student can act on.

The first half is a table of bad calls with the words each message must hold; the second
throws a zoo of odd values at every argument of every new public function: nothing may leak
an IndexError, TypeError or AssertionError from deep inside numpy.
"""

from __future__ import annotations

import decimal
import fractions

import numpy as np
import pytest

from message_checks import only_readable_value_errors

import convviz.arithmetic as A

X3 = np.arange(75.0).reshape(5, 5, 3)
W3 = np.ones((3, 3, 3, 4))
DW = np.ones((3, 3, 3, 2))
PW = np.ones((1, 1, 6, 4))
WT = np.ones((3, 3, 4, 3))  # Keras' Conv2DTranspose layout (kh, kw, Cout, Cin)
SEQ = np.ones((5, 3))
W1 = np.ones((3, 3, 2))

BAD_CALLS = {
    # groups
    "groups do not divide the channels": (
        lambda: A.conv2d(X3, np.ones((3, 3, 1, 4)), groups=2),
        "groups must divide the input channels: 3 channel(s) cannot be split into 2 groups"),
    "groups do not divide the filters": (
        lambda: A.conv2d(np.ones((5, 5, 4)), np.ones((3, 3, 2, 3)), groups=2),
        "groups must divide the filters: 3 filter(s)"),
    "kernel not split per group": (
        lambda: A.conv2d(np.ones((5, 5, 4)), np.ones((3, 3, 4, 4)), groups=2),
        "expects 4 input channel(s) per group", "give 2 per group"),
    "zero groups": (lambda: A.conv2d(X3, W3, groups=0), "groups must be at least 1, got 0"),
    "fractional groups": (lambda: A.conv2d(X3, W3, groups=1.5), "groups must be a whole number"),
    # depthwise and separable
    "depthwise kernel 3-D": (
        lambda: A.depthwise_conv2d(X3, np.ones((3, 3, 3))), "(kh, kw, Cin, multiplier)"),
    "depthwise channels": (
        lambda: A.depthwise_conv2d(X3, np.ones((3, 3, 2, 1))),
        "depthwise kernel expects 2 input channel(s) but the input has 3"),
    "depthwise kernel too big": (
        lambda: A.depthwise_conv2d(X3, np.ones((6, 6, 3, 1))), "kernel 6 does not fit"),
    "pointwise not 1x1": (
        lambda: A.separable_conv2d(X3, DW, np.ones((3, 3, 6, 4))),
        "pointwise kernel must be (1, 1, Cin·multiplier, Cout)"),
    "pointwise channels": (
        lambda: A.separable_conv2d(X3, DW, np.ones((1, 1, 3, 4))),
        "expects 3 channel(s) but the depthwise stage gives 6"),
    # transposed
    "transpose numeric padding": (
        lambda: A.conv2d_transpose(X3, WT, padding=1), "padding must be 'valid' or 'same', got 1"),
    "output_padding not below stride": (
        lambda: A.conv2d_transpose(X3, WT, 2, "same", output_padding=2),
        "output_padding must be smaller than the stride, got 2 with stride 2"),
    "negative output_padding": (
        lambda: A.conv2d_transpose(X3, WT, 2, output_padding=-1), "output_padding must be 0 or more"),
    "stride and dilation": (
        lambda: A.conv2d_transpose(X3, WT, 2, dilation=2),
        "Keras refuses stride > 1 together with dilation > 1"),
    "same, even kernel, output_padding 0": (
        lambda: A.conv2d_transpose(X3, np.ones((4, 4, 2, 3)), 1, "same", 0),
        "TensorFlow cannot compute this", "change output_padding"),
    "empty transposed output": (
        lambda: A.conv2d_transpose(np.ones((1, 1, 3)), np.ones((2, 2, 2, 3)), 1, "same", 0),
        "an output of 0 cells"),
    "transpose kernel in Conv2D layout": (
        lambda: A.conv2d_transpose(X3, W3), "(kh, kw, Cout, Cin) expects 4 input channel(s)"),
    "transpose steps check at the call": (
        lambda: A.transpose_steps(X3, WT, 2, "same", 3), "output_padding must be smaller"),
    "transposed ints too large": (
        lambda: A.conv2d_transpose(np.full((2, 2, 1), 2**40), np.full((2, 2, 1, 1), 2**40)),
        "too large to add up exactly"),
    # 1-D
    "unknown 1-D padding": (
        lambda: A.conv1d(SEQ, W1, padding="full"), "unknown padding 'full'", "'causal'"),
    "1-D kernel 2-D": (lambda: A.conv1d(SEQ, np.ones((3, 3))), "(k,) or (k, Cin, Cout)"),
    "1-D input 3-D": (lambda: A.conv1d(X3, W1), "a 1-D input must be (L,) or (L, C)"),
    "1-D kernel too long": (
        lambda: A.conv1d(SEQ, np.ones((7, 3, 2))), "kernel 7 does not fit in an input of size 5"),
    "1-D steps check at the call": (
        lambda: A.conv1d_steps(SEQ, W1, groups=2), "groups must divide the input channels"),
    # counts and formulas
    "unknown kind": (lambda: A.conv_param_count(3, 3, 8, "dense"), "unknown kind 'dense'"),
    "groups on depthwise": (
        lambda: A.conv_param_count(3, 4, None, "depthwise", groups=2),
        "groups applies to 'conv' and 'conv1d'"),
    "multiplier on conv": (
        lambda: A.conv_param_count(3, 4, 8, depth_multiplier=2), "depth_multiplier applies"),
    "depthwise filters disagree": (
        lambda: A.conv_param_count(3, 3, 8, "depthwise", depth_multiplier=2),
        "pass filters=None or 6"),
    "use_bias not a bool": (
        lambda: A.conv_param_count(3, 3, 8, use_bias="yes"), "use_bias must be True or False"),
    "filters missing": (lambda: A.conv_param_count(3, 3, None), "filters must be a whole number"),
    "output_padding on conv": (
        lambda: A.conv_mult_adds((5, 5), 3, 3, 8, output_padding=1),
        "output_padding applies to 'transpose' only"),
    "mult-adds of a refused transpose": (
        lambda: A.conv_mult_adds((5, 5), 3, 3, 8, "transpose", 2, output_padding=2),
        "output_padding must be smaller"),
    "1-D shape with three axes": (
        lambda: A.conv_mult_adds((5, 5, 5), 3, 3, 8, "conv1d"), "(L,) or (L, C)"),
    "formula of an unknown kind": (
        lambda: A.family_output_formula("pool", 9, 3), "unknown kind 'pool'"),
    "transposed formula, bad padding": (
        lambda: A.transpose_output_formula(9, 3, 2, "causal"), "'valid' or 'same'"),
}


@pytest.mark.parametrize("name", BAD_CALLS)
def test_bad_call_raises_one_readable_line(name):
    call, *words = BAD_CALLS[name]
    with pytest.raises(ValueError) as info:
        result = call()
        if hasattr(result, "__next__"):
            next(result)
    message = str(info.value)
    assert type(info.value) is ValueError
    assert "\n" not in message and 10 < len(message) <= 200, message
    for word in words:
        assert word in message, message


def test_steps_refuse_at_the_call_not_at_the_first_step():
    for call in (
        lambda: A.conv2d_steps(X3, W3, groups=2),
        lambda: A.depthwise_steps(X3, np.ones((3, 3, 2, 1))),
        lambda: A.separable_steps(X3, DW, np.ones((1, 1, 5, 2))),
        lambda: A.conv1d_steps(SEQ, np.ones((9, 3, 1))),
        lambda: A.transpose_steps(X3, WT, padding="full"),
    ):
        with pytest.raises(ValueError):
            call()


# ---- a zoo of odd values against every new public function ------------------------------------

ODD_VALUES = [
    0, -1, 1.5, float("nan"), float("inf"), None, "3", "same", "causal", True, np.int64(-3),
    np.float32(2.5), (2,), (2, 2, 2), [None, 2], ((1, 1), (1,)), 10**30, -(10**30), 1e300,
    b"valid", {}, object(), 3 + 0j, decimal.Decimal(3), fractions.Fraction(5, 2), np.array(3),
    np.ones((2, 2)), np.ones((2, 2, 2)), np.ones((1, 1, 1, 1, 1)), np.ones((0, 3, 3, 1)),
    [[1, 2], [3]], np.array(["a"]), np.array([1j]), slice(1), float("-inf"),
]

PUBLIC_CALLS = {
    "conv2d groups": lambda v: A.conv2d(X3, np.ones((3, 3, 1, 3)), groups=v),
    "conv2d_steps groups": lambda v: A.conv2d_steps(X3, np.ones((3, 3, 1, 3)), groups=v),
    "depthwise x": lambda v: A.depthwise_conv2d(v, DW),
    "depthwise w": lambda v: A.depthwise_conv2d(X3, v),
    "depthwise stride": lambda v: A.depthwise_conv2d(X3, DW, v),
    "depthwise_steps padding": lambda v: A.depthwise_steps(X3, DW, 1, v),
    "separable pointwise": lambda v: A.separable_conv2d(X3, DW, v),
    "separable dilation": lambda v: A.separable_conv2d(X3, DW, PW, 1, "valid", v),
    "separable_steps depthwise": lambda v: A.separable_steps(X3, v, PW),
    "transpose x": lambda v: A.conv2d_transpose(v, WT),
    "transpose w": lambda v: A.conv2d_transpose(X3, v),
    "transpose stride": lambda v: A.conv2d_transpose(X3, WT, v),
    "transpose padding": lambda v: A.conv2d_transpose(X3, WT, 2, v),
    "transpose output_padding": lambda v: A.conv2d_transpose(X3, WT, 3, "valid", v),
    "transpose dilation": lambda v: A.conv2d_transpose(X3, WT, 1, "valid", None, v),
    "transpose_steps output_padding": lambda v: A.transpose_steps(X3, WT, 3, "same", v),
    "transpose_as_convolution stride": lambda v: A.transpose_as_convolution(X3, WT, v),
    "transpose_output_shape shape": lambda v: A.transpose_output_shape(v, 3, 2),
    "transpose_output_formula n": lambda v: A.transpose_output_formula(v, 3, 2),
    "transpose_output_formula output_padding": lambda v: A.transpose_output_formula(5, 3, 2,
                                                                                    "same", v),
    "conv1d x": lambda v: A.conv1d(v, W1),
    "conv1d w": lambda v: A.conv1d(SEQ, v),
    "conv1d padding": lambda v: A.conv1d(SEQ, W1, 1, v),
    "conv1d groups": lambda v: A.conv1d(SEQ, np.ones((3, 1, 3)), groups=v),
    "conv1d_steps stride": lambda v: A.conv1d_steps(SEQ, W1, v),
    "conv1d_output_formula padding": lambda v: A.conv1d_output_formula(9, 3, 1, v),
    "param count kernel": lambda v: A.conv_param_count(v, 3, 6),
    "param count kind": lambda v: A.conv_param_count(3, 3, 6, v),
    "param count use_bias": lambda v: A.conv_param_count(3, 3, 6, use_bias=v),
    "param count multiplier": lambda v: A.conv_param_count(3, 3, None, "depthwise",
                                                           depth_multiplier=v),
    "param count groups": lambda v: A.conv_param_count(3, 6, 6, groups=v),
    "mult-adds shape": lambda v: A.conv_mult_adds(v, 3, 3, 6),
    "mult-adds 1-D shape": lambda v: A.conv_mult_adds(v, 3, 3, 6, "conv1d"),
    "mult-adds transpose shape": lambda v: A.conv_mult_adds(v, 3, 3, 6, "transpose", 2),
    "mult-adds in_channels": lambda v: A.conv_mult_adds((9, 9), 3, v, 6, "separable"),
    "family formula kind": lambda v: A.family_output_formula(v, 9, 3),
    "output channels": lambda v: A.output_channels_formula("depthwise", v),
}


@pytest.mark.parametrize("name", PUBLIC_CALLS)
def test_odd_values_never_leak_anything_but_a_readable_value_error(name):
    only_readable_value_errors(name, PUBLIC_CALLS[name], ODD_VALUES, drain=lambda steps: next(steps, None))
