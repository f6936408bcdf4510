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
}
CUSTOM = "custom"  # the kernel preset name of a kernel edited by hand or sent from a model


@dataclass(frozen=True, eq=False)
class StudioSettings:
    """Every setting of the studio; ``padding`` is "valid", "same" or ((top, bottom), (left, right))."""

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
        if canvas is None or canvas.shape != (size, size):
            canvas = np.zeros((size, size), dtype=np.int64)
        return np.array(canvas), "your drawing"
    raise ValueError(f"unknown input {kind!r}: choose one of {', '.join(INPUT_KINDS)}")


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
    """The engine's answer for one set of settings: maps, steps, and what went wrong."""

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

    @property
    def n_steps(self) -> int:
        """Total steps: every kernel position, then every pooling window."""
        return len(self.conv_steps) + len(self.pool_steps)

    def step(self, index: int):
        """Return ``("conv", ConvStep)`` or ``("pool", PoolStep)`` for a global step index."""
        if index < len(self.conv_steps):
            return "conv", self.conv_steps[index]
        return "pool", self.pool_steps[index - len(self.conv_steps)]

    def step_index(self, kind: str, row: int, col: int) -> int:
        """The global step index that computes output cell (``row``, ``col``) of ``kind``
        ("conv": the convolution's output, "pool": the pooled map); ValueError if there is none."""
        stage = {"conv": self.output, "pool": self.pooled}.get(kind)
        if stage is None:
            raise ValueError(f"there is no {kind} stage in these settings" if kind in ("conv", "pool")
                             else f"unknown step kind {kind!r}: use conv or pool")
        height, width = stage.shape
        if not (0 <= row < height and 0 <= col < width):
            raise ValueError(f"cell ({row}, {col}) is outside the {height}×{width} {kind} output")
        offset = len(self.conv_steps) if kind == "pool" else 0
        return offset + row * width + col

    @property
    def kernel(self) -> np.ndarray:
        """The kernel these steps use."""
        return self.settings.kernel


def compute_studio(settings: StudioSettings) -> StudioResult:
    """Run the engine for ``settings``; a ValueError becomes ``error`` (or ``pool_error``), never raised."""
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
