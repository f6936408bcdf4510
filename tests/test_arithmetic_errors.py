"""Every bad input raises ValueError with one short line a student can act on.

Nothing may leak an AssertionError, IndexError or TypeError from deep inside numpy: the
second half of this file throws a zoo of odd values at every public function.
"""

from __future__ import annotations

import decimal
import fractions

import numpy as np
import pytest

from message_checks import only_readable_value_errors

import convviz.arithmetic as A
from convviz.arithmetic import (
    conv2d,
    conv_output_shape,
    conv_output_size,
    conv_steps,
    pool2d,
    pool_steps,
)

X = np.arange(25.0).reshape(5, 5)
W = np.ones((3, 3))


def assert_student_message(excinfo, *words):
    message = str(excinfo.value)
    assert type(excinfo.value) is ValueError
    assert "\n" not in message and 10 < len(message) <= 200, message
    for word in words:
        assert word in message, message


BAD_CALLS = {
    # the kernel does not fit
    "kernel larger than input": (
        lambda: conv2d(X, np.ones((7, 7))),
        "kernel 7 does not fit in a 5x5 input with padding 0: the output would be empty",
    ),
    "dilated kernel too wide": (
        lambda: conv2d(X, W, dilation=3), "kernel 3 with dilation 3 (spanning 7)"
    ),
    "kernel too tall only": (lambda: conv2d(X, np.ones((6, 2))), "kernel 6x2 does not fit"),
    "explicit padding too small": (lambda: conv2d(X, np.ones((8, 8)), padding=1), "with padding 1"),
    "one-axis size": (
        lambda: conv_output_size(5, 7), "kernel 7 does not fit in an input of size 5"
    ),
    "pool window too big": (lambda: pool2d(X, 6), "pool window 6 does not fit"),
    "steps check too": (lambda: conv_steps(X, np.ones((7, 7))), "does not fit"),
    # sizes, strides, dilations
    "zero stride": (lambda: conv2d(X, W, stride=0), "stride must be at least 1, got 0"),
    "negative stride": (lambda: conv2d(X, W, stride=-2), "stride must be at least 1, got -2"),
    "zero dilation": (lambda: conv2d(X, W, dilation=0), "dilation must be at least 1"),
    "negative padding": (lambda: conv2d(X, W, padding=-1), "padding must be 0 or more, got -1"),
    "zero pool size": (lambda: pool2d(X, 0), "pool size must be at least 1"),
    "zero pool stride": (lambda: pool2d(X, 2, 0), "pool stride must be at least 1"),
    "zero input size": (lambda: conv_output_size(0, 3), "input size must be at least 1"),
    "fractional stride": (lambda: conv2d(X, W, stride=1.5), "must be a whole number, got 1.5"),
    "NaN stride": (lambda: conv2d(X, W, stride=float("nan")), "must be a whole number, got nan"),
    "infinite size": (lambda: conv_output_size(float("inf"), 3), "input size must be a whole"),
    "NaN kernel size": (lambda: conv_output_size(5, np.float32("nan")), "kernel size must be a"),
    "string stride": (lambda: conv2d(X, W, stride="2"), "stride must be a whole number, got '2'"),
    "bool stride": (lambda: conv2d(X, W, stride=True), "stride must be a whole number, got True"),
    "three strides": (lambda: conv2d(X, W, stride=(1, 1, 1)), "a number or an (h, w) pair"),
    "absurd size": (lambda: conv_output_size(1e300, 3), "input size must be at most 1,000,000,000"),
    "huge padding": (lambda: conv2d(X, W, padding=10**8), "too big"),
    "huge SAME pool": (lambda: pool2d(X, 10**8, 1, "same"), "too big"),
    "too many windows": (lambda: conv2d(np.ones((2000, 2000)), np.ones((7, 7))), "too big"),
    # padding and mode words
    "unknown padding": (lambda: conv2d(X, W, padding="full"), "unknown padding 'full'"),
    "padding 3 axes": (lambda: conv2d(X, W, padding=(1, 1, 1)), "((top, bottom), (left, right))"),
    "padding axis of 3": (lambda: conv2d(X, W, padding=((1, 1, 1), (0, 0))), "(before, after)"),
    "unknown mode": (
        lambda: pool2d(X, mode="median"), "unknown pooling mode 'median': choose max, avg or sum"
    ),
    "mode not a word": (lambda: pool2d(X, mode=2), "unknown pooling mode 2"),
    "pool padding eats a window": (lambda: pool2d(X, 2, padding=2), "smaller than the pool window"),
    # arrays
    "channels mismatch": (lambda: conv2d(np.ones((5, 5, 3)), np.ones((3, 3, 2, 4))),
                          "the kernel expects 2 input channel(s) but the input has 3"),
    "2-D kernel on 3 channels": (lambda: conv2d(np.ones((5, 5, 3)), W), "expects 1 input channel"),
    "1-D input": (
        lambda: conv2d(np.ones(5), W),
        "the input must be 2-D (H, W) or 3-D (H, W, C), got shape (5,)",
    ),
    "4-D input": (lambda: pool2d(np.ones((1, 5, 5, 1))), "got shape (1, 5, 5, 1)"),
    "3-D kernel": (lambda: conv2d(X, np.ones((3, 3, 1))), "the kernel must be 2-D (kh, kw) or 4-D"),
    "empty kernel": (lambda: conv2d(X, np.ones((3, 3, 1, 0))), "the kernel must not be empty"),
    "empty input": (lambda: conv2d(np.ones((0, 5)), W), "input height must be at least 1"),
    "no channels": (lambda: pool2d(np.ones((5, 5, 0))), "at least one channel"),
    "strings": (lambda: conv2d([["a", "b"], ["c", "d"]], W), "the input must hold numbers"),
    "objects": (lambda: pool2d(np.array([[None, 1], [2, 3]])), "the input must hold numbers"),
    "complex": (lambda: pool2d(X * 1j), "the input must hold numbers"),
    "ragged rows": (lambda: conv2d([[1, 2, 3], [4, 5]], W), "rectangular grid of numbers"),
    "string kernel": (lambda: conv2d(X, "abc"), "the kernel must hold numbers"),
    "int overflow": (lambda: conv2d(np.full((3, 3), 2**40), np.full((3, 3), 2**30)), "too large"),
    "uint64 beyond int64": (lambda: pool2d(np.full((2, 2), 2**63, dtype=np.uint64)), "too large"),
    "shape without width": (lambda: conv_output_shape((5,), 3), "needs a height and a width"),
    "shape as a number": (lambda: conv_output_shape(np.int64(5), 3), "needs a height and a width"),
}


@pytest.mark.parametrize("name", BAD_CALLS)
def test_bad_input_raises_one_readable_line(name):
    call, expected = BAD_CALLS[name]
    with pytest.raises(ValueError) as excinfo:
        call()
    assert_student_message(excinfo, expected)


def test_exact_integers_still_work_right_below_the_overflow_guard():
    x = np.full((2, 2), 2**30, dtype=np.int64)
    assert conv2d(x, x)[0, 0] == 4 * 2**60


def test_sum_pooling_that_would_wrap_is_refused_not_wrong():
    with pytest.raises(ValueError) as excinfo:
        pool2d(np.full((2, 2), 2**62), 2, mode="sum")
    assert_student_message(excinfo, "too large")
    assert pool2d(np.full((2, 2), 2**61 - 1), 2, mode="sum")[0, 0] == 4 * (2**61 - 1)


def test_numpy_scalars_and_arrays_work_where_numbers_and_pairs_do():
    expected = conv2d(X, W, stride=(2, 1), padding=((1, 0), (0, 1)))
    got = conv2d(X, W, stride=np.array([2, 1]), padding=np.array([[1, 0], [0, 1]]))
    np.testing.assert_array_equal(got, expected)
    assert conv_output_size(np.int64(5), np.float32(3.0), np.uint8(1)) == 3
    assert conv_output_shape(np.array([5, 5]), 3) == (3, 3)


# ---- a zoo of odd values against every public function ---------------------------------------

ODD_VALUES = [
    0, -1, 1.5, float("nan"), float("inf"), None, "3", "same", "valid ", True, np.int64(-3),
    np.float32(2.5), np.float64("nan"), (2,), (2, 2, 2), [None, 2], ((1, 1), (1,)),
    ((1, 1), (1, 1), (1, 1)), 10**30, -(10**30), 1e300, b"valid", {}, object(), 3 + 0j,
    decimal.Decimal(3), fractions.Fraction(5, 2), np.array(3), np.array([[1, 1], [1, 1]]),
    np.ones((2, 2, 2)), [[1, 2], [3]], np.array(["a"]), slice(1), float("-inf"),
]

PUBLIC_CALLS = {
    "conv2d x": lambda v: conv2d(v, W),
    "conv2d w": lambda v: conv2d(X, v),
    "conv2d stride": lambda v: conv2d(X, W, stride=v),
    "conv2d padding": lambda v: conv2d(X, W, padding=v),
    "conv2d dilation": lambda v: conv2d(X, W, dilation=v),
    "conv_steps x": lambda v: conv_steps(v, W),
    "conv_steps stride": lambda v: conv_steps(X, W, stride=v),
    "pool2d x": lambda v: pool2d(v),
    "pool2d size": lambda v: pool2d(X, v),
    "pool2d stride": lambda v: pool2d(X, 2, v),
    "pool2d padding": lambda v: pool2d(X, 2, 2, v),
    "pool2d mode": lambda v: pool2d(X, mode=v),
    "pool_steps x": lambda v: pool_steps(v),
    "pool_steps size": lambda v: pool_steps(X, v, mode="avg"),
    "conv_output_size n": lambda v: conv_output_size(v, 3),
    "conv_output_size kernel": lambda v: conv_output_size(9, v),
    "conv_output_size padding": lambda v: conv_output_size(9, 3, 1, v),
    "conv_output_shape shape": lambda v: conv_output_shape(v, 3),
    "pool_output_shape shape": lambda v: A.pool_output_shape(v, 2),
    "padding_2d padding": lambda v: A.padding_2d((5, 5), 3, 1, v),
    "same_padding n": lambda v: A.same_padding(v, 3),
    "same_padding dilation": lambda v: A.same_padding(5, 3, 1, v),
    "effective_kernel": lambda v: A.effective_kernel(v),
    "describe_padding": lambda v: A.describe_padding(v),
    "output_size_formula": lambda v: A.output_size_formula(9, 3, v),
    "same_padding_formula": lambda v: A.same_padding_formula(9, v),
    "pool_output_formula": lambda v: A.pool_output_formula(9, v),
    "pool_output_formula padding": lambda v: A.pool_output_formula(9, 2, None, v),
    "same_padding_notes": lambda v: A.same_padding_notes(9, v),
    "same_size_notes": lambda v: A.same_size_notes(9, v),
    "pool_size_notes": lambda v: A.pool_size_notes(9, 2, v),
    "pool_mode": lambda v: A.pool_mode(v),
}


@pytest.mark.parametrize("name", PUBLIC_CALLS)
def test_odd_values_never_leak_anything_but_a_readable_value_error(name):
    only_readable_value_errors(name, PUBLIC_CALLS[name], ODD_VALUES, drain=list)
