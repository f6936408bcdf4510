"""Where a cell's step is in the studio's play order, for the kinds in depth (no Qt).

The order is the engine's: every position of filter 0, then filter 1, … within a stage,
and the stages one after another (:attr:`StudioResult.stages`).
"""

from __future__ import annotations


def _stage_grid(result, kind: str):
    """(rows, cols) of the cells one filter of stage ``kind`` walks, and its channel count."""
    s = result.settings
    if kind == "transpose":
        return result.x.shape[:2], result.output.shape[2]
    if kind == "depthwise" and s.kind == "separable":
        return result.middle.shape[:2], result.middle.shape[2]
    if s.kind == "conv1d":
        return (1, result.output.shape[0]), result.output.shape[1]
    return result.output.shape[:2], result.output.shape[2]


def depth_step_index(result, kind: str, row: int, col: int | None, filter: int) -> int:
    """See :meth:`StudioResult.step_index`: the global index of a cell's step in depth."""
    names = [name for name, _ in result.stages]
    if kind not in names:
        raise ValueError(f"there is no {kind} stage in these settings: use {' or '.join(names) or 'none'}")
    if result.settings.kind == "conv1d":
        if col is not None:
            raise ValueError("a 1-D convolution's cell is one position: pass the row only")
        row, col = 0, row
    elif col is None:
        raise ValueError(f"a {kind} cell needs a row and a column")
    (height, width), channels = _stage_grid(result, kind)
    if not (0 <= row < height and 0 <= col < width):
        what = f"position {col} is outside the {width}-long" if result.settings.kind == "conv1d" else \
            f"cell ({row}, {col}) is outside the {height}×{width}"
        raise ValueError(f"{what} {kind} {'input' if kind == 'transpose' else 'output'}")
    if not 0 <= filter < channels:
        raise ValueError(f"filter {filter} does not exist: the {kind} stage has {channels} (0-{channels - 1})")
    offset = sum(count for name, count in result.stages[:names.index(kind)])
    return offset + (filter * height + row) * width + col
