"""convviz.arithmetic against TensorFlow itself, over hundreds of seeded random configurations.

Every case is generated from a fixed seed and named by its configuration in the test id
(e.g. ``in13x7c2-k3x5-s2x1-d1x3-same-o2-#17``), so a failure is reproducible on its own.
TensorFlow refuses stride > 1 together with dilation > 1; for those cases the truth is
``tf.nn.conv2d`` with the kernel dilated by inserting zeros, which needs no dilation at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
import pytest
import tensorflow as tf

from convviz.arithmetic import (
    conv2d,
    conv_output_shape,
    conv_output_size,
    pool2d,
    pool_output_shape,
    same_padding,
)

SEED = 20261125
TF_FAILURES = (tf.errors.InvalidArgumentError, ValueError)


def _is_empty_output_error(exc: Exception) -> bool:
    """True for TF's "the output would be empty" errors, False for anything else it refuses."""
    return "would be negative" in str(exc) or "zero or negative" in str(exc)


@dataclass(frozen=True)
class ConvCase:
    """One convolution configuration; ``padding`` is "valid", "same" or ((t, b), (l, r))."""

    index: int
    size: tuple[int, int]
    kernel: tuple[int, int]
    stride: tuple[int, int]
    dilation: tuple[int, int]
    channels: tuple[int, int]  # (Cin, Cout)
    padding: object

    @property
    def span(self) -> tuple[int, int]:
        return tuple((k - 1) * d + 1 for k, d in zip(self.kernel, self.dilation))

    @property
    def tf_refuses_dilation(self) -> bool:
        return max(self.stride) > 1 and max(self.dilation) > 1

    def __str__(self) -> str:
        pad = self.padding if isinstance(self.padding, str) else "p" + "".join(
            f"{a}{b}" for a, b in self.padding
        )
        return (
            f"in{self.size[0]}x{self.size[1]}c{self.channels[0]}-k{self.kernel[0]}x{self.kernel[1]}"
            f"-s{self.stride[0]}x{self.stride[1]}-d{self.dilation[0]}x{self.dilation[1]}"
            f"-{pad}-o{self.channels[1]}-#{self.index}"
        )

    def data(self):
        """Random float64 input (H, W, Cin) and kernel (kh, kw, Cin, Cout) for this case."""
        rng = np.random.default_rng([SEED, self.index])
        x = rng.uniform(-1, 1, (*self.size, self.channels[0]))
        w = rng.uniform(-1, 1, (*self.kernel, *self.channels))
        return x, w


def _pair(rng, low, high, square_chance=0.4):
    first = int(rng.integers(low, high + 1))
    if rng.random() < square_chance:
        return first, first
    return first, int(rng.integers(low, high + 1))


def _conv_cases(count: int, first_index: int, explicit: bool) -> list[ConvCase]:
    cases = []
    for index in range(first_index, first_index + count):
        rng = np.random.default_rng([SEED, index])
        dilation = (1, 1) if rng.random() < 0.5 else _pair(rng, 1, 3)
        if explicit:
            padding = tuple(tuple(int(p) for p in rng.integers(0, 5, 2)) for _ in range(2))
        else:
            padding = str(rng.choice(["valid", "same"]))
        cases.append(
            ConvCase(
                index=index,
                size=_pair(rng, 1, 32),
                kernel=_pair(rng, 1, 7, 0.7),
                stride=_pair(rng, 1, 4, 0.6),
                dilation=dilation,
                channels=(int(rng.integers(1, 4)), int(rng.integers(1, 4))),
                padding=padding,
            )
        )
    return cases


CONV_CASES = _conv_cases(320, 0, explicit=False)
EXPLICIT_CASES = _conv_cases(120, 1000, explicit=True)


def _inflate(w: np.ndarray, dilation: tuple[int, int]) -> np.ndarray:
    """The kernel a dilated kernel stands for: zeros inserted between its taps."""
    kh, kw = w.shape[:2]
    dh, dw = dilation
    out = np.zeros(((kh - 1) * dh + 1, (kw - 1) * dw + 1, *w.shape[2:]), dtype=w.dtype)
    out[::dh, ::dw] = w
    return out


def _tf_padding(padding):
    if isinstance(padding, str):
        return padding.upper()
    return [[0, 0], list(padding[0]), list(padding[1]), [0, 0]]


def tf_conv(case: ConvCase, x: np.ndarray, w: np.ndarray) -> np.ndarray | None:
    """TensorFlow's answer (H', W', Cout), or None when TF fails or gives an empty output."""
    try:
        if case.tf_refuses_dilation:
            inflated = _inflate(w, case.dilation)
            out = tf.nn.conv2d(x[None], inflated, case.stride, _tf_padding(case.padding))
        elif isinstance(case.padding, str):
            out = tf.nn.convolution(
                x[None], w, strides=case.stride, padding=_tf_padding(case.padding),
                dilations=case.dilation,
            )
        else:
            out = tf.nn.conv2d(
                x[None], w, case.stride, _tf_padding(case.padding), dilations=case.dilation
            )
    except TF_FAILURES as exc:
        if _is_empty_output_error(exc):
            return None
        raise
    out = out.numpy()[0]
    return None if 0 in out.shape else out


def _engine_conv(case: ConvCase, x, w):
    return conv2d(x, w, stride=case.stride, padding=case.padding, dilation=case.dilation)


def _check_conv(case: ConvCase):
    x, w = case.data()
    truth = tf_conv(case, x, w)
    if truth is None:
        with pytest.raises(ValueError, match="does not fit"):
            _engine_conv(case, x, w)
        return
    ours = _engine_conv(case, x, w)
    assert ours.shape == truth.shape, case
    assert ours.dtype == np.float64, case
    np.testing.assert_allclose(ours, truth, rtol=1e-10, atol=1e-10, err_msg=str(case))

    ours32 = _engine_conv(case, x.astype(np.float32), w.astype(np.float32))
    assert ours32.dtype == np.float32, case
    np.testing.assert_allclose(ours32, truth, rtol=1e-5, atol=2e-5, err_msg=str(case))

    # Small integers give exact integer results; TF's float64 result is exact for them too.
    xi, wi = np.rint(x * 5).astype(np.int32), np.rint(w * 3).astype(np.int16)
    ours_int = _engine_conv(case, xi, wi)
    assert ours_int.dtype == np.int64, case
    truth_int = tf_conv(case, xi.astype(np.float64), wi.astype(np.float64))
    np.testing.assert_array_equal(ours_int, truth_int, err_msg=str(case))


@pytest.mark.parametrize("case", CONV_CASES, ids=str)
def test_conv2d_matches_tensorflow(case):
    _check_conv(case)


@pytest.mark.parametrize("case", EXPLICIT_CASES, ids=str)
def test_conv2d_explicit_padding_matches_tf_conv2d(case):
    _check_conv(case)


def test_the_random_cases_cover_what_they_claim():
    """Guard the generator: both paddings, refused and allowed dilations, and impossible kernels."""
    cases = CONV_CASES + EXPLICIT_CASES
    assert len(cases) >= 400
    assert {c.padding for c in CONV_CASES} == {"valid", "same"}
    assert sum(c.tf_refuses_dilation for c in cases) >= 50
    assert sum(not c.tf_refuses_dilation and max(c.dilation) > 1 for c in cases) >= 20
    no_fit = [c for c in CONV_CASES if c.padding == "valid" and min(
        n - s for n, s in zip(c.size, c.span)) < 0]
    assert len(no_fit) >= 20
    assert {c.channels for c in cases} == {(i, o) for i in (1, 2, 3) for o in (1, 2, 3)}


# ---- output sizes against Keras layer shapes ---------------------------------------------------


def _keras_conv_shape(case: ConvCase):
    """Keras Conv2D's (H', W'), or None when Keras says the output would be empty."""
    if case.tf_refuses_dilation:  # the same geometry as the zero-inserted kernel, no dilation
        layer = keras.layers.Conv2D(1, case.span, strides=case.stride, padding=case.padding)
    else:
        layer = keras.layers.Conv2D(
            1, case.kernel, strides=case.stride, padding=case.padding, dilation_rate=case.dilation
        )
    try:
        shape = layer.compute_output_shape((1, *case.size, case.channels[0]))
    except ValueError:
        return None
    return None if min(shape[1:3]) <= 0 else tuple(shape[1:3])


SHAPE_CASES = _conv_cases(1500, 5000, explicit=False)


@pytest.mark.parametrize("batch", range(5))
def test_conv_output_sizes_match_keras_conv2d(batch):
    for case in SHAPE_CASES[batch::5]:
        truth = _keras_conv_shape(case)
        args = (case.kernel, case.stride, case.padding, case.dilation)
        if truth is None:
            with pytest.raises(ValueError, match="output would be empty"):
                conv_output_shape(case.size, *args)
            continue
        assert conv_output_shape((*case.size, case.channels[0]), *args) == truth, case
        per_axis = tuple(
            conv_output_size(n, k, s, case.padding, d)
            for n, k, s, d in zip(case.size, case.kernel, case.stride, case.dilation)
        )
        assert per_axis == truth, case


# ---- SAME padding split, derived from TensorFlow with a marker -----------------------------------


def tf_same_split(n: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    """TensorFlow's (before, after) SAME padding on one axis, read off a marker convolution.

    The input holds 1..n (padding reads 0). The kernel spans the dilated kernel's cells,
    with one output channel per cell that copies just that cell, so output ``[j, t]``
    names the input cell under cell t of window j. (TF pads for the span; the conv2d
    tests check the engine's split with real dilations.) Window 0 always covers a real
    cell: where it does, ``before`` follows. ``after`` is how far the last window reaches
    past the end of the input.
    """
    span = (kernel - 1) * dilation + 1
    x = np.arange(1, n + 1, dtype=np.float64).reshape(1, n, 1, 1)
    taps = np.eye(span).reshape(span, 1, 1, span)
    seen = tf.nn.conv2d(x, taps, (stride, 1), "SAME").numpy()[0, :, 0, :]  # (out, span)
    t = int(np.flatnonzero(seen[0])[0])
    before = t - (int(seen[0, t]) - 1)
    last_end = (len(seen) - 1) * stride + span - 1 - before  # in input coordinates
    after = max(last_end - (n - 1), 0)
    assert (seen[-1, -1] == 0) == (after > 0)  # the marker agrees about the far edge
    return before, after


SPLIT_CASES = [
    # (n, kernel, stride, dilation)
    tuple(np.random.default_rng([SEED, 9000 + i]).integers((1, 1, 1, 1), (33, 8, 5, 4)).tolist())
    for i in range(300)
]


@pytest.mark.parametrize("batch", range(3))
def test_same_padding_split_matches_tensorflow(batch):
    for n, kernel, stride, dilation in SPLIT_CASES[batch::3]:
        truth = tf_same_split(n, kernel, stride, dilation)
        assert same_padding(n, kernel, stride, dilation) == truth, (n, kernel, stride, dilation)


@pytest.mark.parametrize(
    ("n", "kernel", "stride", "split"), [(6, 4, 1, (1, 2)), (7, 4, 2, (1, 2)), (6, 3, 2, (0, 1))]
)
def test_known_same_padding_splits(n, kernel, stride, split):
    """The splits measured on this machine kind (performance notes), seen by TF and the engine."""
    assert tf_same_split(n, kernel, stride, 1) == split
    assert same_padding(n, kernel, stride) == split


# ---- pooling ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolCase:
    """One pooling configuration; ``stride`` None means stride = size (the Keras default)."""

    index: int
    size: tuple[int, int]
    window: tuple[int, int]
    stride: tuple[int, int] | None
    channels: int
    padding: object

    @property
    def strides(self) -> tuple[int, int]:
        return self.window if self.stride is None else self.stride

    def __str__(self) -> str:
        pad = self.padding if isinstance(self.padding, str) else "p" + "".join(
            f"{a}{b}" for a, b in self.padding
        )
        stride = "None" if self.stride is None else f"{self.stride[0]}x{self.stride[1]}"
        return (
            f"in{self.size[0]}x{self.size[1]}c{self.channels}-w{self.window[0]}x{self.window[1]}"
            f"-s{stride}-{pad}-#{self.index}"
        )

    def data(self) -> np.ndarray:
        rng = np.random.default_rng([SEED, self.index])
        return rng.uniform(-1, 1, (*self.size, self.channels))


def _pool_cases(count: int, first_index: int, explicit: bool) -> list[PoolCase]:
    cases = []
    for index in range(first_index, first_index + count):
        rng = np.random.default_rng([SEED, index])
        window = _pair(rng, 1, 7, 0.7)
        stride = None if rng.random() < 0.3 else _pair(rng, 1, 4, 0.6)
        if explicit:  # TF allows padding up to window - 1; a few cases go one further
            padding = tuple(tuple(int(p) for p in rng.integers(0, k + 1, 2)) for k in window)
        else:
            padding = str(rng.choice(["valid", "same"]))
        cases.append(
            PoolCase(index, _pair(rng, 1, 32), window, stride, int(rng.integers(1, 4)), padding)
        )
    return cases


POOL_CASES = _pool_cases(240, 2000, explicit=False)
EXPLICIT_POOL_CASES = _pool_cases(80, 3000, explicit=True)


def _keras_pool_shape(case: PoolCase):
    """Keras MaxPooling2D's (H', W'), or None when Keras says the output would be empty."""
    layer = keras.layers.MaxPooling2D(case.window, strides=case.stride, padding=case.padding)
    try:
        shape = layer.compute_output_shape((1, *case.size, case.channels))
    except ValueError as exc:
        assert _is_empty_output_error(exc), exc
        return None
    return None if min(shape[1:3]) <= 0 else tuple(shape[1:3])


def _strides_beyond_window(case: PoolCase) -> bool:
    return any(s > k for s, k in zip(case.strides, case.window))


def tf_pool(case: PoolCase, x: np.ndarray, kind: str) -> np.ndarray | None:
    """TF's pooled (H', W', C) for "MAX" or "AVG", or None when the output would be empty.

    ``tf.nn.pool`` refuses a stride larger than the window (a CPU/GPU consistency guard),
    so those cases go to the ops it wraps, ``tf.nn.max_pool2d`` / ``tf.nn.avg_pool2d``,
    which compute in float32. Those ops are only called on a non-empty geometry (Keras
    says so first): ``max_pool2d`` kills the process with SIGFPE on some empty ones.
    """
    padding = case.padding.upper()
    try:
        if _strides_beyond_window(case):
            if _keras_pool_shape(case) is None:
                return None
            op = tf.nn.max_pool2d if kind == "MAX" else tf.nn.avg_pool2d
            out = op(x[None], case.window, case.strides, padding)
        else:
            out = tf.nn.pool(x[None], case.window, kind, strides=case.strides, padding=padding)
    except TF_FAILURES as exc:
        if _is_empty_output_error(exc):
            return None
        raise
    out = out.numpy()[0]
    return None if 0 in out.shape else out


def tf_real_cell_count(case: PoolCase) -> np.ndarray:
    """How many real (non-padding) cells each window covers: a ones kernel over a ones input."""
    ones = np.ones((1, *case.size, 1))
    kernel = np.ones((*case.window, 1, 1))
    return tf.nn.conv2d(ones, kernel, case.strides, case.padding.upper()).numpy()[0]


def _engine_pool(case: PoolCase, x, mode):
    return pool2d(x, case.window, case.stride, case.padding, mode)


@pytest.mark.parametrize("case", POOL_CASES, ids=str)
def test_pool2d_matches_tf_nn_pool(case):
    x = case.data()
    truth_max, truth_avg = tf_pool(case, x, "MAX"), tf_pool(case, x, "AVG")
    assert (truth_max is None) == (truth_avg is None), case
    if truth_max is None:
        for mode in ("max", "avg", "sum"):
            with pytest.raises(ValueError, match="does not fit"):
                _engine_pool(case, x, mode)
        return
    precise = not _strides_beyond_window(case)  # else TF computed in float32
    tol = {"rtol": 1e-12, "atol": 1e-12} if precise else {"rtol": 1e-6, "atol": 1e-6}
    np.testing.assert_allclose(_engine_pool(case, x, "max"), truth_max, **tol, err_msg=str(case))
    np.testing.assert_allclose(_engine_pool(case, x, "avg"), truth_avg, **tol, err_msg=str(case))
    truth_sum = truth_avg * tf_real_cell_count(case)
    np.testing.assert_allclose(_engine_pool(case, x, "sum"), truth_sum, **tol, err_msg=str(case))

    x32 = x.astype(np.float32)
    ours_max32 = _engine_pool(case, x32, "max")
    assert ours_max32.dtype == np.float32, case
    np.testing.assert_array_equal(ours_max32, tf_pool(case, x32, "MAX"), err_msg=str(case))
    ours_avg32 = _engine_pool(case, x32, "avg")
    assert ours_avg32.dtype == np.float32, case
    np.testing.assert_allclose(
        ours_avg32, tf_pool(case, x32, "AVG"), rtol=1e-5, atol=1e-6, err_msg=str(case)
    )


@pytest.mark.parametrize("case", EXPLICIT_POOL_CASES, ids=str)
def test_max_pool_explicit_padding_matches_tf_max_pool2d(case):
    x = case.data().astype(np.float32)
    fits = all(n + sum(p) >= k for n, p, k in zip(case.size, case.padding, case.window))
    truth = None
    if fits:  # max_pool2d can die with SIGFPE on an empty geometry: never ask it one
        try:
            truth = tf.nn.max_pool2d(x[None], case.window, case.strides, _tf_padding(case.padding))
            truth = truth.numpy()[0]
        except tf.errors.InvalidArgumentError as exc:
            assert "needs to be smaller than the window size" in str(exc), exc
    if truth is None:
        with pytest.raises(ValueError, match="does not fit|smaller than the pool window"):
            _engine_pool(case, x, "max")
        return
    np.testing.assert_array_equal(_engine_pool(case, x, "max"), truth, err_msg=str(case))


def test_explicit_pool_cases_cover_refused_padding():
    refused = [
        c for c in EXPLICIT_POOL_CASES if any(max(p) >= k for p, k in zip(c.padding, c.window))
    ]
    assert 10 <= len(refused) <= len(EXPLICIT_POOL_CASES) - 40


POOL_SHAPE_CASES = _pool_cases(1000, 6000, explicit=False)


@pytest.mark.parametrize("batch", range(2))
def test_pool_output_shape_matches_keras_max_pooling2d(batch):
    for case in POOL_SHAPE_CASES[batch::2]:
        truth = _keras_pool_shape(case)
        if truth is None:
            with pytest.raises(ValueError, match="output would be empty"):
                pool_output_shape(case.size, case.window, case.stride, case.padding)
            continue
        assert pool_output_shape(case.size, case.window, case.stride, case.padding) == truth, case
