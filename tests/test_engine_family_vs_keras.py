"""Every convolution kind of the engine against the Keras layer itself, on seeded random configurations.

Each case builds the Keras layer once (float64, no bias), loads random weights and calls it
eagerly; the engine must give the same output shape and values. Half the cases use small
integers (float64 for Keras; int64 and integer-valued float64 for the engine): those
results must be exact. Test ids
spell out the configuration (e.g. ``in7x5c4-k3x2-s2x1-d1x1-same-o6-g2-int-#3``).

TensorFlow's depthwise kernel takes only equal strides on both axes, so depthwise and
separable cases use square strides (the engine shares the grouped-convolution path).

TensorFlow's CPU kernel has no dilated transposed convolution: for those cases the truth is
Keras' Conv2DTranspose with the dilated kernel written out (zeros inserted), which Keras
sizes by the same span.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # oneDNN aborts on some Conv2DTranspose shapes
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402  (after the environment is set)
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from convviz.arithmetic import (  # noqa: E402
    conv1d,
    conv2d,
    conv2d_transpose,
    conv_output_shape,
    conv_param_count,
    depthwise_conv2d,
    family_output_formula,
    separable_conv2d,
    transpose_output_shape,
)

SEED = 20261128
KINDS = ("conv", "conv1d", "depthwise", "separable", "transpose")


def _ints(rng, low, high, n=2):
    return tuple(int(v) for v in rng.integers(low, high + 1, n))


def _data(rng, integer, *shapes):
    if integer:
        return [rng.integers(-4, 5, shape) for shape in shapes]
    return [rng.uniform(-1, 1, shape) for shape in shapes]


def _tag(cfg) -> str:
    parts = [f"in{'x'.join(map(str, cfg['size']))}c{cfg['cin']}",
             f"k{'x'.join(map(str, cfg['kernel']))}", f"s{'x'.join(map(str, cfg['stride']))}",
             f"d{'x'.join(map(str, cfg['dilation']))}", cfg["padding"]]
    for key, short in (("filters", "o"), ("groups", "g"), ("mult", "m"), ("output_padding", "op")):
        if cfg.get(key) is not None:
            value = cfg[key]
            parts.append(short + ("x".join(map(str, value)) if isinstance(value, tuple) else str(value)))
    parts.append("int" if cfg["integer"] else "f64")
    return "-".join(parts) + f"-#{cfg['index']}"


def _stride_or_dilation(rng, dims=2):
    """Keras refuses stride > 1 with dilation > 1: pick one of them above 1."""
    if rng.random() < 0.35:
        return (1,) * dims, _ints(rng, 1, 3, dims)
    return _ints(rng, 1, 3, dims), (1,) * dims


def _config(kind: str, index: int) -> dict:
    rng = np.random.default_rng([SEED, KINDS.index(kind), index])
    dims = 1 if kind == "conv1d" else 2
    kernel = _ints(rng, 1, 4, dims)
    stride, dilation = _stride_or_dilation(rng, dims)
    span = [(k - 1) * d + 1 for k, d in zip(kernel, dilation)]
    size = tuple(int(rng.integers(s, s + 6)) for s in span)  # fits even with "valid"
    paddings = ["valid", "same", "causal"] if kind == "conv1d" else ["valid", "same"]
    cfg = dict(index=index, kernel=kernel, stride=stride, dilation=dilation, size=size,
               padding=paddings[int(rng.integers(len(paddings)))],
               integer=bool(index % 2), cin=int(rng.integers(1, 5)))
    if kind in ("conv", "conv1d"):
        groups = int(rng.choice([1, 1, 1, 2, 3])) if index % 3 == 0 else 1
        cfg.update(groups=groups, cin=cfg["cin"] * groups, filters=groups * int(rng.integers(1, 4)))
    elif kind == "depthwise":
        cfg.update(mult=int(rng.integers(1, 4)), stride=(stride[0],) * 2)
    elif kind == "separable":
        cfg.update(mult=int(rng.integers(1, 3)), filters=int(rng.integers(1, 5)),
                   stride=(stride[0],) * 2)
    else:
        cfg.update(filters=int(rng.integers(1, 4)), output_padding=None, size=_ints(rng, 1, 6))
        if rng.random() < 0.5:
            cfg["output_padding"] = tuple(int(rng.integers(0, s)) for s in stride)
    return cfg


def _keras_out(layer, x):
    return np.asarray(layer(x[None].astype("float64")))[0]


def _run(function, integer, *arrays, **kwargs):
    """Call the engine; integer data is also passed as integer-valued floats, which must agree."""
    got = function(*arrays, **kwargs)
    if integer:
        assert got.dtype.kind == "i"
        as_floats = function(*(a.astype("float64") for a in arrays), **kwargs)
        np.testing.assert_array_equal(as_floats, got)
    return got


def _check(got, want, integer):
    assert got.shape == want.shape
    if integer:
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def _check_formulas(kind, cfg, out_shape):
    """The size formula with numbers evaluates to the size Keras produced, axis by axis."""
    extra = cfg.get("output_padding") or (None,) * len(out_shape)
    for axis, size in enumerate(out_shape):
        formula = family_output_formula(kind, cfg["size"][axis], cfg["kernel"][axis],
                                        cfg["stride"][axis], cfg["padding"],
                                        cfg["dilation"][axis], extra[axis])
        assert formula.value == size and f"= {size}" in formula.text, formula.text


def _cases(kind, count):
    configs = [_config(kind, i) for i in range(count)]
    return pytest.mark.parametrize("cfg", configs, ids=[_tag(c) for c in configs])


@_cases("conv", 60)
def test_grouped_conv2d_matches_keras_conv2d(cfg):
    rng = np.random.default_rng([SEED, 100, cfg["index"]])
    layer = keras.layers.Conv2D(cfg["filters"], cfg["kernel"], cfg["stride"], cfg["padding"],
                                dilation_rate=cfg["dilation"], groups=cfg["groups"],
                                use_bias=False, dtype="float64")
    layer.build((1, *cfg["size"], cfg["cin"]))
    x, w = _data(rng, cfg["integer"], (*cfg["size"], cfg["cin"]), tuple(layer.kernel.shape))
    layer.set_weights([w.astype("float64")])
    got = _run(conv2d, cfg["integer"], x, w, stride=cfg["stride"], padding=cfg["padding"],
               dilation=cfg["dilation"], groups=cfg["groups"])
    _check(got, _keras_out(layer, x), cfg["integer"])
    _check_formulas("conv", cfg, got.shape[:2])
    assert got.shape[:2] == conv_output_shape(cfg["size"], cfg["kernel"], cfg["stride"],
                                              cfg["padding"], cfg["dilation"])


@_cases("conv1d", 50)
def test_conv1d_matches_keras_conv1d(cfg):
    rng = np.random.default_rng([SEED, 101, cfg["index"]])
    (k,), (s,), (d,) = cfg["kernel"], cfg["stride"], cfg["dilation"]
    layer = keras.layers.Conv1D(cfg["filters"], k, s, cfg["padding"], dilation_rate=d,
                                groups=cfg["groups"], use_bias=False, dtype="float64")
    layer.build((1, *cfg["size"], cfg["cin"]))
    x, w = _data(rng, cfg["integer"], (*cfg["size"], cfg["cin"]), tuple(layer.kernel.shape))
    layer.set_weights([w.astype("float64")])
    got = _run(conv1d, cfg["integer"], x, w, stride=s, padding=cfg["padding"], dilation=d,
               groups=cfg["groups"])
    _check(got, _keras_out(layer, x), cfg["integer"])
    _check_formulas("conv1d", cfg, got.shape[:1])


@_cases("depthwise", 50)
def test_depthwise_conv2d_matches_keras_depthwiseconv2d(cfg):
    rng = np.random.default_rng([SEED, 102, cfg["index"]])
    layer = keras.layers.DepthwiseConv2D(cfg["kernel"], cfg["stride"], cfg["padding"],
                                         depth_multiplier=cfg["mult"],
                                         dilation_rate=cfg["dilation"], use_bias=False,
                                         dtype="float64")
    layer.build((1, *cfg["size"], cfg["cin"]))
    x, w = _data(rng, cfg["integer"], (*cfg["size"], cfg["cin"]), (*cfg["kernel"], cfg["cin"], cfg["mult"]))
    assert tuple(layer.kernel.shape) == w.shape  # the (kh, kw, Cin, M) layout is Keras' own
    layer.set_weights([w.astype("float64")])
    got = _run(depthwise_conv2d, cfg["integer"], x, w, stride=cfg["stride"],
               padding=cfg["padding"], dilation=cfg["dilation"])
    assert got.shape[2] == cfg["cin"] * cfg["mult"]
    _check(got, _keras_out(layer, x), cfg["integer"])
    _check_formulas("depthwise", cfg, got.shape[:2])


@_cases("separable", 50)
def test_separable_conv2d_matches_keras_separableconv2d(cfg):
    rng = np.random.default_rng([SEED, 103, cfg["index"]])
    layer = keras.layers.SeparableConv2D(cfg["filters"], cfg["kernel"], cfg["stride"],
                                         cfg["padding"], depth_multiplier=cfg["mult"],
                                         dilation_rate=cfg["dilation"], use_bias=False,
                                         dtype="float64")
    layer.build((1, *cfg["size"], cfg["cin"]))
    channels = cfg["cin"] * cfg["mult"]
    x, dw, pw = _data(rng, cfg["integer"], (*cfg["size"], cfg["cin"]),
                      (*cfg["kernel"], cfg["cin"], cfg["mult"]), (1, 1, channels, cfg["filters"]))
    layer.set_weights([dw.astype("float64"), pw.astype("float64")])
    got = _run(separable_conv2d, cfg["integer"], x, dw, pw, stride=cfg["stride"],
               padding=cfg["padding"], dilation=cfg["dilation"])
    _check(got, _keras_out(layer, x), cfg["integer"])
    _check_formulas("separable", cfg, got.shape[:2])


def _dilated(w, dilation):
    """Write a dilated kernel out in full: zeros between its taps."""
    (dh, dw) = dilation
    full = np.zeros(((w.shape[0] - 1) * dh + 1, (w.shape[1] - 1) * dw + 1, *w.shape[2:]), w.dtype)
    full[::dh, ::dw] = w
    return full


@_cases("transpose", 120)
def test_conv2d_transpose_matches_keras_conv2dtranspose(cfg):
    """Sizes, cropping and output_padding as Keras; what TensorFlow refuses is a ValueError."""
    rng = np.random.default_rng([SEED, 104, cfg["index"]])
    dilated = max(cfg["dilation"]) > 1
    x, w = _data(rng, cfg["integer"], (*cfg["size"], cfg["cin"]),
                 (*cfg["kernel"], cfg["filters"], cfg["cin"]))
    w_keras = _dilated(w, cfg["dilation"]) if dilated else w
    layer = keras.layers.Conv2DTranspose(cfg["filters"], w_keras.shape[:2], cfg["stride"],
                                         cfg["padding"], output_padding=cfg["output_padding"],
                                         use_bias=False, dtype="float64")
    layer.build((1, *cfg["size"], cfg["cin"]))
    layer.set_weights([w_keras.astype("float64")])
    args = (cfg["stride"], cfg["padding"], cfg["output_padding"], cfg["dilation"])
    try:
        want = _keras_out(layer, x)
    except Exception as exc:  # TensorFlow refuses: the engine must refuse too, in one line
        with pytest.raises(ValueError, match="TensorFlow cannot compute this") as info:
            conv2d_transpose(x, w, *args)
        assert "\n" not in str(info.value), exc
        refused = 0
        for axis in (0, 1):
            extra = (cfg["output_padding"] or (None, None))[axis]
            try:
                family_output_formula("transpose", cfg["size"][axis], cfg["kernel"][axis],
                                      cfg["stride"][axis], cfg["padding"], cfg["dilation"][axis],
                                      extra)
            except ValueError:
                refused += 1
        assert refused, "the size formula must refuse what TensorFlow refuses"
        return
    got = _run(conv2d_transpose, cfg["integer"], x, w, stride=cfg["stride"],
               padding=cfg["padding"], output_padding=cfg["output_padding"],
               dilation=cfg["dilation"])
    _check(got, want, cfg["integer"])
    assert got.shape[:2] == transpose_output_shape(cfg["size"], cfg["kernel"], *args)
    _check_formulas("transpose", cfg, got.shape[:2])


def _param_configs(count=40):
    configs = []
    for index in range(count):
        rng = np.random.default_rng([SEED, 105, index])
        kind = KINDS[index % len(KINDS)]
        kernel = _ints(rng, 1, 5, 1 if kind == "conv1d" else 2)
        groups = int(rng.choice([1, 2, 3])) if kind in ("conv", "conv1d") else 1
        cfg = dict(kind=kind, kernel=kernel, cin=groups * int(rng.integers(1, 6)),
                   filters=groups * int(rng.integers(1, 6)), groups=groups,
                   mult=int(rng.integers(1, 4)) if kind in ("depthwise", "separable") else 1,
                   use_bias=bool(rng.random() < 0.5))
        configs.append(cfg)
    return configs


def _param_id(cfg):
    return (f"{cfg['kind']}-k{'x'.join(map(str, cfg['kernel']))}-c{cfg['cin']}-o{cfg['filters']}"
            f"-g{cfg['groups']}-m{cfg['mult']}-{'bias' if cfg['use_bias'] else 'nobias'}")


@pytest.mark.parametrize("cfg", _param_configs(), ids=_param_id)
def test_param_count_equals_keras_count_params(cfg):
    kind, bias = cfg["kind"], cfg["use_bias"]
    common = dict(use_bias=bias, dtype="float64")
    if kind == "conv":
        layer = keras.layers.Conv2D(cfg["filters"], cfg["kernel"], groups=cfg["groups"], **common)
    elif kind == "conv1d":
        layer = keras.layers.Conv1D(cfg["filters"], cfg["kernel"][0], groups=cfg["groups"],
                                    **common)
    elif kind == "depthwise":
        layer = keras.layers.DepthwiseConv2D(cfg["kernel"], depth_multiplier=cfg["mult"], **common)
    elif kind == "separable":
        layer = keras.layers.SeparableConv2D(cfg["filters"], cfg["kernel"],
                                             depth_multiplier=cfg["mult"], **common)
    else:
        layer = keras.layers.Conv2DTranspose(cfg["filters"], cfg["kernel"], **common)
    layer.build((1, 9, cfg["cin"]) if kind == "conv1d" else (1, 9, 9, cfg["cin"]))
    filters = None if kind == "depthwise" else cfg["filters"]
    got = conv_param_count(cfg["kernel"], cfg["cin"], filters, kind, bias,
                           depth_multiplier=cfg["mult"], groups=cfg["groups"])
    assert got == layer.count_params()
