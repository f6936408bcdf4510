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


def _filter_step_at(fmap, kernel, groups, stride, dilation, pads, out, stage, index, first=0):
    """Step ``index`` of the engine's FilterStep generator with these arguments, made directly."""
    from convviz.arithmetic._windows import compute_dtype, pad
    from convviz.arithmetic.family_steps import grouped_filter_step

    dtype = compute_dtype(fmap, kernel)
    padded = pad(fmap.astype(dtype, copy=False), pads)
    return grouped_filter_step(padded, kernel.astype(dtype, copy=False), groups, stride, dilation, pads,
                               out, fmap.shape[:2], stage, index, first)


def _conv_plan(x, w, stride, padding, dilation, groups):
    """(fmap, grouped kernel, groups, stride, dilation, pads, out) as ``conv2d_steps`` sets them up."""
    from convviz.arithmetic.conv import as_kernel, conv_geometry
    from convviz.arithmetic._windows import as_feature_map

    fmap, _ = as_feature_map(x)
    kernel, _ = as_kernel(w, fmap.shape[2], groups)
    return (fmap, kernel, groups, *conv_geometry(fmap, kernel, stride, padding, dilation))


def _depthwise_plan(x, w, stride, padding, dilation):
    from convviz.arithmetic.conv import conv_geometry
    from convviz.arithmetic._windows import as_feature_map
    from convviz.arithmetic.depthwise import as_depthwise_kernel, as_grouped_kernel

    fmap, _ = as_feature_map(x)
    kernel = as_grouped_kernel(as_depthwise_kernel(w, fmap.shape[2]))
    return (fmap, kernel, fmap.shape[2], *conv_geometry(fmap, kernel, stride, padding, dilation))


def _conv1d_step_at(x, w, s, index):
    from convviz.arithmetic.conv1d import as_kernel_1d, as_sequence, conv1d_geometry
    from convviz.arithmetic.family_steps import _as_1d

    seq, _ = as_sequence(x)
    kernel, _ = as_kernel_1d(w)
    stride, dilation, pads, _ = conv1d_geometry(seq.shape[0], kernel.shape[0], s.stride, s.padding, s.dilation)
    plan = _conv_plan(seq[None], kernel[None], (1, stride), ((0, 0), pads), (1, dilation), s.groups)
    return _as_1d(_filter_step_at(*plan, "conv", index))


def step_at(result, index: int):
    """Step ``index`` of ``result.conv_steps`` made directly (random access), or None for a kind
    whose steps depend on the ones before (transposed stamps keep a running sum).

    Equals the generator's step ``index``; scrubbing far into a long animation stays instant.
    """
    s = result.settings
    if s.kind == "conv":
        return _filter_step_at(*_conv_plan(result.x, result.weights, s.stride, s.padding, s.dilation, s.groups),
                               "conv", index)
    if s.kind == "conv1d":
        return _conv1d_step_at(result.x, result.weights, s, index)
    if s.kind not in ("depthwise", "separable"):
        return None
    plan = _depthwise_plan(result.x, result.weights, s.stride, s.padding, s.dilation)
    first = plan[1].shape[3] * plan[6][0] * plan[6][1]
    if index < first:
        return _filter_step_at(*plan, "depthwise", index)
    from convviz.arithmetic.depthwise import as_pointwise_kernel

    middle = result.middle
    point = as_pointwise_kernel(result.pointwise, middle.shape[2])
    no_pad = ((0, 0), (0, 0))
    return _filter_step_at(middle, point, 1, (1, 1), (1, 1), no_pad, plan[6], "pointwise", index - first, first)


def equivalent_step_at(transposed, dilation, index: int):
    """Step ``index`` of a transposed convolution's equivalent stride-1 convolution, made directly."""
    plan = _conv_plan(transposed.zero_inserted, transposed.flipped, 1, "valid", dilation, 1)
    return _filter_step_at(*plan, "conv", index)
