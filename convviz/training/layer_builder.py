"""Build a Keras model from the layer editor's :class:`~convviz.arithmetic.layer_stack.LayerSpec` list."""

from __future__ import annotations

from typing import Sequence

from convviz.arithmetic.layer_stack import LayerSpec, stack_rows


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


def build_from_specs(specs: Sequence[LayerSpec], input_shape, name: str = "custom"):
    """Return an uncompiled ``keras.Sequential`` for ``specs`` on ``input_shape`` (H, W, C).

    The stack is checked first with the arithmetic engine, so an impossible one
    raises ValueError in words instead of a Keras error.
    """
    import keras

    stack_rows(specs, input_shape)
    model = keras.Sequential(name=name)
    model.add(keras.Input(tuple(input_shape)))
    for spec in specs:
        model.add(keras_layer(spec))
    return model
