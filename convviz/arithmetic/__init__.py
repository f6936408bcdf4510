"""The arithmetic engine: every number convviz shows about a convolution, computed as TensorFlow does.

Pure numpy: no Qt, no TensorFlow. Sizes, strides and dilations take an int or an
``(h, w)`` pair; padding takes "valid", "same", an int, or
``((top, bottom), (left, right))``. Bad input raises ``ValueError`` with one
sentence a student can act on.
"""

from convviz.arithmetic.conv import conv2d
from convviz.arithmetic.formulas import (
    Formula,
    output_size_formula,
    pool_output_formula,
    pool_size_notes,
    same_padding_formula,
    same_padding_notes,
    same_size_notes,
)
from convviz.arithmetic.pool import POOL_MODES, pool2d, pool_mode
from convviz.arithmetic.receptive import (
    LayerGeometry,
    map_shapes,
    receptive_field_box,
    receptive_field_masks,
)
from convviz.arithmetic.sizes import (
    conv_output_shape,
    conv_output_size,
    describe_padding,
    effective_kernel,
    padding_2d,
    pool_output_shape,
    same_padding,
)
from convviz.arithmetic.steps import ConvStep, PoolStep, Window, conv_steps, pool_steps

__all__ = [
    "POOL_MODES",
    "ConvStep",
    "Formula",
    "LayerGeometry",
    "PoolStep",
    "Window",
    "conv2d",
    "conv_output_shape",
    "conv_output_size",
    "conv_steps",
    "describe_padding",
    "effective_kernel",
    "map_shapes",
    "output_size_formula",
    "padding_2d",
    "pool2d",
    "pool_mode",
    "pool_output_formula",
    "pool_output_shape",
    "pool_size_notes",
    "pool_steps",
    "receptive_field_box",
    "receptive_field_masks",
    "same_padding",
    "same_padding_formula",
    "same_padding_notes",
    "same_size_notes",
]
