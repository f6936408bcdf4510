"""Training a loaded ``.keras`` architecture: does it fit the data, and the model a run trains.

:func:`fit_problem` compares shapes only (no TensorFlow), so the Training tab can refuse a
model that cannot train on the chosen data before a run starts; the session asks again with
the data it loaded. :func:`build_loaded` runs where training runs (the trainer process or a
worker thread): it loads the file through :func:`convviz.training.storage.load_model` (the
security gate first), checks it, keeps its weights or gives it fresh initial ones, and
compiles it as the presets are compiled.
"""

from __future__ import annotations

from pathlib import Path

from convviz.core.gate import safe_name
from convviz.training.errors import ModelFitError

__all__ = ["fit_problem", "model_facts", "build_loaded", "reuse_key", "shape_text"]


def shape_text(shape) -> str:
    """``(32, 32, 3)`` as "32x32x3" (a free size as "any")."""
    return "x".join("any" if value is None else str(value) for value in shape)


def fit_problem(name: str, model_input, model_classes, data_input, data_classes) -> str:
    """One line saying why the model cannot train on the data ("" when it can).

    "model.keras takes 32x32x3 images with 10 classes; the data has 28x28x1 images"
    """
    model_input, data_input = tuple(model_input), tuple(data_input)
    shape_ok = len(model_input) == len(data_input) and all(
        have is None or have == want for have, want in zip(model_input, data_input))
    classes_ok = model_classes == data_classes
    if shape_ok and classes_ok:
        return ""
    data = f"the data has {shape_text(data_input)} images"
    if not classes_ok:
        data += f" with {data_classes} classes"
    return (f"{safe_name(name)} takes {shape_text(model_input)} images with {model_classes} classes; "
            f"{data}")


def _output_problem(model, name: str) -> str:
    """Why the model's output is not a softmax over classes ("" when it is)."""
    from convviz.training.model_graph import GraphError, read_graph

    shape = tuple(model.outputs[0].shape[1:]) if getattr(model, "outputs", None) else ()
    if len(shape) != 1:
        return f"{safe_name(name)}: its output has shape {shape}; convviz trains models whose output is one score per class"
    try:
        graph = read_graph(model)
    except GraphError as exc:
        return f"{safe_name(name)}: {exc}"
    layer = graph.nodes[graph.output].layer
    activation = getattr(getattr(layer, "activation", None), "__name__", "")
    if type(layer).__name__ == "Softmax" or activation == "softmax":
        return ""
    return (f"{safe_name(name)}: its output layer {safe_name(layer.name)} has no softmax "
            f"({activation or type(layer).__name__}); convviz trains models that end in class probabilities")


def model_facts(model, name: str) -> tuple[tuple, int, str]:
    """``(input shape, number of classes, why it cannot be trained or "")`` of a loaded model."""
    inputs = tuple(model.inputs[0].shape[1:]) if getattr(model, "inputs", None) else ()
    outputs = tuple(model.outputs[0].shape[1:]) if getattr(model, "outputs", None) else ()
    problem = ""
    if len(inputs) != 3:
        problem = f"{safe_name(name)}: it takes inputs of shape {inputs}; convviz trains models of images (H, W, C)"
    classes = int(outputs[-1]) if outputs and outputs[-1] is not None else 0
    return inputs, classes, problem or _output_problem(model, name)


def reuse_key(config) -> tuple:
    """What makes two runs of a loaded file the same model: the file as it is now and the weights choice."""
    path = Path(config.model_path)
    try:
        stat = path.stat()
        version = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        version = None  # load_model will say what is wrong
    return (str(path.resolve()), version, config.keep_weights)


def build_loaded(config, input_shape, num_classes: int):
    """Load ``config.model_path``, check it fits ``input_shape``/``num_classes``, reset or keep its
    weights and compile it; ModelFileError or ModelFitError (one line) when it cannot train."""
    import keras

    from convviz.training.models import compile_model
    from convviz.training.storage import load_model

    name = Path(config.model_path).name
    model = load_model(config.model_path)
    model_input, classes, problem = model_facts(model, name)
    problem = problem or fit_problem(name, model_input, classes, input_shape, num_classes)
    if problem:
        raise ModelFitError(problem)
    if not config.keep_weights:  # the same layers, each with fresh weights from its initializers
        fresh = keras.models.clone_model(model)
        fresh.build((None, *model_input))
        model = fresh
    compile_model(model, config.learning_rate)
    return model
