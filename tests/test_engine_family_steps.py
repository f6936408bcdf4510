"""Animation steps of every convolution kind: replaying them rebuilds the full function's output.

Integer data must be rebuilt exactly; float data to rounding. Each step is also checked on
its own: the window shows the input's own values (0 on padding), the filter reads the
channels of its group, the per-channel dot products add up to the value. The multiply-add
count equals the products the steps show, and the transposed convolution equals a
stride-1 convolution of the zero-inserted input by the flipped kernel. Test ids spell out
the configuration. Last, the size formulas' text on worked examples.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

import convviz.arithmetic as A
from convviz.arithmetic import (
    conv1d,
    conv1d_steps,
    conv2d,
    conv2d_steps,
    conv2d_transpose,
    conv_mult_adds,
    depthwise_conv2d,
    depthwise_steps,
    separable_conv2d,
    separable_steps,
    transpose_as_convolution,
    transpose_steps,
)

SEED = 20261129


def _pair(rng, low, high):
    return tuple(int(v) for v in rng.integers(low, high + 1, 2))


def _config(index: int, transposed: bool = False) -> dict:
    rng = np.random.default_rng([SEED, int(transposed), index])
    kernel, stride = _pair(rng, 1, 3), _pair(rng, 1, 3)
    dilation = (1, 1) if rng.random() < 0.5 else _pair(rng, 1, 3)
    if transposed:
        if max(stride) > 1:
            dilation = (1, 1)  # Keras refuses stride > 1 with dilation > 1
        padding = ["valid", "same"][index % 2]
        output_padding = None if rng.random() < 0.5 else tuple(int(rng.integers(s)) for s in stride)
        size = _pair(rng, 1, 5)
    else:
        padding = ["valid", "same", ((1, 0), (2, 1))][index % 3]
        output_padding = None
        span = [(k - 1) * d + 1 for k, d in zip(kernel, dilation)]
        size = tuple(int(rng.integers(s, s + 5)) for s in span)
    groups = int(rng.choice([1, 2, 3]))
    return dict(index=index, size=size, kernel=kernel, stride=stride, dilation=dilation,
                padding=padding, output_padding=output_padding, groups=groups,
                cin=groups * int(rng.integers(1, 3)), filters=groups * int(rng.integers(1, 3)),
                mult=int(rng.integers(1, 3)), integer=index % 2 == 0)


def _id(cfg) -> str:
    pad = cfg["padding"] if isinstance(cfg["padding"], str) else "p" + "".join(
        f"{a}{b}" for a, b in cfg["padding"])
    op = "" if cfg["output_padding"] is None else "-op" + "x".join(map(str, cfg["output_padding"]))
    return (f"in{cfg['size'][0]}x{cfg['size'][1]}c{cfg['cin']}-k{cfg['kernel'][0]}x"
            f"{cfg['kernel'][1]}-s{cfg['stride'][0]}x{cfg['stride'][1]}-d{cfg['dilation'][0]}x"
            f"{cfg['dilation'][1]}-{pad}{op}-o{cfg['filters']}-g{cfg['groups']}-m{cfg['mult']}-"
            f"{'int' if cfg['integer'] else 'f64'}-#{cfg['index']}")


def _data(cfg, *shapes):
    rng = np.random.default_rng([SEED, 7, cfg["index"]])
    if cfg["integer"]:
        return [rng.integers(-5, 6, shape) for shape in shapes]
    return [rng.uniform(-1, 1, shape) for shape in shapes]


def _same(got, want, integer):
    assert got.shape == want.shape
    if integer:
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


CONV = [_config(i) for i in range(45)]
TRANSPOSED = [_config(i, transposed=True) for i in range(45)]


def _check_step(step, fmap, padding_value=0):
    """The step's window shows the input's own values, its dot products add up to its value."""
    cells = step.window.input_cells
    real = ~step.window.is_padding
    rows, cols = cells[..., 0][real], cells[..., 1][real]
    np.testing.assert_array_equal(step.inputs[real], fmap[rows, cols][:, step.channels])
    assert (step.inputs[~real] == padding_value).all()
    np.testing.assert_array_equal(step.channel_dots, (step.inputs * step.kernel).sum(axis=(0, 1)))
    assert step.total == step.channel_dots.sum() and step.value == step.total


def _replay(steps, shape, fmap=None):
    out = np.zeros(shape)
    last = (-1, -1)
    for count, step in enumerate(steps):
        assert step.index == count
        order = (step.filter, step.position[0] * shape[1] + step.position[1])
        assert order > last  # positions within a filter, then the next filter
        last = order
        if fmap is not None:
            _check_step(step, fmap)
        out[step.position[0], step.position[1], step.filter] = step.value
    return out, count + 1


@pytest.mark.parametrize("cfg", CONV, ids=_id)
def test_grouped_conv2d_steps_replay_to_conv2d(cfg):
    x, w = _data(cfg, (*cfg["size"], cfg["cin"]),
                 (*cfg["kernel"], cfg["cin"] // cfg["groups"], cfg["filters"]))
    args = (cfg["stride"], cfg["padding"], cfg["dilation"])
    want = conv2d(x, w, *args, groups=cfg["groups"])
    steps = list(conv2d_steps(x, w, *args, groups=cfg["groups"]))
    got, count = _replay(steps, want.shape, x)
    _same(got, want, cfg["integer"])
    per_group = cfg["filters"] // cfg["groups"]
    for step in steps[:: max(1, len(steps) // 7)]:
        group = step.filter // per_group
        assert list(step.channels) == list(range(group * w.shape[2], (group + 1) * w.shape[2]))
    products = sum(step.inputs.size for step in steps)
    assert products == conv_mult_adds(cfg["size"], cfg["kernel"], cfg["cin"], cfg["filters"],
                                      "conv", *args, groups=cfg["groups"])


@pytest.mark.parametrize("cfg", CONV, ids=_id)
def test_depthwise_steps_replay_and_read_one_channel(cfg):
    x, w = _data(cfg, (*cfg["size"], cfg["cin"]), (*cfg["kernel"], cfg["cin"], cfg["mult"]))
    args = (cfg["stride"], cfg["padding"], cfg["dilation"])
    want = depthwise_conv2d(x, w, *args)
    steps = list(depthwise_steps(x, w, *args))
    got, _ = _replay(steps, want.shape, x)
    _same(got, want, cfg["integer"])
    for step in steps:
        assert list(step.channels) == [step.filter // cfg["mult"]]  # channel c·M + m reads c
        assert step.stage == "depthwise"
    assert sum(step.inputs.size for step in steps) == conv_mult_adds(
        cfg["size"], cfg["kernel"], cfg["cin"], None, "depthwise", *args,
        depth_multiplier=cfg["mult"])


@pytest.mark.parametrize("cfg", CONV[::2], ids=_id)
def test_separable_steps_play_depthwise_then_pointwise(cfg):
    channels = cfg["cin"] * cfg["mult"]
    x, dw, pw = _data(cfg, (*cfg["size"], cfg["cin"]), (*cfg["kernel"], cfg["cin"], cfg["mult"]),
                      (1, 1, channels, cfg["filters"]))
    args = (cfg["stride"], cfg["padding"], cfg["dilation"])
    middle = depthwise_conv2d(x, dw, *args)
    steps = list(separable_steps(x, dw, pw, *args))
    stages = [step.stage for step in steps]
    split = stages.index("pointwise")
    assert set(stages[:split]) == {"depthwise"} and set(stages[split:]) == {"pointwise"}
    got_middle, _ = _replay(steps[:split], middle.shape, x)
    _same(got_middle, middle, cfg["integer"])
    point = steps[split:]
    assert [step.index for step in point] == list(range(split, len(steps)))
    out = np.zeros((*middle.shape[:2], cfg["filters"]))
    for step in point:
        _check_step(step, middle)
        assert len(step.channels) == channels and step.inputs.shape[:2] == (1, 1)
        out[step.position[0], step.position[1], step.filter] = step.value
    _same(out, separable_conv2d(x, dw, pw, *args), cfg["integer"])
    assert sum(step.inputs.size for step in steps) == conv_mult_adds(
        cfg["size"], cfg["kernel"], cfg["cin"], cfg["filters"], "separable", *args,
        depth_multiplier=cfg["mult"])


@pytest.mark.parametrize("cfg", CONV[::2], ids=_id)
def test_conv1d_steps_replay_and_show_causal_padding(cfg):
    padding = ["valid", "same", "causal", (2, 1)][cfg["index"] % 4]
    (k, s, d, length) = cfg["kernel"][0], cfg["stride"][0], cfg["dilation"][0], cfg["size"][0]
    x, w = _data(cfg, (length, cfg["cin"]), (k, cfg["cin"] // cfg["groups"], cfg["filters"]))
    want = conv1d(x, w, s, padding, d, groups=cfg["groups"])
    out, products = np.zeros(want.shape), 0
    for step in conv1d_steps(x, w, s, padding, d, groups=cfg["groups"]):
        products += step.inputs.size
        real = ~step.is_padding
        np.testing.assert_array_equal(step.inputs[real], x[step.cells[real]][:, step.channels])
        assert (step.inputs[~real] == 0).all()
        if padding == "causal":
            assert (step.cells <= step.position * s).all()  # never sees the future
        np.testing.assert_array_equal(step.channel_dots, (step.inputs * step.kernel).sum(axis=0))
        out[step.position, step.filter] = step.value
    _same(out, want, cfg["integer"])
    assert products == conv_mult_adds((length, cfg["cin"]), k, cfg["cin"], cfg["filters"],
                                      "conv1d", s, padding, d, groups=cfg["groups"])


@pytest.mark.parametrize("cfg", TRANSPOSED, ids=_id)
def test_transpose_steps_stamp_the_output_and_count_overlaps(cfg):
    x, w = _data(cfg, (*cfg["size"], cfg["cin"]), (*cfg["kernel"], cfg["filters"], cfg["cin"]))
    args = (cfg["stride"], cfg["padding"], cfg["output_padding"], cfg["dilation"])
    try:
        want = conv2d_transpose(x, w, *args)
    except ValueError as exc:
        assert "TensorFlow cannot compute this" in str(exc)
        pytest.skip("a combination TensorFlow refuses (checked against Keras in test_*_vs_keras)")
    out, overlaps = np.zeros(want.shape), np.zeros(want.shape, dtype=int)
    products = 0
    for count, step in enumerate(transpose_steps(x, w, *args)):
        assert step.index == count
        assert step.filter == count // (x.shape[0] * x.shape[1])
        np.testing.assert_array_equal(step.inputs, x[step.position])
        np.testing.assert_array_equal(step.stamp, (step.inputs * step.kernel).sum(axis=2))
        rows, cols = step.cells[step.inside].T
        out[rows, cols, step.filter] += step.stamp[step.inside]
        overlaps[rows, cols, step.filter] += 1
        np.testing.assert_array_equal(step.overlaps[step.inside], overlaps[rows, cols, step.filter])
        np.testing.assert_array_equal(step.value[step.inside], out[rows, cols, step.filter])
        products += int(step.inside.sum()) * cfg["cin"]
    _same(out, want, cfg["integer"])
    assert products == conv_mult_adds(cfg["size"], cfg["kernel"], cfg["cin"], cfg["filters"],
                                      "transpose", cfg["stride"], cfg["padding"], cfg["dilation"],
                                      output_padding=cfg["output_padding"])


@pytest.mark.parametrize("cfg", TRANSPOSED, ids=_id)
def test_transpose_equals_a_convolution_of_the_zero_inserted_input(cfg):
    x, w = _data(cfg, (*cfg["size"], cfg["cin"]), (*cfg["kernel"], cfg["filters"], cfg["cin"]))
    args = (cfg["stride"], cfg["padding"], cfg["output_padding"], cfg["dilation"])
    try:
        want = conv2d_transpose(x, w, *args)
    except ValueError:
        pytest.skip("a combination TensorFlow refuses (checked against Keras in test_*_vs_keras)")
    z, flipped = transpose_as_convolution(x, w, *args)
    assert flipped.shape == (*cfg["kernel"], cfg["cin"], cfg["filters"])
    np.testing.assert_array_equal(flipped[0, 0], w[-1, -1].T)
    nonzero = np.argwhere(np.abs(z).sum(axis=2) > 0)
    assert len(nonzero) <= x.shape[0] * x.shape[1]
    if len(nonzero) > 1:  # real cells sit stride apart, zeros in between
        assert ((nonzero - nonzero[0]) % np.array(cfg["stride"]) == 0).all()
    _same(conv2d(z, flipped, dilation=cfg["dilation"]), want, cfg["integer"])


KINDS_28 = {
    "conv": lambda x, rng: conv2d_steps(x, rng.uniform(-1, 1, (3, 3, 3, 8)), 1, "same"),
    "depthwise": lambda x, rng: depthwise_steps(x, rng.uniform(-1, 1, (3, 3, 3, 2)), 1, "same"),
    "separable": lambda x, rng: separable_steps(
        x, rng.uniform(-1, 1, (3, 3, 3, 1)), rng.uniform(-1, 1, (1, 1, 3, 8)), 1, "same"),
    "transpose": lambda x, rng: transpose_steps(x, rng.uniform(-1, 1, (3, 3, 8, 3)), 2, "same"),
    "conv1d": lambda x, rng: conv1d_steps(x[0], rng.uniform(-1, 1, (3, 3, 8)), 1, "causal"),
}


@pytest.mark.parametrize("kind", KINDS_28)
def test_one_step_of_a_28x28x3_input_with_8_filters_is_cheap(kind):
    rng = np.random.default_rng([SEED, 9])
    x = rng.uniform(-1, 1, (28, 28, 3))
    timings = []
    for _ in range(5):
        start = time.perf_counter()
        step = next(KINDS_28[kind](x, rng))
        timings.append(time.perf_counter() - start)
    assert step.index == 0
    assert min(timings) < 0.01, f"the first step took {min(timings) * 1000:.1f} ms"


# ---- formulas with numbers, counts, and plain 2-D arrays ----------------------------------------

FORMULAS = {
    "transpose same, no output_padding": (
        lambda: A.transpose_output_formula(5, 3, 2, "same"),
        "5×2 = 10;  2×(5 - 1) + 3 - 1 = 10;  'same' crops 0 before and 1 after", 10),
    "transpose valid, kernel wider than stride": (
        lambda: A.transpose_output_formula(5, 3, 2, "valid"),
        "5×2 + max(3 - 2, 0) = 11;  2×(5 - 1) + 3 = 11", 11),
    "transpose valid, stride wider than kernel": (
        lambda: A.transpose_output_formula(5, 2, 3, "valid"),
        "5×3 + max(2 - 3, 0) = 15;  3×(5 - 1) + 2 + 1 = 15", 15),
    "transpose same with output_padding": (
        lambda: A.transpose_output_formula(5, 4, 2, "same", 1),
        "2×(5 - 1) + 4 - 2×2 + 1 = 9;  'same' crops 1 before and 2 after", 9),
    "transpose dilated": (
        lambda: A.transpose_output_formula(5, 3, 1, "valid", None, 2),
        "5×1 + max(((3 - 1)×2 + 1) - 1, 0) = 9;  1×(5 - 1) + ((3 - 1)×2 + 1) = 9", 9),
    "conv1d causal": (
        lambda: A.conv1d_output_formula(10, 3, 1, "causal", 2),
        "causal pads 4 before, 0 after;  floor((10 + 4 + 0 - ((3 - 1)×2 + 1)) / 1) + 1 = 10", 10),
    "depthwise same": (
        lambda: A.family_output_formula("depthwise", 10, 3, 2, "same"),
        "ceil(10 / 2) = 5;  floor((10 + 0 + 1 - 3) / 2) + 1 = 5", 5),
    "depthwise channels": (
        lambda: A.output_channels_formula("depthwise", 3, None, 2), "3 channels × multiplier 2 = 6", 6),
}


@pytest.mark.parametrize("name", FORMULAS)
def test_formula_text_shows_the_numbers(name):
    call, text, value = FORMULAS[name]
    formula = call()
    assert (formula.text, formula.value) == (text, value)


def test_counts_of_a_28x28x3_input_with_8_filters():
    assert A.conv_param_count(3, 3, 8) == 3 * 3 * 3 * 8 + 8
    assert A.conv_mult_adds((28, 28, 3), 3, 3, 8, padding="same") == 28 * 28 * 27 * 8
    assert A.conv_param_count(3, 3, 8, "separable", use_bias=False) == 27 + 3 * 8
    assert A.conv_mult_adds((28, 28), 3, 3, 8, "separable", padding="same") == 28 * 28 * (27 + 24)
    assert A.conv_mult_adds((28, 28), 3, 3, 8, "conv", 2, "valid", groups=1) == 13 * 13 * 27 * 8


def test_plain_2d_arrays_give_plain_2d_results():
    rng = np.random.default_rng([SEED, 10])
    x, w = rng.integers(-3, 4, (6, 5)), rng.integers(-3, 4, (3, 2))
    assert conv2d(x, w, groups=1).ndim == 2
    want = conv2d_transpose(x[:, :, None], w[:, :, None, None], 2, "same", 1)[:, :, 0]
    np.testing.assert_array_equal(conv2d_transpose(x, w, 2, "same", 1), want)
    z, flipped = transpose_as_convolution(x, w, 2, "same", 1)
    np.testing.assert_array_equal(conv2d(z, flipped), want)
    np.testing.assert_array_equal(conv1d(x[:, 0], w[:, 0], 1, "causal"),
                                  conv1d(x[:, :1], w[:, :1, None], 1, "causal")[:, 0])
