"""The studio's settings in words: a file-name slug and a caption line (no Qt)."""

from __future__ import annotations

from convviz.arithmetic.presets import KERNEL_PRESETS
from convviz.core.studio import MNIST_SIZE, StudioSettings


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and ``noun`` agreeing: ``1 kernel position``, ``9 kernel positions``."""
    return f"{count:,} {noun if count == 1 else many or noun + 's'}"


def padding_sides(pads) -> str:
    """Explicit padding ``((top, bottom), (left, right))`` with its sides named: ``top 1, bottom 0, left 0, right 2``.

    Equal sides say so once: ``1 on every side``.
    """
    (t, b), (l, r) = pads
    if t == b == l == r:
        return f"{t} on every side"
    return f"top {t}, bottom {b}, left {l}, right {r}"


def _axes(value) -> str:
    """An int or an (h, w) pair as text: ``2`` or ``2x1``."""
    if isinstance(value, (tuple, list)):
        return str(value[0]) if value[0] == value[1] else f"{value[0]}x{value[1]}"
    return str(value)


def _depth_slug(s: StudioSettings) -> str:
    slug = f"{s.kind}_c{s.in_channels}"
    slug += f"m{s.depth_multiplier}" if s.kind in ("depthwise", "separable") and s.depth_multiplier != 1 else ""
    slug += f"f{s.filters}" if s.kind != "depthwise" else ""
    slug += f"g{s.groups}" if s.groups != 1 else ""
    slug += f"op{_axes(s.output_padding)}" if s.output_padding is not None else ""
    return slug + ("_" + s.activation if s.activation != "none" else "") + "_"


def settings_slug(settings: StudioSettings) -> str:
    """A short file-name-safe description, e.g. ``seed5_k3x3_s1_valid_d1_maxpool2``.

    Settings in depth start with the kind and channels, e.g. ``separable_c3f8_photo16_…``.
    """
    s = settings
    kind = {"seed": "seed", "digit": f"digit{s.digit_index}"}.get(s.input_kind, s.input_kind)
    size = {"seed": 5, "digit": MNIST_SIZE}.get(s.input_kind, s.input_size)
    if s.input_kind == "model" and s.model_map is not None:
        size = s.model_map.shape[0]
    if isinstance(s.padding, str):
        pad = s.padding
    else:
        (t, b), (l, r) = s.padding
        pad = f"pad{t}" if t == b == l == r else f"pad{t}-{b}-{l}-{r}"
    kh, kw = s.kernel.shape[:2]
    slug = f"{kind}{size}_k{kh}x{kw}-{s.kernel_preset}_s{_axes(s.stride)}_{pad}_d{_axes(s.dilation)}"
    if not s.is_classic:
        slug = _depth_slug(s) + slug
    if s.pool:
        slug += f"_{s.pool_mode}pool{s.pool_size}"
        if s.effective_pool_stride != s.pool_size:
            slug += f"s{s.effective_pool_stride}"
    return slug


def _depth_text(s: StudioSettings) -> str:
    from convviz.core.studio_numbers import KIND_NAMES

    text = f"{KIND_NAMES[s.kind]} · {plural(s.in_channels, 'input channel')}"
    if s.kind in ("depthwise", "separable"):
        text += f" · depth multiplier {s.depth_multiplier}"
    if s.kind != "depthwise":
        text += f" · {plural(s.filters, 'filter')}"
    if s.groups != 1:
        text += f" · {s.groups} groups"
    if s.output_padding is not None:
        text += f" · output padding {_axes(s.output_padding)}"
    if s.use_bias:
        text += " · bias"
    if s.activation != "none":
        text += f" · {s.activation}"
    return text + " · "


def kernel_title(preset: str) -> str:
    """A kernel preset as a person reads it: ``Sobel x``, ``Conv-arithmetic example``; edited kernels are ``custom``."""
    return KERNEL_PRESETS.get(preset, preset).split(" (")[0]


def settings_text(settings: StudioSettings) -> str:
    """The settings in words for a caption: ``kernel 3×3 (Sobel x) · stride 2 · padding same · …``."""
    s = settings
    kh, kw = s.kernel.shape[:2]
    padding = s.padding if isinstance(s.padding, str) else f"explicit ({padding_sides(s.padding)})"
    size = f"{kw}" if s.kind == "conv1d" else f"{kh}×{kw}"
    text = (f"kernel {size} ({kernel_title(s.kernel_preset)}) · stride {_axes(s.stride)} · padding {padding} · "
            f"dilation {_axes(s.dilation)}")
    if not s.is_classic:
        text = _depth_text(s) + text
    if s.pool:
        text += f" · {s.pool_mode} pool {s.pool_size}, stride {s.effective_pool_stride}, {s.pool_padding}"
    return text


NBSP = "\u00a0"
_OPERATORS = {"+", "-", "−", "×", "/", "·", "*"}


def _is_operator(token: str) -> bool:
    return token in _OPERATORS


def unbreakable_formula(text: str) -> str:
    """``text`` (a formula) with line breaks allowed only between its parts: every space inside
    parentheses or next to an arithmetic operator becomes a no-break space, so ``floor((5 + 1 - 3) / 2) + 1``
    stays on one line while ``Output rows:`` and `` = `` may still wrap.

    A spaced hyphen becomes a minus sign: a line may break after a hyphen even before a no-break space.
    """
    tokens = text.replace(" - ", " − ").split(" ")
    out = tokens[0]
    depth = tokens[0].count("(") - tokens[0].count(")")
    for before, token in zip(tokens, tokens[1:]):
        glued = depth > 0 or _is_operator(before) or _is_operator(token)
        out += (NBSP if glued else " ") + token
        depth += token.count("(") - token.count(")")
    return out
