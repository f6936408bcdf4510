"""The arithmetic engine: every number convviz shows about a convolution, computed as TensorFlow does.

Convolution comes in the kinds of the Keras layers: grouped ``conv2d`` (Conv2D),
``depthwise_conv2d``, ``separable_conv2d``, ``conv2d_transpose`` and ``conv1d``,
each with its animation steps, size formulas, and parameter and multiply-add counts.

Pure numpy: no Qt, no TensorFlow. Sizes, strides and dilations take an int or an
``(h, w)`` pair; padding takes "valid", "same", an int, or
``((top, bottom), (left, right))``. Bad input raises ``ValueError`` with one
sentence a student can act on.
"""

from convviz.arithmetic.conv import conv2d
from convviz.arithmetic.conv1d import conv1d
from convviz.arithmetic.depthwise import depthwise_conv2d, separable_conv2d
from convviz.arithmetic.family_formulas import (
    conv1d_output_formula,
    family_output_formula,
    output_channels_formula,
    transpose_output_formula,
)
from convviz.arithmetic.family_steps import (
    Conv1DStep,
    FilterStep,
    TransposeStep,
    conv1d_steps,
    conv2d_steps,
    depthwise_steps,
    separable_steps,
    transpose_steps,
)
from convviz.arithmetic.formulas import (
    Formula,
    output_size_formula,
    pool_output_formula,
    pool_size_notes,
    same_padding_formula,
    same_padding_notes,
    same_size_notes,
)
from convviz.arithmetic.params import KINDS, conv_mult_adds, conv_param_count
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
from convviz.arithmetic.transpose import (
    conv2d_transpose,
    transpose_as_convolution,
    transpose_output_shape,
)

__all__ = [
    "KINDS",
    "POOL_MODES",
    "Conv1DStep",
    "ConvStep",
    "FilterStep",
    "Formula",
    "LayerGeometry",
    "PoolStep",
    "TransposeStep",
    "Window",
    "conv1d",
    "conv1d_output_formula",
    "conv1d_steps",
    "conv2d",
    "conv2d_steps",
    "conv2d_transpose",
    "conv_mult_adds",
    "conv_output_shape",
    "conv_output_size",
    "conv_param_count",
    "conv_steps",
    "depthwise_conv2d",
    "depthwise_steps",
    "describe_padding",
    "effective_kernel",
    "family_output_formula",
    "map_shapes",
    "output_channels_formula",
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
    "separable_conv2d",
    "separable_steps",
    "transpose_as_convolution",
    "transpose_output_formula",
    "transpose_output_shape",
    "transpose_steps",
]
