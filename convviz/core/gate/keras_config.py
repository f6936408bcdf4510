"""The allow-list for a ``.keras`` model's ``config.json``: only what convviz can explain.

Keras' safe mode refuses Python lambdas but still lets a config name any function of Keras
itself (``keras.datasets.mnist.load_data`` with a file name, ``keras.config.set_floatx``...).
Here a config may hold only built-in layers of ``keras.layers`` (never ``Lambda`` or layers
that wrap foreign code), built-in activations, initializers, regularizers, constraints,
optimizers, losses and metrics, by class; no ``"class_name": "function"`` reference, no
registered custom object, no module outside those. A refusal names the layer.
"""

from __future__ import annotations

import functools
import inspect
import re

__all__ = ["config_problem"]

# layers whose whole point is running code that is not a Keras layer
_FOREIGN_LAYERS = frozenset({"Lambda", "TFSMLayer", "JaxLayer", "FlaxLayer", "TorchModuleWrapper", "Layer"})
_MODEL_CLASSES = {"keras": {"Sequential", "Functional", "Model", "DTypePolicy", "FloatDTypePolicy"},
                  "keras.src.models.functional": {"Functional"},
                  "keras.src.models.sequential": {"Sequential"},
                  "keras.src.models.model": {"Model"}}
_MODELS = frozenset({"Sequential", "Functional", "Model"})
_INTERNAL = frozenset({"__keras_tensor__", "__tuple__", "__numpy__", "__bytes__"})
_STRING_KINDS = (("activation", "keras.activations"), ("initializer", "keras.initializers"),
                 ("regularizer", "keras.regularizers"), ("constraint", "keras.constraints"))


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@functools.lru_cache(maxsize=1)
def _allowed() -> dict[str, frozenset[str]]:
    """``{module: class names}`` and ``{"<module> strings": names}`` from Keras' own public modules."""
    import keras

    modules = {"keras.layers": keras.layers, "keras.initializers": keras.initializers,
               "keras.regularizers": keras.regularizers, "keras.constraints": keras.constraints,
               "keras.optimizers": keras.optimizers, "keras.optimizers.schedules": keras.optimizers.schedules,
               "keras.losses": keras.losses, "keras.metrics": keras.metrics,
               "keras.activations": keras.activations}
    allowed = {}
    for module_name, module in modules.items():
        classes = {name for name, value in vars(module).items()
                   if inspect.isclass(value) and not name.startswith("_")}
        functions = {name for name, value in vars(module).items()
                     if inspect.isfunction(value) and not name.startswith("_")}
        if module_name == "keras.layers":
            classes -= _FOREIGN_LAYERS
        allowed[module_name] = frozenset(classes)
        allowed[f"{module_name} strings"] = frozenset(functions | {_snake(name) for name in classes}
                                                      | {name.lower() for name in classes})
    for module_name, classes in _MODEL_CLASSES.items():
        allowed[module_name] = allowed.get(module_name, frozenset()) | classes
    return allowed


def config_problem(config) -> str | None:
    """Why ``config`` (parsed ``config.json``) holds something convviz will not let Keras build, or None."""
    return _walk(config, "the model", _allowed(), 0)


def _walk(value, layer: str, allowed: dict, depth: int) -> str | None:
    if depth > 200:
        return "its configuration is nested too deeply"
    if isinstance(value, list):
        return next((problem for item in value
                     if (problem := _walk(item, layer, allowed, depth + 1))), None)
    if not isinstance(value, dict):
        return None
    if "class_name" in value:
        config = value.get("config")
        names_a_layer = value.get("module") == "keras.layers" or value.get("class_name") in _MODELS
        if names_a_layer and isinstance(config, dict) and isinstance(config.get("name"), str):
            layer = f"layer '{config['name']}'"
        problem = _object_problem(value, layer, allowed)
        if problem:
            return problem
    for key, item in value.items():
        problem = _string_problem(key, item, layer, allowed) if isinstance(item, str) else None
        problem = problem or _walk(item, layer, allowed, depth + 1)
        if problem:
            return problem
    return None


def _object_problem(value: dict, layer: str, allowed: dict) -> str | None:
    """Why one ``{"module", "class_name", "registered_name", ...}`` object is refused, or None."""
    class_name, module = value.get("class_name"), value.get("module")
    if not isinstance(class_name, str):
        return f"{layer} has a class name that is not text"
    if class_name == "Lambda":
        return (f"{layer} is a Lambda layer: it runs a function named in the file, which safe mode refuses "
                "here; convviz opens only built-in Keras layers")
    if class_name == "function" or class_name == "__lambda__":
        target = f"{module}.{value.get('config')}" if module else str(value.get("config"))
        return f"{layer} refers to the function {target[:80]}; convviz opens only built-in Keras objects"
    if class_name in _INTERNAL and module is None:
        return None
    registered = value.get("registered_name")
    if registered not in (None, class_name):
        return (f"{layer} uses a custom layer or object '{class_name[:60]}' (registered as "
                f"{str(registered)[:60]}) that convviz does not know; it opens only built-in Keras objects")
    if not isinstance(module, str) or module not in allowed:
        return (f"{layer} uses a custom layer or object '{class_name[:60]}' from {str(module)[:60]}, "
                "outside Keras' built-in layers and objects")
    if class_name not in allowed[module]:
        return f"{layer} uses a custom layer or object '{class_name[:60]}', which is not a built-in of {module}"
    return None


def _string_problem(key: str, text: str, layer: str, allowed: dict) -> str | None:
    """Why a string naming an activation, initializer, regularizer or constraint is refused, or None."""
    for kind, module in _STRING_KINDS:
        if key == kind or key.endswith("_" + kind):
            if text not in allowed[f"{module} strings"]:
                return f"{layer} names the {kind} '{text[:60]}', which is not a built-in of {module}"
    return None
