"""Training events as JSON records and back, generically (no Qt, no Keras, no convviz.training).

An event is any dataclass (those of :mod:`convviz.training.events`). ``to_record`` turns it into
a JSON-ready dict ``{"type": "<class name>", <field>: <value>, ...}``: nested dataclasses become
records too, tuples become lists and numpy arrays become ``{"ndarray": <base64 of the raw
bytes>, "dtype": "<float32>", "shape": [...]}`` (exact, compact). ``from_record`` reverses it
with a ``{name: class}`` mapping (``convviz.training.events.EVENT_TYPES``); a type it does not
know becomes a :class:`RunRecord`, whose attributes are the fields, so readers below the
training layer (the report) work on the same records. Lists come back as tuples, the way the
event classes hold them. Unknown keys are ignored when building a known class, so a newer
writer's extra fields do not break an older reader.
"""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Mapping
from types import SimpleNamespace

import numpy as np

__all__ = ["RunRecord", "from_record", "json_ready", "to_record"]


class RunRecord(SimpleNamespace):
    """A record of a type the reader was not given a class for: ``.type`` plus its fields."""


def to_record(event, **extra) -> dict:
    """Return ``event`` (a dataclass) as a JSON-ready dict; ``extra`` keys are added as they are."""
    if not dataclasses.is_dataclass(event):
        raise TypeError(f"only dataclass events can be recorded, not {type(event).__name__}")
    record = _encode(event)
    record.update({key: _encode(value) for key, value in extra.items()})
    return record


def _encode(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {field.name: _encode(getattr(value, field.name)) for field in dataclasses.fields(value)}
        return {"type": type(value).__name__, **fields}
    if isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        return {"ndarray": base64.b64encode(array.tobytes()).decode("ascii"),
                "dtype": array.dtype.str, "shape": list(array.shape)}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_encode(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _encode(item) for key, item in value.items()}
    return value


def from_record(record: dict, types: Mapping[str, type] | None = None):
    """Rebuild the event ``record`` describes, as the class ``types[record["type"]]`` (else a RunRecord)."""
    return _decode(record, types or {})


def _decode(value, types: Mapping[str, type]):
    if isinstance(value, list):
        return tuple(_decode(item, types) for item in value)
    if not isinstance(value, dict):
        return value
    if "ndarray" in value and "dtype" in value and "shape" in value:
        raw = base64.b64decode(value["ndarray"])
        return np.frombuffer(raw, dtype=np.dtype(value["dtype"])).reshape(value["shape"]).copy()
    fields = {key: _decode(item, types) for key, item in value.items() if key != "type"}
    if "type" not in value:
        return fields
    cls = types.get(value["type"])
    if cls is None:
        return RunRecord(type=value["type"], **fields)
    names = {field.name for field in dataclasses.fields(cls)}
    return cls(**{key: item for key, item in fields.items() if key in names})


def json_ready(value):
    """``value`` (a run's configuration) with every key a string and every leaf a JSON scalar or text."""
    if isinstance(value, dict):
        return {str(key): json_ready(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(item) for item in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
