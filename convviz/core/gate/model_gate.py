"""The gate a ``.keras`` file passes before Keras sees it.

A ``.keras`` file is a zip of ``metadata.json``, ``config.json``, ``model.weights.h5`` and,
for a few layers, ``assets/``. Checked here, in order, without decompressing anything big:
the member names, count and sizes (compressed and declared, each and in total); the config,
bounded in size and allowed only what :mod:`convviz.core.gate.keras_config` lists; the
weights' shapes, from the HDF5 metadata alone (no links to other files, no external
storage); and the parameters the config would build, counted without allocating them.
"""

from __future__ import annotations

import copy
import io
import json
import math
import os
import posixpath
import zipfile
from pathlib import Path

from convviz.core.gate.budgets import Budgets, budgets, human_size, over_budget
from convviz.core.gate.errors import GateError, refuse
from convviz.core.gate.keras_config import config_problem
from convviz.core.gate.names import safe_name
from convviz.core.gate.zips import open_zip

__all__ = ["MAX_MEMBERS", "MAX_CONFIG_BYTES", "check_keras_file", "read_config"]

MAX_MEMBERS = 10_000
MAX_CONFIG_BYTES = 16 * 2**20  # a large Keras Applications model's config is about 1 MB
MAX_METADATA_BYTES = 2**20
_WEIGHTS = ("model.weights.h5", "model.weights.npz")
_KNOWN = frozenset({"metadata.json", "config.json", *_WEIGHTS})
_WHAT = "a Keras .keras model file"


def check_keras_file(path: str | os.PathLike, budget: Budgets | None = None,
                     count_parameters: bool = True) -> dict:
    """Check the ``.keras`` file ``path`` and return its parsed config; GateError (one line) if refused.

    ``count_parameters`` also builds the config's layers with Keras in a scope that allocates
    no weights, to refuse a config whose layers alone would pass the weights budget.
    """
    path, budget = Path(path), budget or budgets()
    with open(path, "rb") as handle:
        if handle.read(2) != b"PK":
            raise refuse(path, "not a Keras model file (a .keras file is a zip archive)")
    with open_zip(path, MAX_MEMBERS, _WHAT) as archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "config.json" not in names:
            raise refuse(path, "a zip archive without a Keras model configuration (config.json)")
        _check_members(path, infos, budget)
        config = read_config(archive, path)
        problem = config_problem(config)
        if problem:
            raise refuse(path, problem)
        if "model.weights.h5" in names:
            _check_h5_weights(archive, path, budget)
    if count_parameters:
        _check_built_parameters(config, path, budget)
    return config


def _check_members(path: Path, infos: list[zipfile.ZipInfo], budget: Budgets) -> None:
    """Names Keras wrote, sizes within the budgets (declared sizes bound what zipfile returns)."""
    assets, total = 0, 0
    for info in infos:
        name = info.filename
        clean = posixpath.normpath(name)
        if (name.startswith(("/", "\\")) or "\\" in name or ".." in name.split("/") or clean != name.rstrip("/")
                or any(ord(char) < 32 or ord(char) == 127 for char in name)):
            raise refuse(path, f"its zip archive holds a member named {safe_name(name)!s}, "
                               "which is not a name Keras writes")
        if name not in _KNOWN and not name.startswith("assets/"):
            raise refuse(path, f"its zip archive holds {safe_name(name)}, which is not part of a Keras model")
        total += info.file_size
        if name.startswith("assets/"):
            assets += info.file_size
    if assets > budget.asset_bytes:
        raise refuse(path, over_budget("its assets", assets, budget.asset_bytes, budget)
                     + "; Keras would write them to the temporary folder")
    sizes = {info.filename: info.file_size for info in infos}
    if sizes.get("metadata.json", 0) > MAX_METADATA_BYTES:
        raise refuse(path, f"its metadata.json is {human_size(sizes['metadata.json'])}; at most "
                           f"{human_size(MAX_METADATA_BYTES)} is read")
    weights = max(sizes.get(name, 0) for name in _WEIGHTS)
    if weights > budget.weight_bytes:
        raise refuse(path, over_budget("its weights", weights, budget.weight_bytes, budget))
    if total - assets > budget.memory:
        raise refuse(path, over_budget("its content", total - assets, budget.memory, budget))


def read_config(archive: zipfile.ZipFile, path: Path) -> dict:
    """``config.json`` parsed, read up to :data:`MAX_CONFIG_BYTES` and no further."""
    info = archive.getinfo("config.json")
    if info.file_size > MAX_CONFIG_BYTES:
        raise refuse(path, f"its config.json is {human_size(info.file_size)}; at most "
                           f"{human_size(MAX_CONFIG_BYTES)} is read")
    try:
        with archive.open(info) as member:
            raw = member.read(MAX_CONFIG_BYTES + 1)
        config = json.loads(raw)
    except RecursionError:
        raise refuse(path, "its config.json is nested too deeply") from None
    except (ValueError, zipfile.BadZipFile, EOFError, OSError) as exc:
        raise refuse(path, f"Keras cannot load this model: its config.json cannot be read "
                           f"({type(exc).__name__})") from None
    if not isinstance(config, dict):
        raise refuse(path, "its config.json does not describe a model")
    return config


def _check_h5_weights(archive: zipfile.ZipFile, path: Path, budget: Budgets) -> None:
    """Weight shapes from HDF5 metadata (no data read): within budget, all stored in the file itself."""
    import h5py

    total, problem = 0, None

    def visit(name, item):
        nonlocal total, problem
        if problem is None and isinstance(item, h5py.Dataset):
            if item.external or item.is_virtual:
                problem = f"its weights file reads {safe_name(name, 60)} from other files"
            else:
                total += math.prod(item.shape or ()) * item.dtype.itemsize

    try:
        with _weights_stream(archive) as member, h5py.File(member, "r") as weights:
            problem = _link_problem(weights, h5py)
            if problem is None:
                weights.visititems(visit)
    except GateError:
        raise
    except Exception as exc:  # OSError, KeyError, ValueError from a damaged HDF5 file
        raise refuse(path, f"its weights file (model.weights.h5) cannot be read ({type(exc).__name__})") from None
    if problem:
        raise refuse(path, problem)
    if total > budget.weight_bytes:
        raise refuse(path, over_budget("its weights", total, budget.weight_bytes, budget))


def _weights_stream(archive: zipfile.ZipFile):
    """The weights member as a seekable stream: read in place when stored, else into memory.

    HDF5 seeks back and forth; in a compressed member each backward seek decompresses from
    the start again. Its declared size was checked against the weights budget already.
    """
    info = archive.getinfo("model.weights.h5")
    if info.compress_type == zipfile.ZIP_STORED:
        return archive.open(info)
    with archive.open(info) as member:
        return io.BytesIO(member.read(info.file_size))


def _link_problem(weights, h5py) -> str | None:
    """Why the HDF5 file links outside itself (soft or external links), or None."""
    found = []

    def visit(name, link):
        if not found and not isinstance(link, h5py.HardLink):
            found.append(f"its weights file links {safe_name(name, 60)} elsewhere (a {type(link).__name__})")

    weights.visititems_links(visit)
    return found[0] if found else None


def _check_built_parameters(config: dict, path: Path, budget: Budgets) -> None:
    """Build the (already allowed) config without allocating weights and count its parameters."""
    import keras

    try:
        from keras.src.backend.common import global_state
        from keras.src.backend.common.stateless_scope import StatelessScope
    except ImportError:  # another Keras: the weights file's shapes were still checked
        return
    pending = list(global_state.get_global_attribute("uninitialized_variables", [], set_to_default=True))
    try:
        with StatelessScope(initialize_variables=False):
            # a deep copy (Keras pops keys as it reads), without compile_config: no optimizer slots
            layers_only = copy.deepcopy({key: value for key, value in config.items() if key != "compile_config"})
            model = keras.saving.deserialize_keras_object(layers_only, safe_mode=True)
            count = int(model.count_params()) if model.built else 0
            sizes = [math.prod(v.shape) * _itemsize(v.dtype) for v in model.weights]
    except Exception:  # Keras cannot build it: keras.saving.load_model will say why
        return
    finally:
        # variables made in the scope wait there to be initialised by the next scope: drop ours
        global_state.set_global_attribute("uninitialized_variables", pending)
    needed = max(sum(sizes), count * 4)
    if needed > budget.weight_bytes:
        raise refuse(path, over_budget(f"its layers ({count:,} parameters)", needed, budget.weight_bytes, budget))


def _itemsize(dtype) -> int:
    import numpy as np

    try:
        return np.dtype(str(dtype)).itemsize
    except TypeError:
        return 4
