"""The studio's state: settings, the engine's steps for them, and the current step. No widgets.

Views read :attr:`StudioState.result` and :attr:`StudioState.index`; they change
settings through the methods here. ``changed`` fires after every recomputation,
``stepChanged`` whenever the current step may have moved.
"""

from __future__ import annotations

import numpy as np
from PyQt6.QtCore import QObject, pyqtSignal

from convviz.arithmetic.presets import KERNEL_PRESETS, kernel_preset, preset_sizes, resize_kernel, resize_map
from convviz.core.replay_request import StudioRequest, WholeCellRequest
from convviz.core.studio_steps import equivalent_step_at, step_at
from convviz.core.studio import CUSTOM, MNIST_SIZE, StudioResult, StudioSettings, build_input, compute_studio


class StudioState(QObject):
    """Holds :class:`StudioSettings`, the computed :class:`StudioResult` and the current step."""

    changed = pyqtSignal()
    stepChanged = pyqtSignal(int)

    def __init__(self, settings: StudioSettings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings or StudioSettings()
        self.result: StudioResult = compute_studio(self.settings)
        self.index = 0
        self._kernel_draws = 0  # each pick of the random preset draws a new kernel
        self.transpose_as_conv = False  # transposed kind: play the equivalent stride-1 convolution
        self.tutorial_layer: int | None = None  # which tutorial Conv2D is loaded, if one is
        self._undo: list[tuple] = []  # (kernel, preset) before each kernel edit
        self._redo: list[tuple] = []

    # ----- settings -----
    def update(self, **changes) -> None:
        """Apply setting ``changes`` and recompute; the current step is kept while it exists."""
        self.settings = self.settings.with_(**changes)
        self.recompute()

    def recompute(self) -> None:
        """Run the engine for the current settings and tell the views."""
        self.result = compute_studio(self.settings)
        self.index = min(self.index, max(self.n_steps - 1, 0))
        self.changed.emit()
        self.stepChanged.emit(self.index)

    def set_input_kind(self, kind: str) -> None:
        """Switch the input; switching to "draw" starts from a copy of the map on show."""
        changes: dict = {"input_kind": kind}
        if kind == "draw" and self.settings.input_kind != "draw":
            x = self.result.x
            changes["input_size"] = x.shape[0]
            changes["canvas"] = np.array(x, dtype=np.int64)
        elif kind == "digit":
            changes["input_size"] = MNIST_SIZE
        elif kind == "model" and self.settings.model_map is not None:
            changes["input_size"] = self.settings.model_map.shape[0]
        self.update(**changes)

    def show_request(self, request: StudioRequest) -> None:
        """Animate a real feature map sent by the inspector and go to the step of its cell."""
        self.settings = request.settings(self.settings).with_(
            kind="conv", in_channels=1, filters=1, groups=1, weights=None, pointwise=None, use_bias=False,
            bias=None, activation="none", depth_multiplier=1, output_padding=None)
        self.index, self.tutorial_layer = 0, None
        self.recompute()
        if self.result.error is None and self.result.pool_error is None:
            self.set_step(self.result.step_index(*request.cell))

    def show_whole_cell(self, request: WholeCellRequest) -> None:
        """Animate a whole Conv2D cell sent by the inspector (every input channel) and land on it."""
        self.settings = request.settings(self.settings)
        self.index, self.transpose_as_conv, self.tutorial_layer = 0, False, None
        self.recompute()
        if self.result.error is None:
            self.set_step(self.result.step_index(*request.cell))

    def set_depth(self, **changes) -> None:
        """Change a setting of the layer in depth; weights sent from a model no longer fit, so they go."""
        if any(key in changes for key in ("kind", "in_channels", "filters", "groups", "depth_multiplier")):
            changes.setdefault("weights", None)
            changes.setdefault("pointwise", None)
            changes.setdefault("bias", None)
        self.tutorial_layer = None
        self.update(**changes)

    def set_kind(self, kind: str) -> None:
        """Switch the layer kind; settings that kind does not take go back to their neutral values."""
        changes: dict = {"kind": kind}
        if kind not in ("conv", "conv1d"):
            changes["groups"] = 1
        if kind not in ("depthwise", "separable"):
            changes["depth_multiplier"] = 1
        if kind != "transposed":
            changes["output_padding"] = None
        if kind != "conv":
            changes["pool"] = False
        if kind != "conv1d" and self.settings.padding == "causal":
            changes["padding"] = "same"  # causal padding exists for sequences only
        if kind == "conv1d":  # a sequence has one axis: per-axis pairs collapse to their column value
            changes["stride"] = self.settings.stride[1] if isinstance(self.settings.stride, tuple) else self.settings.stride
            changes["dilation"] = (self.settings.dilation[1] if isinstance(self.settings.dilation, tuple)
                                   else self.settings.dilation)
        self.set_depth(**changes)

    def load_tutorial_layer(self, index: int) -> None:
        """Load Conv2D ``index`` of the tutorial network (its shapes, 3×3 kernels, bias and ReLU)."""
        from convviz.core.studio_tutorial import tutorial_model_layers

        layer = tutorial_model_layers(self.settings.kernel_preset if self.settings.kernel_preset != CUSTOM
                                      else "sobel-x")[index]
        self.settings, self.index = layer.settings, 0
        self.tutorial_layer = index
        self.recompute()

    def set_transpose_as_conv(self, on: bool) -> None:
        """Play a transposed convolution as its stamps (False) or as the equivalent convolution (True)."""
        if on != self.transpose_as_conv:
            self.transpose_as_conv, self.index = bool(on), 0
            self.changed.emit()
            self.stepChanged.emit(self.index)

    @property
    def equivalent(self) -> bool:
        """True when the steps played are the transposed kind's equivalent stride-1 convolution."""
        return self.transpose_as_conv and self.result.transposed is not None and self.result.error is None

    def filter_layout(self) -> tuple[str, int, int, int]:
        """(stage, first step, cells per filter, filters) of the stage the current step is in."""
        if self.equivalent:
            filters = self.result.output.shape[2]
            return "equivalent", 0, self.n_steps // filters, filters
        offset = 0
        for stage, count in self.result.stages:
            if self.index < offset + count or stage == self.result.stages[-1][0]:
                out = self.result.middle if stage == "depthwise" and self.result.middle is not None \
                    else self.result.output
                filters = out.shape[-1]
                return stage, offset, count // filters, filters
            offset += count
        return "conv", 0, self.n_steps, 1

    def jump_to_filter(self, flt: int) -> None:
        """Go to the same position of filter ``flt`` in the current stage."""
        if not self.result.in_depth or self.n_steps == 0:
            return
        _, offset, cells, filters = self.filter_layout()
        flt = min(max(int(flt), 0), filters - 1)
        self.set_step(offset + flt * cells + (self.index - offset) % cells)

    def set_input_size(self, size: int) -> None:
        """Change the input side (random, checker and drawn inputs)."""
        changes: dict = {"input_size": size}
        if self.settings.input_kind == "draw" and self.settings.canvas is not None:
            changes["canvas"] = resize_map(self.settings.canvas, size)
        self.update(**changes)

    def paint_cell(self, row: int, col: int, value: int) -> None:
        """Set one input cell of a drawn input (switching to "draw" first if needed)."""
        if self.settings.input_kind != "draw":
            self.set_input_kind("draw")
        canvas = build_input(self.settings)[0]
        if canvas[row, col] == value:
            return
        canvas[row, col] = value
        self.update(canvas=canvas)

    def clear_canvas(self) -> None:
        """Empty the drawn input."""
        size = self.settings.input_size
        self.update(input_kind="draw", canvas=np.zeros((size, size), np.int64))

    def apply_preset(self, name: str, size=None) -> str | None:
        """Load kernel preset ``name`` (at ``size`` or the current size).

        A preset that exists only at some sizes snaps to the nearest; the returned
        text says so (None when nothing needed saying).
        """
        if name == CUSTOM:
            self.update(kernel_preset=CUSTOM)
            return None
        kh, kw = size or self.settings.kernel.shape
        note = None
        sizes = preset_sizes(name)
        if sizes is not None and (kh != kw or kh not in sizes):
            snapped = min(sizes, key=lambda s: (abs(s - max(kh, kw)), s))
            note = f"{KERNEL_PRESETS[name]} exists at {' and '.join(f'{s}×{s}' for s in sizes)}: kernel set to {snapped}×{snapped}."
            kh = kw = snapped
        if name == "random" and size is None:  # picked (again) from the menu: new values
            self._kernel_draws += 1
        seed = self._kernel_draws if name == "random" else 0
        self._set_kernel(kernel_preset(name, (kh, kw), seed), name)
        return note

    def set_kernel_size(self, kh: int, kw: int) -> str | None:
        """Resize the kernel: the preset is rebuilt at the new size, or the values are cropped/padded."""
        name = self.settings.kernel_preset
        sizes = preset_sizes(name) if name != CUSTOM else ()
        if sizes is None or (sizes and kh == kw and kh in sizes):
            return self.apply_preset(name, (kh, kw))
        self._set_kernel(resize_kernel(self.settings.kernel, (kh, kw)), CUSTOM)
        if name != CUSTOM:
            return f"{KERNEL_PRESETS[name]} does not exist at {kh}×{kw}: its values were kept around the centre (custom kernel)."
        return None

    def set_kernel_value(self, row: int, col: int, value: float) -> None:
        """Edit one kernel cell; the kernel becomes a custom one."""
        kernel = self.settings.kernel
        if float(value).is_integer() and kernel.dtype.kind in "iu":
            kernel = kernel.copy()
            value = int(value)
        else:
            kernel = kernel.astype(np.float64)
        kernel[row, col] = value
        self._set_kernel(kernel, CUSTOM)

    # ----- kernel history -----
    def _set_kernel(self, kernel: np.ndarray, preset: str) -> None:
        """Change the kernel, remembering the one before for :meth:`undo_kernel`."""
        before = (self.settings.kernel, self.settings.kernel_preset)
        if preset != before[1] or not np.array_equal(kernel, before[0]):
            self._undo.append(before)
            self._redo.clear()
        self.update(kernel=kernel, kernel_preset=preset)

    def _swap_kernel(self, source: list, target: list) -> bool:
        if not source:
            return False
        target.append((self.settings.kernel, self.settings.kernel_preset))
        kernel, preset = source.pop()
        self.update(kernel=kernel, kernel_preset=preset)
        return True

    def undo_kernel(self) -> bool:
        """Go back to the kernel before the last edit (preset, size or value); False when there is none."""
        return self._swap_kernel(self._undo, self._redo)

    def redo_kernel(self) -> bool:
        """Redo the kernel edit last undone; False when there is none."""
        return self._swap_kernel(self._redo, self._undo)

    # ----- steps -----
    @property
    def n_steps(self) -> int:
        """Number of steps (conv positions, then pooling windows; or the equivalent convolution's)."""
        if self.equivalent:
            return len(self.result.transposed.equivalent_steps)
        return self.result.n_steps

    def current(self):
        """``(kind, step)`` of the current step, or ``(None, None)`` when there is none."""
        if self.n_steps == 0:
            return None, None
        if self.equivalent:
            return "equivalent", equivalent_step_at(self.result.transposed, self.settings.dilation, self.index)
        if self.result.in_depth and self.result.error is None:
            step = step_at(self.result, self.index)  # random access: scrubbing far makes one step, not all before
            if step is not None:
                return getattr(step, "stage", "conv"), step
        return self.result.step(self.index)

    def set_step(self, index: int) -> None:
        """Go to step ``index`` (clamped to the existing steps)."""
        index = min(max(int(index), 0), max(self.n_steps - 1, 0))
        if index != self.index:
            self.index = index
            self.stepChanged.emit(index)

    def step_by(self, delta: int) -> None:
        """Move ``delta`` steps forward (or back)."""
        self.set_step(self.index + delta)

    @property
    def at_end(self) -> bool:
        """True on the last step (or when there are none)."""
        return self.index >= self.n_steps - 1
