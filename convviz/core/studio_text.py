"""The studio's settings in words: a file-name slug and a caption line (no Qt)."""

from __future__ import annotations

from convviz.core.studio import MNIST_SIZE, StudioSettings


def settings_slug(settings: StudioSettings) -> str:
    """A short file-name-safe description, e.g. ``seed5_k3x3_s1_valid_d1_maxpool2``."""
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
    kh, kw = s.kernel.shape
    slug = f"{kind}{size}_k{kh}x{kw}-{s.kernel_preset}_s{s.stride}_{pad}_d{s.dilation}"
    if s.pool:
        slug += f"_{s.pool_mode}pool{s.pool_size}"
        if s.effective_pool_stride != s.pool_size:
            slug += f"s{s.effective_pool_stride}"
    return slug


def settings_text(settings: StudioSettings) -> str:
    """The settings in words for a caption: ``kernel 3×3 (Sobel x) · stride 2 · padding same · …``."""
    s = settings
    kh, kw = s.kernel.shape
    padding = s.padding if isinstance(s.padding, str) else "explicit {},{},{},{}".format(*s.padding[0], *s.padding[1])
    text = f"kernel {kh}×{kw} ({s.kernel_preset}) · stride {s.stride} · padding {padding} · dilation {s.dilation}"
    if s.pool:
        text += f" · {s.pool_mode} pool {s.pool_size}, stride {s.effective_pool_stride}, {s.pool_padding}"
    return text
