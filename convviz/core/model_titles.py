"""The names people read for the training lab's model presets.

The keys (``seed``, ``seed-literal``) stay what the CLI, run folders and Keras model names use;
everything a person reads in the window or an exported image shows the title instead. The
presets (:class:`convviz.training.models.ModelPreset`) take their ``title`` from here, so the core's
run report can name a model without importing Keras code.
"""

from __future__ import annotations

__all__ = ["PRESET_TITLES", "model_title"]

PRESET_TITLES = {
    "seed": "Tutorial CNN (with pooling)",
    "seed-literal": "Tutorial code as printed (no pooling)",
}


def model_title(name: str) -> str:
    """The title of preset ``name`` or of the Keras model built from it (``seed_literal``);
    any other name (a custom or loaded model) is returned unchanged."""
    return PRESET_TITLES.get(name) or PRESET_TITLES.get(str(name).replace("_", "-"), name)
