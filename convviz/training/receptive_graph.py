"""Receptive fields through a graph: which cells of every map one cell depends on, over every path.

Every map is a grid: an (H, W, C) output is its H×W cells, anything else (a vector, a
scalar) counts as one cell. A cell's mask is pushed back node by node in reverse
topological order; a node with several inputs pushes it into each, and a map read by
several nodes collects the union. Sliding windows use the arithmetic engine's geometry
(:class:`~convviz.arithmetic.LayerGeometry`), so dilation gaps and padding are exact.
"""

from __future__ import annotations

import numpy as np

from convviz.arithmetic import LayerGeometry, padding_2d
from convviz.arithmetic.transpose import transpose_axis
from convviz.training.model_graph import MODEL_INPUT, ModelGraph

_SLIDING = {"Conv2D", "DepthwiseConv2D", "SeparableConv2D"}
_POOLING = {"MaxPooling2D", "AveragePooling2D"}
# Layers that compute each cell from the same cell of their input(s) (channels may mix).
POINTWISE = {
    "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "BatchNormalization",
    "LayerNormalization", "GroupNormalization", "Normalization", "Rescaling", "Dropout",
    "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "Identity",
    "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate",
}


def layer_geometry(layer) -> LayerGeometry:
    """Return the spatial geometry of a Keras layer in the arithmetic engine's terms.

    Layers the engine has no kind for (a transposed convolution, up-sampling) are
    "dense" here: a chain of these geometries over-covers them, never under-covers.
    """
    kind = type(layer).__name__
    if kind in _SLIDING:
        return LayerGeometry("conv", tuple(layer.kernel_size), tuple(layer.strides),
                             layer.padding, tuple(layer.dilation_rate), name=layer.name)
    if kind in _POOLING:
        return LayerGeometry("pool", tuple(layer.pool_size), tuple(layer.strides),
                             layer.padding, name=layer.name)
    if kind == "ZeroPadding2D":
        return LayerGeometry("pad", padding=tuple(tuple(p) for p in layer.padding), name=layer.name)
    if kind in POINTWISE:
        return LayerGeometry("pointwise", name=layer.name)
    return LayerGeometry("dense", name=layer.name)


def grid_shape(shape) -> tuple[int, int]:
    """The (H, W) grid of an output shape without batch axis: (1, 1) unless it is (H, W, C)."""
    return (int(shape[0]), int(shape[1])) if len(shape) == 3 else (1, 1)


def _transpose_mask(layer, out_mask: np.ndarray, in_shape) -> np.ndarray:
    """Input cells of a Conv2DTranspose whose footprint meets ``out_mask``."""
    result = np.zeros(in_shape, dtype=bool)
    pads = []
    for axis in range(2):
        out_padding = None if layer.output_padding is None else layer.output_padding[axis]
        _, crop = transpose_axis(in_shape[axis], layer.kernel_size[axis], layer.strides[axis],
                                 layer.padding, out_padding, layer.dilation_rate[axis])
        pads.append(crop)
    (sh, sw), (dh, dw) = layer.strides, layer.dilation_rate
    rows_in, cols_in = np.arange(in_shape[0]), np.arange(in_shape[1])
    for a in range(layer.kernel_size[0]):
        rows = rows_in * sh + a * dh - pads[0]
        row_ok = (rows >= 0) & (rows < out_mask.shape[0])
        for b in range(layer.kernel_size[1]):
            cols = cols_in * sw + b * dw - pads[1]
            col_ok = (cols >= 0) & (cols < out_mask.shape[1])
            hit = np.zeros(in_shape, dtype=bool)
            hit[np.ix_(row_ok, col_ok)] = out_mask[np.ix_(rows[row_ok], cols[col_ok])]
            result |= hit
    return result


def _upsampling_mask(layer, out_mask: np.ndarray, in_shape) -> np.ndarray:
    if layer.interpolation != "nearest":
        return np.full(in_shape, bool(out_mask.any()))
    sh, sw = layer.size
    rows = np.arange(out_mask.shape[0]) // sh
    cols = np.arange(out_mask.shape[1]) // sw
    result = np.zeros(in_shape, dtype=bool)
    r, c = np.nonzero(out_mask)
    result[rows[r], cols[c]] = True
    return result


def _cropping_mask(layer, out_mask: np.ndarray, in_shape) -> np.ndarray:
    (top, _), (left, _) = layer.cropping
    result = np.zeros(in_shape, dtype=bool)
    result[top : top + out_mask.shape[0], left : left + out_mask.shape[1]] = out_mask
    return result


def input_mask(layer, out_mask: np.ndarray, in_shape: tuple[int, int]) -> np.ndarray:
    """The cells of one input (an (H, W) grid) that the True cells of ``out_mask`` read."""
    kind = type(layer).__name__
    if not out_mask.any():
        return np.zeros(in_shape, dtype=bool)
    if kind == "Conv2DTranspose":
        return _transpose_mask(layer, out_mask, in_shape)
    if kind == "UpSampling2D":
        return _upsampling_mask(layer, out_mask, in_shape)
    if kind == "Cropping2D":
        return _cropping_mask(layer, out_mask, in_shape)
    geometry = layer_geometry(layer)
    if geometry.kind == "pointwise":
        if out_mask.shape == tuple(in_shape):
            return out_mask.copy()
        return np.full(in_shape, True)  # a broadcast input (e.g. 1×1 squeeze-excite scale)
    if geometry.kind == "pad":
        (top, _), (left, _) = padding_2d(in_shape, 1, 1, geometry.padding)
        return out_mask[top : top + in_shape[0], left : left + in_shape[1]].copy()
    return geometry.input_mask(out_mask, tuple(in_shape))


def receptive_fields(graph: ModelGraph, layer_index: int, cell) -> dict[int, np.ndarray]:
    """Masks of the cells that ``cell`` of node ``layer_index`` depends on, over every path.

    Returns ``{node index: (H, W) bool mask}`` for the node itself (only ``cell`` set),
    every node it depends on, and ``MODEL_INPUT`` (-1) for the model's input. Nodes that
    do not lead to it are absent. ``cell`` is ignored for an output without a grid.
    """
    node = graph.nodes[layer_index]
    shape = grid_shape(node.output_shape)
    row, col = (int(cell[0]), int(cell[1])) if len(node.output_shape) == 3 else (0, 0)
    if not (0 <= row < shape[0] and 0 <= col < shape[1]):
        raise ValueError(f"{node.name}: cell ({row}, {col}) is outside its {shape[0]}x{shape[1]} map")
    masks = {layer_index: np.zeros(shape, dtype=bool)}
    masks[layer_index][row, col] = True
    for index in range(layer_index, -1, -1):
        if index not in masks:
            continue
        current = graph.nodes[index]
        for source in current.sources:
            in_shape = grid_shape(graph.input_shape if source == MODEL_INPUT
                                  else graph.nodes[source].output_shape)
            mask = input_mask(current.layer, masks[index], in_shape)
            masks[source] = masks[source] | mask if source in masks else mask
    masks.setdefault(MODEL_INPUT, np.zeros(grid_shape(graph.input_shape), dtype=bool))
    return masks
