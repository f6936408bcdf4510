"""Saving and loading trained models as ``.keras`` files, safely.

Saving writes a temporary file in the destination folder and moves it into place with
``os.replace``, so an interrupted save never leaves a half-written model behind and never
damages the previous file. Loading uses Keras' ``safe_mode=True`` (no arbitrary code from
the file) and turns every way a file can be wrong into a one-line :class:`ModelFileError`.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from convviz.atomic import atomic_write
from convviz.core.errors import first_line
from convviz.core.gate import GateError, check_keras_file, check_path, safe_name
from convviz.training.errors import ModelFileError

__all__ = ["ModelFileError", "save_model", "load_model", "check_model_fits", "SUFFIX", "read_class_names",
           "class_names_path"]

SUFFIX = ".keras"
CLASSES_SUFFIX = ".classes.json"  # sidecar beside the model: Keras and other tools ignore it
MAX_CLASSES_BYTES = 2**20
MAX_CLASSES = 100_000


def check_save_path(path: str | os.PathLike) -> Path:
    """Return ``path`` as a Path if a model can be saved there, else ModelFileError.

    Call it before a long training run so a typo does not cost the run.
    """
    try:
        path = check_path(Path(path).expanduser())
    except GateError as exc:
        raise ModelFileError(str(exc)) from None
    if path.is_dir():  # first: "." or "models/" have no name to quote
        raise ModelFileError(f"{safe_name(path)}: is a folder; give a file name ending in {SUFFIX}")
    if path.suffix.lower() != SUFFIX:
        raise ModelFileError(f"{safe_name(path.name)}: models are saved as {SUFFIX} files; "
                             f"use a name ending in {SUFFIX}")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ModelFileError(f"{safe_name(path)}: the folder {safe_name(folder)} does not exist")
    if not os.access(folder, os.W_OK):
        raise ModelFileError(f"{safe_name(path)}: the folder {safe_name(folder)} is not writable")
    return path


def save_model(model, path: str | os.PathLike, class_names=None) -> Path:
    """Save ``model`` to the ``.keras`` file ``path`` atomically and return the path.

    ``class_names`` (one per output) go to a JSON sidecar (:func:`class_names_path`) that
    :func:`read_class_names` reads back. On any failure the previous file at ``path`` (if any)
    is untouched, no temporary file is left behind, and ModelFileError says why in one line.
    """
    path = check_save_path(path)
    try:
        atomic_write(path, model.save, suffix=SUFFIX)  # Keras insists on the .keras ending
        if class_names:
            text = json.dumps([str(name) for name in class_names], ensure_ascii=False)
            atomic_write(class_names_path(path), lambda temp: Path(temp).write_text(text, encoding="utf-8"))
    except Exception as exc:
        raise ModelFileError(f"{safe_name(path.name)}: could not save the model ({first_line(exc)})") from exc
    return path


def class_names_path(path: str | os.PathLike) -> Path:
    """Where the class names of the model at ``path`` are kept: ``model.keras`` → ``model.classes.json``."""
    path = Path(path)
    return path.with_name(path.stem + CLASSES_SUFFIX)


def read_class_names(path: str | os.PathLike) -> list[str] | None:
    """The class names saved beside the model at ``path``; None when there are none or they are unusable."""
    sidecar = class_names_path(path)
    try:
        if not sidecar.is_file() or sidecar.stat().st_size > MAX_CLASSES_BYTES:
            return None
        names = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # unreadable or not JSON: the model still loads, classes by number
        return None
    if not isinstance(names, list) or len(names) > MAX_CLASSES or not all(isinstance(n, str) for n in names):
        return None
    return [safe_name(name) for name in names]


def load_model(path: str | os.PathLike):
    """Load the Keras model in the ``.keras`` file ``path`` after the model gate, with ``safe_mode=True``.

    The gate (:func:`convviz.core.gate.check_keras_file`) refuses, before Keras opens the file,
    anything but built-in layers and objects, and sizes past the budgets. Raises ModelFileError
    (one line) for a missing, empty or non-Keras file, a refused one, or a model Keras cannot
    rebuild. Does not check that the model fits any data: see :func:`check_model_fits`.
    """
    path = _model_path(path)
    try:
        check_keras_file(path)
    except GateError as exc:
        raise ModelFileError(str(exc)) from None
    except OSError as exc:
        raise ModelFileError(f"{safe_name(path.name)}: cannot be read ({first_line(exc)})") from None
    import keras

    try:
        return keras.saving.load_model(path, safe_mode=True)
    except Exception as exc:  # Keras raises TypeError/ValueError/KeyError/OSError for bad files
        raise ModelFileError(f"{safe_name(path.name)}: Keras cannot load this model "
                             f"({safe_name(_load_problem(exc), 200)})") from None


def _model_path(path: str | os.PathLike) -> Path:
    """``path`` if it names an existing, non-empty ``.keras`` file, else ModelFileError."""
    try:
        path = check_path(Path(path).expanduser())
        if not path.exists():
            raise ModelFileError(f"{safe_name(path)}: no such file")
        if path.is_dir():
            raise ModelFileError(f"{safe_name(path)}: is a folder, not a {SUFFIX} model file")
        if path.suffix.lower() != SUFFIX:
            raise ModelFileError(f"{safe_name(path.name)}: not a {SUFFIX} file; convviz loads Keras 3 "
                                 f"{SUFFIX} models only")
        if path.stat().st_size == 0:
            raise ModelFileError(f"{safe_name(path.name)}: the file is empty")
    except GateError as exc:
        raise ModelFileError(str(exc)) from None
    except OSError as exc:
        raise ModelFileError(f"{safe_name(path)}: cannot be read ({first_line(exc)})") from None
    return path


def _load_problem(exc: Exception) -> str:
    """The gist of a Keras loading error (its messages run to pages of config)."""
    text = str(exc)
    unknown = re.search(r"Could not locate class '([^']+)'", text)
    if unknown:
        return f"it uses a custom layer or object '{unknown.group(1)}' that convviz does not know"
    if "Lambda" in text and "safe_mode" in text:
        return "it contains Python code (a Lambda layer), which safe mode refuses to run"
    return first_line(exc)


def check_model_fits(model, input_shape: tuple = (28, 28, 1), num_classes: int = 10, name: str = "model") -> None:
    """Raise ModelFileError unless ``model`` takes ``(N, *input_shape)`` and outputs ``num_classes`` values."""
    name = safe_name(name)
    try:
        model_input = tuple(model.input_shape[1:])
        model_output = tuple(model.output_shape[1:])
    except Exception as exc:
        raise ModelFileError(f"{name}: cannot tell the model's input and output shapes ({first_line(exc)})") from None
    wanted_in = tuple(input_shape)
    if len(model_input) != len(wanted_in) or any(
        have is not None and have != want for have, want in zip(model_input, wanted_in)
    ):
        raise ModelFileError(f"{name}: the model takes inputs of shape {model_input}, "
                             f"but the images are {wanted_in}")
    if model_output != (num_classes,):
        raise ModelFileError(f"{name}: the model outputs shape {model_output}; "
                             f"expected {num_classes} class probabilities")
