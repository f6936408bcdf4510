"""Parameter counts of the model presets without TensorFlow.

A preset's body is a function of ``keras.layers``; handing it a recorder instead turns the
calls into :class:`LayerSpec` rows that the arithmetic engine counts exactly as Keras does.
"""

from __future__ import annotations

from functools import lru_cache

from convviz.arithmetic.layer_stack import LayerSpec, stack_rows
from convviz.training.models import MODEL_PRESETS


class _LayerRecorder:
    """Stands in for ``keras.layers``: each layer call appends a spec and passes its input on."""

    def __init__(self) -> None:
        self.specs: list[LayerSpec] = []

    def _layer(self, spec: LayerSpec):
        self.specs.append(spec)
        return lambda tensor: tensor

    def Conv2D(self, filters, kernel_size, strides=1, padding="valid", dilation_rate=1, **_):  # noqa: N802
        return self._layer(LayerSpec("Conv2D", filters=filters, kernel=kernel_size, stride=strides,
                                     padding=padding, dilation=dilation_rate))

    def MaxPooling2D(self, pool_size=(2, 2), strides=None, padding="valid", **_):  # noqa: N802
        return self._layer(LayerSpec("MaxPooling2D", kernel=pool_size, stride=strides, padding=padding))

    def Flatten(self, **_):  # noqa: N802
        return self._layer(LayerSpec("Flatten"))

    def Dense(self, units, **_):  # noqa: N802
        return self._layer(LayerSpec("Dense", units=units))


@lru_cache(maxsize=None)
def preset_param_count(name: str, input_shape: tuple = (28, 28, 1), num_classes: int = 10) -> int | None:
    """Total parameters of preset ``name`` (with its softmax head); None if it cannot be traced."""
    recorder = _LayerRecorder()
    try:
        MODEL_PRESETS[name].body(recorder, None)
        recorder.Dense(num_classes)
        return sum(row.params for row in stack_rows(recorder.specs, input_shape))
    except (AttributeError, TypeError, ValueError, KeyError):  # a layer kind the recorder lacks
        return None
