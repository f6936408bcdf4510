"""Shapes and parameter counts of a stack of CNN layers, as Keras would build it, without Keras.

The layer editor shows these numbers while the user edits; the training code
builds the real Keras model from the same :class:`LayerSpec` list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from convviz.arithmetic._validate import as_pair, as_size, padding_keyword
from convviz.arithmetic.receptive import LayerGeometry
from convviz.arithmetic.sizes import conv_output_shape, pool_output_shape

LAYER_KINDS = ("Conv2D", "MaxPooling2D", "AveragePooling2D", "Dropout", "Flatten", "Dense")


@dataclass(frozen=True)
class LayerSpec:
    """One layer of an editable stack; fields a kind does not use are ignored."""

    kind: str
    filters: int = 32
    kernel: object = 3  # Conv2D kernel or pooling window: int or (h, w)
    stride: object = None  # None: 1 for Conv2D, the window for pooling (Keras defaults)
    padding: str = "valid"
    dilation: object = 1
    units: int = 64
    rate: float = 0.25
    activation: str = "relu"


@dataclass(frozen=True)
class LayerRow:
    """What one layer produces: its output shape (without the batch axis) and parameter count."""

    kind: str
    output_shape: tuple
    params: int


def _describe_map(shape: tuple, number: int) -> str:
    size = f"{shape[0]}x{shape[1]}"
    return f"the {size} input" if number == 1 else f"the {size} map that layer {number - 1} produces"


def _spatial_row(spec: LayerSpec, shape: tuple, number: int) -> LayerRow:
    if len(shape) != 3:
        raise ValueError(
            f"layer {number} ({spec.kind}) needs an image-shaped input, but layer {number - 1} "
            "produces a flat vector: put it before the Flatten"
        )
    kernel = as_pair(spec.kernel, "kernel size" if spec.kind == "Conv2D" else "pool size")
    if padding_keyword(spec.padding) is None:
        raise ValueError(f"layer {number} ({spec.kind}): padding must be 'valid' or 'same'")
    if spec.kind == "Conv2D":
        filters = as_size(spec.filters, "filters")
        stride = as_pair(1 if spec.stride is None else spec.stride, "stride")
        dilation = as_pair(spec.dilation, "dilation")
        if max(stride) > 1 and max(dilation) > 1:
            raise ValueError(
                f"layer {number} (Conv2D): Keras does not allow a stride above 1 together with "
                "a dilation above 1"
            )
        fits = lambda: conv_output_shape(shape, kernel, stride, spec.padding, dilation)  # noqa: E731
        params = kernel[0] * kernel[1] * shape[2] * filters + filters
        channels = filters
    else:
        stride = kernel if spec.stride is None else as_pair(spec.stride, "pool stride")
        fits = lambda: pool_output_shape(shape, kernel, stride, spec.padding)  # noqa: E731
        params, channels = 0, shape[2]
    try:
        height, width = fits()
    except ValueError:
        what = "kernel" if spec.kind == "Conv2D" else "pool window"
        size = str(kernel[0]) if kernel[0] == kernel[1] else f"{kernel[0]}x{kernel[1]}"
        raise ValueError(
            f"layer {number} ({spec.kind}): {what} {size} does not fit {_describe_map(shape, number)}"
        ) from None
    return LayerRow(spec.kind, (height, width, channels), params)


def stack_rows(specs: Sequence[LayerSpec], input_shape) -> list[LayerRow]:
    """Return one :class:`LayerRow` per layer of ``specs`` applied to ``input_shape`` (H, W, C).

    Raises ValueError, in words and naming the layer, for a stack Keras could not build.
    """
    shape = tuple(as_size(v, "input size") for v in input_shape)
    rows = []
    for number, spec in enumerate(specs, start=1):
        if spec.kind not in LAYER_KINDS:
            raise ValueError(f"layer {number}: unknown layer type {spec.kind!r}")
        if spec.kind in ("Conv2D", "MaxPooling2D", "AveragePooling2D"):
            row = _spatial_row(spec, shape, number)
        elif spec.kind == "Dropout":
            if not 0 <= float(spec.rate) < 1:
                raise ValueError(f"layer {number} (Dropout): the rate must be in [0, 1), got {spec.rate}")
            row = LayerRow(spec.kind, shape, 0)
        elif spec.kind == "Flatten":
            size = 1
            for value in shape:
                size *= value
            row = LayerRow(spec.kind, (size,), 0)
        else:  # Dense
            if len(shape) != 1:
                raise ValueError(
                    f"layer {number} (Dense): it needs a flat input; add a Flatten before it"
                )
            units = as_size(spec.units, "units")
            row = LayerRow(spec.kind, (units,), shape[0] * units + units)
        rows.append(row)
        shape = row.output_shape
    return rows


def stack_geometry(specs: Sequence[LayerSpec]) -> list[LayerGeometry]:
    """Return the spatial geometry of each layer, for receptive fields."""
    chain = []
    for spec in specs:
        if spec.kind == "Conv2D":
            stride = 1 if spec.stride is None else spec.stride
            chain.append(LayerGeometry("conv", spec.kernel, stride, spec.padding, spec.dilation))
        elif spec.kind in ("MaxPooling2D", "AveragePooling2D"):
            stride = spec.kernel if spec.stride is None else spec.stride
            chain.append(LayerGeometry("pool", spec.kernel, stride, spec.padding))
        elif spec.kind == "Dropout":
            chain.append(LayerGeometry("pointwise"))
        else:
            chain.append(LayerGeometry("dense"))
    return chain
