"""Why the model decided: Grad-CAM over a conv layer and the gradient×input map.

Both differentiate the class score: the logit before a final softmax when the model ends in
one (a Dense or Activation layer with softmax, or a Softmax layer), else the model's output.
Gradients come from ``tf.GradientTape`` through the model's own layers (see
:func:`~convviz.training.model_graph.run_graph`).
"""

from __future__ import annotations

import numpy as np

from convviz.training.activation_math import activation_name
from convviz.training.model_graph import ModelGraph, run_graph

CONV_KINDS = ("Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose")


def class_scores(graph: ModelGraph, values: list):
    """The pre-softmax scores (batch, classes) of the model's output, from every node's value."""
    import keras

    node = graph.nodes[graph.output]
    kind = type(node.layer).__name__
    if kind == "Softmax" or (kind == "Activation" and activation_name(node.layer.activation) == "softmax"):
        return values[node.sources[0]]
    if kind == "Dense" and activation_name(node.layer.activation) == "softmax":
        x = values[node.sources[0]]
        logits = keras.ops.matmul(x, node.layer.kernel)
        return logits + node.layer.bias if node.layer.use_bias else logits
    return values[graph.output]


def default_cam_layer(graph: ModelGraph) -> int:
    """The last conv-like layer with a spatial output; ValueError if the model has none."""
    for node in reversed(graph.nodes):
        if node.kind in CONV_KINDS and len(node.output_shape) == 3:
            return node.index
    raise ValueError("this model has no convolution layer with a spatial output for Grad-CAM")


def _batch(image, input_shape):
    return np.asarray(image, dtype=np.float32).reshape((1, *input_shape))


def grad_cam(graph: ModelGraph, image, class_index: int | None = None,
             layer_index: int | None = None) -> np.ndarray:
    """Grad-CAM of ``class_index`` (default: the predicted class) on layer ``layer_index``.

    Channel weights are the gradients of the class score averaged over the layer's map;
    the weighted sum of the maps, through ReLU, is resized (bilinear) to the input and
    divided by its maximum. Returns an (H, W) float32 map in [0, 1] (all zero when no
    cell speaks for the class).
    """
    import tensorflow as tf

    index = default_cam_layer(graph) if layer_index is None else int(layer_index)
    node = graph.nodes[index]
    if len(node.output_shape) != 3:
        raise ValueError(f"{node.name}: Grad-CAM needs a layer with a spatial output (height, width, channels)")
    x = tf.constant(_batch(image, graph.input_shape))
    with tf.GradientTape() as tape:
        values = run_graph(graph, x)
        scores = class_scores(graph, values)
        chosen = int(np.argmax(scores[0])) if class_index is None else int(class_index)
        score = scores[0, chosen]
    maps = values[index]
    grads = tape.gradient(score, maps)
    weights = tf.reduce_mean(grads[0], axis=(0, 1))
    cam = tf.nn.relu(tf.reduce_sum(maps[0] * weights, axis=-1))
    cam = tf.image.resize(cam[:, :, None], graph.input_shape[:2], method="bilinear")[:, :, 0]
    cam = np.asarray(cam, dtype=np.float32)
    top = float(cam.max())
    return cam / top if top > 0 else np.zeros_like(cam)


def gradient_x_input(graph: ModelGraph, image, class_index: int | None = None) -> np.ndarray:
    """The gradient of the class score times the input, summed over channels: an (H, W) map.

    Signed: positive where the pixel pushed the score up. ``class_index`` defaults to the
    predicted class.
    """
    import tensorflow as tf

    x = tf.constant(_batch(image, graph.input_shape))
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = class_scores(graph, run_graph(graph, x))
        chosen = int(np.argmax(scores[0])) if class_index is None else int(class_index)
        score = scores[0, chosen]
    grads = tape.gradient(score, x)
    return np.asarray(tf.reduce_sum(grads[0] * x[0], axis=-1), dtype=np.float32)
