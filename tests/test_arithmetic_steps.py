"""The animation's steps: one per output cell, the same values as conv2d/pool2d, honest windows.

Window geometry is checked without the engine's own bookkeeping: every real input cell
holds a distinct non-zero number, so a window cell is padding exactly where the step
shows 0 (convolution), and the step's input coordinates must point at the very values
it shows. The padding split itself is checked against TensorFlow in
test_arithmetic_vs_tensorflow.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from convviz.arithmetic import conv2d, conv_steps, pool2d, pool_steps

SEED = 20261126


def _random_config(index: int):
    rng = np.random.default_rng([SEED, index])
    kernel = tuple(int(k) for k in rng.integers(1, 6, 2))
    dilation = (1, 1) if rng.random() < 0.5 else tuple(int(d) for d in rng.integers(1, 4, 2))
    stride = tuple(int(s) for s in rng.integers(1, 4, 2))
    span = [(k - 1) * d + 1 for k, d in zip(kernel, dilation)]
    size = tuple(int(rng.integers(s, s + 9)) for s in span)  # always fits, even when valid
    choice = int(rng.integers(3))
    explicit = tuple(tuple(int(p) for p in rng.integers(0, 3, 2)) for _ in "hw")
    padding = ["valid", "same", explicit][choice]
    channels = (int(rng.integers(1, 4)), int(rng.integers(1, 3)))
    return rng, size, kernel, stride, dilation, padding, channels


CONV_IDS = range(60)


@pytest.mark.parametrize("index", CONV_IDS)
def test_conv_steps_match_conv2d_and_show_true_windows(index):
    rng, size, kernel, stride, dilation, padding, (cin, cout) = _random_config(index)
    config = dict(size=size, kernel=kernel, stride=stride, dilation=dilation, padding=padding)
    flat = cin == 1 and cout == 1 and index % 2 == 0  # half the single-channel cases use 2-D arrays
    # Distinct non-zero values: a window cell reads 0 exactly where it lies on padding.
    x = (rng.permutation(size[0] * size[1] * cin) + 1).reshape(*size, cin)
    w = rng.integers(-3, 4, (*kernel, cin, cout))
    if flat:
        x, w = x[:, :, 0], w[:, :, 0, 0]
    expected = conv2d(x, w, stride, padding, dilation)
    steps = list(conv_steps(x, w, stride, padding, dilation))

    out_h, out_w = expected.shape[:2]
    assert len(steps) == out_h * out_w, config
    for index_, step in enumerate(steps):
        assert step.index == index_
        assert step.position == divmod(index_, out_w), config
        np.testing.assert_array_equal(step.value, expected[step.position], err_msg=str(config))

        win = step.window
        rows, cols = win.rows_padded, win.cols_padded
        for axis, cells in enumerate((rows, cols)):
            first = step.position[axis] * stride[axis]
            np.testing.assert_array_equal(cells, first + dilation[axis] * np.arange(kernel[axis]))
        inputs3 = step.inputs if step.inputs.ndim == 3 else step.inputs[:, :, None]
        on_padding = (inputs3 == 0).all(axis=2)
        np.testing.assert_array_equal(win.is_padding, on_padding, err_msg=str(config))
        x3 = x if x.ndim == 3 else x[:, :, None]
        cells = win.input_cells[~win.is_padding]
        np.testing.assert_array_equal(
            x3[cells[:, 0], cells[:, 1]], inputs3[~win.is_padding], err_msg=str(config)
        )
        products = step.products
        if flat:
            np.testing.assert_array_equal(products, step.inputs * w)
        else:
            np.testing.assert_array_equal(products, step.inputs[:, :, :, None] * w)
        np.testing.assert_array_equal(products.sum(axis=tuple(range(3 - flat))), step.value)


def test_conv_steps_float_values_match_conv2d():
    rng = np.random.default_rng(SEED)
    x, w = rng.normal(size=(9, 11, 3)).astype(np.float32), rng.normal(size=(3, 4, 3, 5))
    expected = conv2d(x, w, (2, 1), "same", (1, 2))
    values = np.array([step.value for step in conv_steps(x, w, (2, 1), "same", (1, 2))])
    np.testing.assert_allclose(values.reshape(expected.shape), expected, rtol=1e-12)


@pytest.mark.parametrize("index", range(40))
@pytest.mark.parametrize("mode", ["max", "avg", "sum"])
def test_pool_steps_match_pool2d(index, mode):
    rng = np.random.default_rng([SEED, 500 + index])
    window = tuple(int(k) for k in rng.integers(1, 5, 2))
    stride = None if index % 3 == 0 else tuple(int(s) for s in rng.integers(1, 4, 2))
    size = tuple(int(rng.integers(k, k + 9)) for k in window)
    explicit = tuple(tuple(int(p) for p in rng.integers(0, k, 2)) for k in window)
    padding = ["valid", "same", explicit][index % 3]
    channels = int(rng.integers(1, 4))
    shape = (*size, channels)
    x = rng.integers(-50, 50, shape) if index % 2 else rng.normal(size=shape)
    if channels == 1 and index % 4 == 1:
        x = x[:, :, 0]
    config = dict(size=size, window=window, stride=stride, padding=padding, mode=mode)
    expected = pool2d(x, window, stride, padding, mode)
    steps = list(pool_steps(x, window, stride, padding, mode))
    out_h, out_w = expected.shape[:2]
    assert len(steps) == out_h * out_w, config
    x3 = x if x.ndim == 3 else x[:, :, None]
    for step in steps:
        assert step.mode == mode
        np.testing.assert_allclose(
            step.value, expected[step.position], rtol=1e-12, err_msg=str(config)
        )
        win = step.window
        inside = (
            (win.input_cells[..., 0] >= 0) & (win.input_cells[..., 0] < size[0])
            & (win.input_cells[..., 1] >= 0) & (win.input_cells[..., 1] < size[1])
        )
        np.testing.assert_array_equal(~win.is_padding, inside, err_msg=str(config))
        assert step.count == inside.sum() > 0, config
        cells = win.input_cells[inside]
        real_values = x3[cells[:, 0], cells[:, 1]]  # (count, C)
        inputs3 = step.inputs if step.inputs.ndim == 3 else step.inputs[:, :, None]
        np.testing.assert_array_equal(inputs3[inside], real_values)
        value = np.atleast_1d(step.value)
        if mode == "max":
            np.testing.assert_array_equal(value, real_values.max(axis=0))
            winners = np.atleast_2d(np.array(step.winner))
            for channel, (r, c) in enumerate(winners):
                assert not win.is_padding[r, c], config
                assert inputs3[r, c, channel] == value[channel], config
        else:
            assert step.winner is None
            total = real_values.sum(axis=0)
            # avg divides by the real cells only, also where SAME padding cuts the window
            want = total / inside.sum() if mode == "avg" else total
            np.testing.assert_allclose(value, want, rtol=1e-12, err_msg=str(config))


def test_max_winner_ignores_padding_even_against_minus_infinity():
    # 3x3 windows, stride 1, SAME: one cell of padding on every side, so window (0, 0)
    # starts on padding, which holds the same -inf as every real cell here.
    x = np.full((3, 3), -np.inf)
    steps = list(pool_steps(x, 3, 1, "same", "max"))
    assert steps[0].window.is_padding[0, 0]
    for step in steps:
        r, c = step.winner
        assert not step.window.is_padding[r, c]
        assert step.value == -np.inf
    ints = np.full((3, 3), np.iinfo(np.int64).min)
    for step in pool_steps(ints, 3, 1, "same", "max"):
        assert not step.window.is_padding[step.winner]


def test_avg_pool_with_same_padding_divides_by_the_real_cells():
    """5x5 of ones pooled 2x2 with SAME: border windows hold 2 or 1 real cells, average still 1."""
    x = np.ones((5, 5))
    steps = list(pool_steps(x, 2, 2, "same", "avg"))
    counts = np.array([s.count for s in steps]).reshape(3, 3)
    np.testing.assert_array_equal(counts, [[4, 4, 2], [4, 4, 2], [2, 2, 1]])
    np.testing.assert_array_equal(pool2d(x, 2, 2, "same", "avg"), np.ones((3, 3)))
    np.testing.assert_array_equal(pool2d(x, 2, 2, "same", "sum"), counts)


def test_steps_reject_bad_input_at_the_call_not_at_the_first_step():
    with pytest.raises(ValueError, match="does not fit"):
        conv_steps(np.ones((5, 5)), np.ones((7, 7)))
    with pytest.raises(ValueError, match="pooling mode"):
        pool_steps(np.ones((5, 5)), mode="median")
