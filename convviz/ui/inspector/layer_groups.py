"""Layers grouped into blocks by their names, the way Keras Applications name them.

``conv2_block1_1_conv`` (ResNet), ``block_3_expand`` (MobileNetV2), ``block2a_se_excite``
(EfficientNet) and ``block1_conv1`` (VGG) each open a block; runs of other layers before
the first block are the stem, after the last the head. A model with no such names
(Sequential, a flat model) is one group.
"""

from __future__ import annotations

import re

_BLOCK = re.compile(r"^(.*?block_?\d+[a-z]?)(?:_|$)", re.IGNORECASE)
_NAMED = re.compile(r"^(expanded_conv|stem|top)(?:_|$)", re.IGNORECASE)
ALL_LAYERS = "all layers"


def block_of(name: str) -> str | None:
    """The block a layer name belongs to, or None when the name does not say."""
    match = _BLOCK.match(name) or _NAMED.match(name)
    return match.group(1) if match else None


def group_layers(names: list[str]) -> list[tuple[str, list[int]]]:
    """``[(group name, [layer indices])]`` in model order; one group when no name says its block."""
    blocks = [block_of(name) for name in names]
    if not any(blocks):
        return [(ALL_LAYERS, list(range(len(names))))] if names else []
    groups: list[tuple[str, list[int]]] = []
    for index, block in enumerate(blocks):
        key = block or ""
        if groups and groups[-1][0] == key:
            groups[-1][1].append(index)
        else:
            groups.append((key, [index]))
    named = []
    for position, (key, indices) in enumerate(groups):
        if not key:  # a run of layers whose names name no block
            key = "stem" if position == 0 else "head" if position == len(groups) - 1 else names[indices[0]]
        named.append((key, indices))
    return named
