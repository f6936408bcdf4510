"""Build a Keras model from a list of :class:`~convviz.arithmetic.layer_stack.LayerSpec`.

The one build path: the presets and the layer editor's custom stacks both come through
:func:`build_from_specs`, so a layer's settings and its saved name are decided here only.
"""

from __future__ import annotations

from typing import Sequence

from convviz.arithmetic.layer_stack import LayerSpec, stack_rows

INPUT_NAME = "image"
OUTPUT_NAME = "probabilities"

_SHORT_NAMES = {"Conv2D": "conv", "MaxPooling2D": "pool", "AveragePooling2D": "avgpool",
                "Dropout": "dropout", "Flatten": "flatten", "Dense": "dense"}


def keras_layer(spec: LayerSpec, name: str | None = None):
    """Return the Keras layer a spec describes."""
    from keras import layers

    if spec.kind == "Conv2D":
        return layers.Conv2D(
            spec.filters, spec.kernel, strides=1 if spec.stride is None else spec.stride,
            padding=spec.padding, dilation_rate=spec.dilation,
            activation=spec.activation or None, name=name,
        )
    if spec.kind in ("MaxPooling2D", "AveragePooling2D"):
        cls = layers.MaxPooling2D if spec.kind == "MaxPooling2D" else layers.AveragePooling2D
        return cls(spec.kernel, strides=spec.stride, padding=spec.padding, name=name)
    if spec.kind == "Dropout":
        return layers.Dropout(spec.rate, name=name)
    if spec.kind == "Flatten":
        return layers.Flatten(name=name)
    if spec.kind == "Dense":
        return layers.Dense(spec.units, activation=spec.activation or None, name=name)
    raise ValueError(f"unknown layer type {spec.kind!r}")


def layer_names(specs: Sequence[LayerSpec]) -> list[str]:
    """The saved names of ``specs``' layers: conv1, pool1, conv2, ..., flatten, dense1, and
    "probabilities" for the last one (the classifier's output)."""
    counts: dict[str, int] = {}
    names = []
    for spec in specs:
        short = _SHORT_NAMES[spec.kind]
        counts[short] = counts.get(short, 0) + 1
        names.append(short if short == "flatten" and counts[short] == 1 else f"{short}{counts[short]}")
    if names:
        names[-1] = OUTPUT_NAME
    return names


def build_from_specs(specs: Sequence[LayerSpec], input_shape, name: str = "custom"):
    """Return an uncompiled Keras model of ``specs`` on images ``input_shape`` (H, W, C).

    The input is named "image" and the layers as :func:`layer_names` says. The stack is
    checked first with the arithmetic engine, so an impossible one raises ValueError in
    words instead of a Keras error.
    """
    import keras

    stack_rows(specs, input_shape)
    inputs = keras.Input(shape=tuple(input_shape), name=INPUT_NAME)
    x = inputs
    for spec, layer_name in zip(specs, layer_names(specs)):
        x = keras_layer(spec, name=layer_name)(x)
    return keras.Model(inputs, x, name=name)
