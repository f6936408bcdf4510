"""What the studio shows, computed without Qt: settings in, engine steps out.

:class:`StudioSettings` is every knob of the studio; :func:`compute_studio` turns
it into a :class:`StudioResult` holding the input map, the engine's conv and pool
steps and any error message. The window, ``convviz animate`` and the inspector's
hand-off (:mod:`convviz.core.replay_request`) share them; no Qt, no TensorFlow.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from convviz.arithmetic import conv2d, conv_output_shape, conv_steps, padding_2d, pool2d, pool_steps
from convviz.arithmetic.presets import SEED_INPUT, SEED_KERNEL, checker_input, random_input

MAX_INPUT_SIZE = 64
MIN_INPUT_SIZE = 3
MNIST_SIZE = 28
INPUT_KINDS = {
    "seed": "Conv-arithmetic example (5×5)",
    "digit": "MNIST digit (28×28)",
    "random": "Random integers 0–9",
    "checker": "Checkerboard",
    "draw": "Draw your own",
    "model": "Feature map from a model",
    "photo": "Colour photo",
}
KINDS = {
    "conv": "Convolution (Conv2D)",
    "depthwise": "Depthwise (DepthwiseConv2D)",
    "separable": "Depthwise separable (SeparableConv2D)",
    "transposed": "Transposed (Conv2DTranspose)",
    "conv1d": "1-D convolution (Conv1D)",
}
CUSTOM = "custom"  # the kernel preset name of a kernel edited by hand or sent from a model


@dataclass(frozen=True, eq=False)
class StudioSettings:
    """Every setting of the studio; ``padding`` is "valid", "same" or ((top, bottom), (left, right)).

    ``kernel`` is the 2-D kernel chosen (preset or edited). With ``kind`` "conv", one input
    channel, one filter, one group and no explicit ``weights``, bias or activation, the studio
    is the classic single-channel one (2-D maps, :class:`~convviz.arithmetic.ConvStep`).
    Otherwise it works in depth (:mod:`convviz.core.studio_depth`): ``in_channels`` (1-8 in
    the controls; a model map brings its own), ``filters``, ``groups`` (conv, conv1d),
    ``depth_multiplier`` (depthwise, separable), ``output_padding`` (transposed; None is
    Keras' default), ``stride``/``dilation`` as an int or (h, w), ``use_bias`` with ``bias``
    (one value per output channel; None is zeros), ``activation`` ("none", "relu", "tanh",
    "sigmoid"), and ``weights`` (+ ``pointwise`` for separable) in the engine's layout for the
    kind; None generates them from ``kernel`` (:mod:`convviz.core.studio_weights`).
    """

    input_kind: str = "seed"
    input_size: int = 7
    digit_index: int = 0
    random_seed: int = 0
    canvas: np.ndarray | None = None
    model_map: np.ndarray | None = None  # a real feature map sent from the inspector
    caption: str = ""  # names the model map (which layer, which channel)
    model_note: str = ""  # how the model finishes the cell from this channel's share
    kernel: np.ndarray = field(default_factory=SEED_KERNEL.copy)
    kernel_preset: str = "seed"
    stride: int = 1
    padding: object = "valid"
    dilation: int = 1
    pool: bool = False
    pool_mode: str = "max"
    pool_size: int = 2
    pool_stride: int | None = None
    pool_padding: str = "valid"
    kind: str = "conv"
    in_channels: int = 1
    filters: int = 1
    groups: int = 1
    depth_multiplier: int = 1
    output_padding: object = None
    use_bias: bool = False
    bias: object = None
    activation: str = "none"
    weights: np.ndarray | None = None
    pointwise: np.ndarray | None = None
    photo: str = "chelsea"

    @property
    def is_classic(self) -> bool:
        """True for the single-channel, single-filter convolution the classic studio draws."""
        return (self.kind == "conv" and self.in_channels == 1 and self.filters == 1 and self.groups == 1
                and self.weights is None and not self.use_bias and self.activation == "none"
                and (self.input_kind != "model" or self.model_map is None or np.ndim(self.model_map) == 2))

    @property
    def effective_pool_stride(self) -> int:
        """The pooling stride in use: ``pool_stride``, or the pool size when it is None (as in Keras)."""
        return self.pool_stride or self.pool_size

    def with_(self, **changes) -> "StudioSettings":
        """Return a copy with ``changes`` applied."""
        return replace(self, **changes)


def digit_count() -> int:
    """Number of bundled MNIST digits."""
    from convviz.assets import bundled_digits

    return len(bundled_digits()[1])


def build_input(settings: StudioSettings) -> tuple[np.ndarray, str]:
    """Return the input map (int64, 2-D) for ``settings`` and a caption naming it."""
    kind = settings.input_kind
    if kind == "seed":
        return SEED_INPUT.copy(), "conv-arithmetic example"
    if kind == "digit":
        from convviz.assets import bundled_digits

        images, labels = bundled_digits()
        index = settings.digit_index
        if not 0 <= index < len(images):
            raise ValueError(f"digit index must be between 0 and {len(images) - 1}, got {index}")
        return images[index].astype(np.int64), f"MNIST digit #{index}, label {int(labels[index])}"
    size = settings.input_size
    if not MIN_INPUT_SIZE <= size <= MAX_INPUT_SIZE:
        raise ValueError(f"input size must be between {MIN_INPUT_SIZE} and {MAX_INPUT_SIZE}, got {size}")
    if kind == "random":
        return random_input(size, settings.random_seed), f"random integers (seed {settings.random_seed})"
    if kind == "checker":
        return checker_input(size), "checkerboard"
    if kind == "model":
        if settings.model_map is None:
            raise ValueError(
                "no feature map yet: in the Inspector, click a cell of a convolution or pooling "
                "layer and choose Replay in Studio"
            )
        return np.array(settings.model_map), settings.caption or "feature map from a model"
    if kind == "draw":
        canvas = settings.canvas
        if canvas is None or canvas.shape[:2] != (size, size):
            canvas = np.zeros((size, size), dtype=np.int64)
        return np.array(canvas), "your drawing"
    if kind == "photo":
        from convviz.core.studio_inputs import photo_volume

        grey, _ = photo_volume(settings.photo, size, 1)
        return grey[:, :, 0], f"{settings.photo} photo, grey, {size}×{size}"
    raise ValueError(f"unknown input {kind!r}: choose one of {', '.join(INPUT_KINDS)}")


def build_volume(settings: StudioSettings) -> tuple[np.ndarray, str, tuple[str, ...]]:
    """Return the input volume (H, W, C), or (L, C) for conv1d, its caption and each channel's name.

    C is ``in_channels`` (a model map keeps its own); see :mod:`convviz.core.studio_inputs`.
    """
    from convviz.core.studio_inputs import MAX_CHANNELS, as_sequence, generated_volume, photo_volume

    if settings.input_kind != "model" and not 1 <= settings.in_channels <= MAX_CHANNELS:
        raise ValueError(f"input channels must be between 1 and {MAX_CHANNELS}, got {settings.in_channels}")
    base, caption = build_input(settings)
    if settings.input_kind == "photo":
        volume, names = photo_volume(settings.photo, base.shape[0], settings.in_channels)
        caption = f"{settings.photo} photo {base.shape[0]}×{base.shape[1]}: {', '.join(names)}"
    else:
        volume, names = generated_volume(settings, base)
    if settings.kind == "conv1d":
        sequence, row = as_sequence(volume)
        return sequence, f"row {row} of the {caption}", names
    return volume, caption, names


class LazySteps(Sequence):
    """The engine's step generator as a list that computes steps only when first asked for.

    A 64×64 map has 4096 steps: generating them all takes ~60-150 ms, so a settings
    change would stall; stepping forward needs one more step (~20 µs) at a time.
    """

    def __init__(self, steps: Iterator, length: int) -> None:
        self._steps, self._length, self._done = steps, length, []

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError(f"step {index} out of range (0-{self._length - 1})")
        while len(self._done) <= index:
            self._done.append(next(self._steps))
        return self._done[index]


@dataclass(eq=False)
class StudioResult:
    """The engine's answer for one set of settings: maps, steps, numbers, and what went wrong.

    Classic settings (``settings.is_classic``): ``x`` and ``output`` are 2-D and
    ``conv_steps`` holds :class:`~convviz.arithmetic.ConvStep`, then ``pool_steps``.
    In depth: ``x`` is (H, W, C) (conv1d: (L, C)), ``output`` the engine's full output
    without bias (H', W', Cout) (conv1d: (L', Cout)), ``activated`` the layer's output
    (bias, activation), ``weights`` (+ ``pointwise``) and ``bias`` what the steps use,
    ``middle`` the separable depthwise stage's output, ``pads`` the padding (conv1d: the
    second pair; transposed: none), ``stages`` each stage with its step
    count in play order, and ``conv_steps`` the kind's steps (FilterStep, Conv1DStep or
    TransposeStep); ``transposed`` holds both views of a transposed convolution.
    ``numbers`` (both modes) has the formulas, parameters and multiply-adds.
    """

    settings: StudioSettings
    x: np.ndarray
    caption: str
    pads: tuple = ((0, 0), (0, 0))
    output: np.ndarray | None = None
    conv_steps: list = field(default_factory=list)
    pool_pads: tuple = ((0, 0), (0, 0))
    pooled: np.ndarray | None = None
    pool_steps: list = field(default_factory=list)
    error: str | None = None
    pool_error: str | None = None
    channel_names: tuple = ()
    stages: tuple = ()
    weights: np.ndarray | None = None
    pointwise: np.ndarray | None = None
    bias: np.ndarray | None = None
    middle: np.ndarray | None = None
    activated: np.ndarray | None = None
    numbers: object = None  # StudioNumbers
    transposed: object = None  # TransposeViews

    @property
    def in_depth(self) -> bool:
        """True when these are depth settings (volumes, filters, a kind), not the classic 2-D ones."""
        return not self.settings.is_classic

    @property
    def volume(self) -> np.ndarray:
        """The input with a channel axis: (H, W, C), or (L, C) for conv1d."""
        return self.x[:, :, None] if self.x.ndim == 2 and not self.in_depth else self.x

    @property
    def n_steps(self) -> int:
        """Total steps: every kernel position (every filter), then every pooling window."""
        return len(self.conv_steps) + len(self.pool_steps)

    def step(self, index: int):
        """Return ``(stage, step)`` for a global step index.

        Classic: ("conv", ConvStep) or ("pool", PoolStep). In depth: ("conv", FilterStep or
        Conv1DStep), ("depthwise" | "pointwise", FilterStep) or ("transpose", TransposeStep).
        """
        if index < len(self.conv_steps):
            if not self.in_depth:
                return "conv", self.conv_steps[index]
            step = self.conv_steps[index]
            return getattr(step, "stage", "transpose" if self.settings.kind == "transposed" else "conv"), step
        return "pool", self.pool_steps[index - len(self.conv_steps)]

    def step_index(self, kind: str, row: int, col: int | None = None, filter: int = 0) -> int:
        """The global step index that computes cell (``row``, ``col``) of ``kind``'s output.

        Classic: ``kind`` is "conv" or "pool". In depth: a stage name of ``stages`` and the
        output channel ``filter``; conv1d takes ``row`` as the position (``col`` None); for
        "transpose" (``row``, ``col``) is the input cell that stamps. ValueError if none.
        """
        if self.in_depth:
            from convviz.core.studio_steps import depth_step_index

            return depth_step_index(self, kind, row, col, filter)
        stage = {"conv": self.output, "pool": self.pooled}.get(kind)
        if stage is None:
            raise ValueError(f"there is no {kind} stage in these settings" if kind in ("conv", "pool")
                             else f"unknown step kind {kind!r}: use conv or pool")
        height, width = stage.shape
        col = 0 if col is None else col
        if not (0 <= row < height and 0 <= col < width):
            raise ValueError(f"cell ({row}, {col}) is outside the {height}×{width} {kind} output")
        offset = len(self.conv_steps) if kind == "pool" else 0
        return offset + row * width + col

    @property
    def kernel(self) -> np.ndarray:
        """The kernel these steps use (classic: 2-D; in depth: the full weight tensor)."""
        return self.weights if self.weights is not None else self.settings.kernel


def _classic_numbers(result: StudioResult):
    from convviz.core.studio_numbers import studio_numbers

    try:
        return studio_numbers(result.settings, result.x.shape, result.settings.kernel.shape, 1, 1)
    except ValueError:
        return None


def compute_studio(settings: StudioSettings) -> StudioResult:
    """Run the engine for ``settings``; a ValueError becomes ``error`` (or ``pool_error``), never raised."""
    if not settings.is_classic:
        return _compute_in_depth(settings)
    try:
        x, caption = build_input(settings)
    except ValueError as exc:
        return StudioResult(settings, np.zeros((MIN_INPUT_SIZE, MIN_INPUT_SIZE), np.int64), "", error=str(exc))
    result = StudioResult(settings, x, caption)
    s = settings
    try:
        result.pads = padding_2d(x.shape, s.kernel.shape, s.stride, s.padding, s.dilation)
        conv_output_shape(x.shape, s.kernel.shape, s.stride, s.padding, s.dilation)
        result.output = conv2d(x, s.kernel, s.stride, s.padding, s.dilation)
        result.conv_steps = LazySteps(conv_steps(x, s.kernel, s.stride, s.padding, s.dilation),
                                      result.output.size)
    except ValueError as exc:
        result.error = str(exc)
        return result
    result.numbers = _classic_numbers(result)
    if s.pool:
        try:
            result.pool_pads = padding_2d(result.output.shape, s.pool_size, s.effective_pool_stride,
                                          s.pool_padding)
            result.pooled = pool2d(result.output, s.pool_size, s.effective_pool_stride, s.pool_padding, s.pool_mode)
            result.pool_steps = LazySteps(pool_steps(result.output, s.pool_size, s.effective_pool_stride,
                                                     s.pool_padding, s.pool_mode), result.pooled.size)
        except ValueError as exc:
            result.pool_error = f"pooling: {exc}"
    return result


def _compute_in_depth(settings: StudioSettings) -> StudioResult:
    from convviz.core.studio_depth import compute_depth

    try:
        x, caption, names = build_volume(settings)
    except ValueError as exc:
        return StudioResult(settings, np.zeros((MIN_INPUT_SIZE, MIN_INPUT_SIZE, 1), np.int64), "", error=str(exc))
    result = StudioResult(settings, x, caption, channel_names=names)
    try:
        compute_depth(result, LazySteps)
    except ValueError as exc:
        result.error, result.conv_steps = str(exc), []
        return result
    if settings.pool:
        result.pool_error = "pooling: the studio pools the single-channel convolution only, for now"
    return result
