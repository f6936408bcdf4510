"""The activations Keras models use, in float64 numpy, by the names Keras serialises them with."""

from __future__ import annotations

import numpy as np


def _relu6(v):
    return np.clip(v, 0.0, 6.0)


def _sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def _softmax(v):
    shifted = np.exp(v - np.max(v))
    return shifted / shifted.sum()


FUNCTIONS = {
    "linear": lambda v: v,
    "relu": lambda v: np.maximum(v, 0.0),
    "relu6": _relu6,
    "sigmoid": _sigmoid,
    "hard_sigmoid": lambda v: _relu6(v + 3.0) / 6.0,
    "silu": lambda v: v * _sigmoid(v),
    "swish": lambda v: v * _sigmoid(v),
    "hard_silu": lambda v: v * _relu6(v + 3.0) / 6.0,
    "hard_swish": lambda v: v * _relu6(v + 3.0) / 6.0,
    "tanh": np.tanh,
    "softmax": _softmax,  # over the channels of one cell
    "elu": lambda v: np.where(v > 0, v, np.expm1(np.minimum(v, 0.0))),
    "leaky_relu": lambda v: np.where(v >= 0, v, 0.2 * v),
    "softplus": lambda v: np.logaddexp(v, 0.0),
    "exponential": np.exp,
}


def activation_name(function) -> str:
    """The name Keras serialises an activation function with ("relu", "silu", ...)."""
    import keras

    try:
        name = keras.activations.serialize(function)
    except Exception:  # an unusual callable: report it by its name
        name = getattr(function, "__name__", "custom")
    if isinstance(name, dict):
        name = name.get("config", name)
    return name if isinstance(name, str) else str(name)


def apply_activation(name: str, function, values: np.ndarray) -> np.ndarray:
    """``values`` (the pre-activations of every channel at one cell) through the activation.

    Known names are computed in float64; anything else goes through Keras' own function.
    """
    values = np.asarray(values, dtype=np.float64)
    known = FUNCTIONS.get(name)
    if known is not None:
        return np.asarray(known(values), dtype=np.float64)
    return np.asarray(function(values[None].astype(np.float32)), dtype=np.float64)[0]


def relu_layer(layer, values: np.ndarray) -> np.ndarray:
    """Keras' ``ReLU`` layer: max_value above, identity from threshold, negative_slope below."""
    values = np.asarray(values, dtype=np.float64)
    threshold = float(layer.threshold)
    out = np.where(values >= threshold, values, float(layer.negative_slope) * (values - threshold))
    if layer.max_value is not None:
        out = np.minimum(out, float(layer.max_value))
    return out


def relu_layer_name(layer) -> str:
    """How to call a ``ReLU`` layer in words: "relu", "relu6", or its parameters."""
    slope, threshold, top = float(layer.negative_slope), float(layer.threshold), layer.max_value
    if slope == 0 and threshold == 0:
        return "relu" if top is None else ("relu6" if float(top) == 6.0 else f"relu (max {float(top):g})")
    return f"relu (slope {slope:g}, threshold {threshold:g}, max {top})"
