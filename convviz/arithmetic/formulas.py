"""The output-size formulas with the current numbers filled in, and where textbook shortcuts fail.

Every function here explains a number that :mod:`convviz.arithmetic.sizes`
computes; the numbers in the text are the engine's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from convviz.arithmetic._validate import as_size, explicit_axis_padding, padding_keyword
from convviz.arithmetic.sizes import (
    axis_padding,
    conv_output_size,
    effective_kernel,
    same_padding,
)


@dataclass(frozen=True)
class Formula:
    """A formula written out with numbers, and the number it evaluates to."""

    text: str
    value: int


def _span_text(kernel: int, dilation: int) -> str:
    """The kernel's span as a term that can follow a minus sign."""
    if dilation == 1:
        return str(kernel)
    return f"(({kernel} - 1)×{dilation} + 1)"


def output_size_formula(n, kernel, stride=1, padding="valid", dilation=1) -> Formula:
    """Return the one-axis output size formula with numbers, e.g. ``floor((7 + 1 + 1 - 3) / 2) + 1 = 4``.

    For SAME padding the shorter ``ceil(n / stride)`` form is prepended, since that
    is how TensorFlow defines it; the general form shows the padding it implies.
    """
    out = conv_output_size(n, kernel, stride, padding, dilation)
    n, kernel = as_size(n, "input size"), as_size(kernel, "kernel size")
    stride, dilation = as_size(stride, "stride"), as_size(dilation, "dilation")
    before, after = axis_padding(n, kernel, stride, padding, dilation)
    general = (
        f"floor(({n} + {before} + {after} - {_span_text(kernel, dilation)}) / {stride}) + 1 = {out}"
    )
    if padding_keyword(padding) == "same":
        return Formula(f"ceil({n} / {stride}) = {out};  {general}", out)
    return Formula(general, out)


def same_padding_formula(n, kernel, stride=1, dilation=1) -> Formula:
    """Return how TensorFlow splits SAME padding on one axis, with numbers; value is the total."""
    before, after = same_padding(n, kernel, stride, dilation)
    n, stride = as_size(n, "input size"), as_size(stride, "stride")
    out = -(-n // stride)
    text = (
        f"total = max(({out} - 1)×{stride} + {effective_kernel(kernel, dilation)} - {n}, 0) "
        f"= {before + after}  →  {before} before, {after} after"
    )
    return Formula(text, before + after)


def _check_pool_axis_padding(padding, size: int) -> None:
    if padding_keyword(padding) is None and max(explicit_axis_padding(padding)) >= size:
        raise ValueError(
            "pool padding must be smaller than the pool window, or a window would see only padding"
        )


def pool_output_formula(n, size=2, stride=None, padding="valid") -> Formula:
    """Return the one-axis pooling output size formula with numbers (stride None = size)."""
    stride = size if stride is None else stride
    try:
        formula = output_size_formula(n, size, stride, padding)
    except ValueError as exc:
        raise ValueError(str(exc).replace("kernel", "pool window", 1)) from None
    _check_pool_axis_padding(padding, as_size(size, "pool size"))
    return formula


def _fraction_text(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):g}"


def same_padding_notes(n, kernel, stride=1, dilation=1) -> list[str]:
    """Say where "same padding = (k - 1) / 2 on each side" differs from what TensorFlow does.

    ``k`` is the kernel's span (its size once dilated). Empty when the shortcut is right.
    """
    before, after = same_padding(n, kernel, stride, dilation)
    n, stride = as_size(n, "input size"), as_size(stride, "stride")
    kernel, dilation = as_size(kernel, "kernel size"), as_size(dilation, "dilation")
    span = effective_kernel(kernel, dilation)
    textbook = Fraction(span - 1, 2)
    if textbook == before == after:
        return []
    k_text = f"k = {span}" + ("" if dilation == 1 else ", the span of the dilated kernel")
    reasons = []
    if textbook.denominator != 1:
        reasons.append(f"k - 1 = {span - 1} is odd, so it cannot be split into two equal halves")
    if stride > 1:
        out = -(-n // stride)
        reasons.append(
            f"with stride {stride} TensorFlow pads only what ceil({n} / {stride}) = {out} "
            "outputs need, which depends on the input size"
        )
    extra = " (the extra cell goes at the bottom/right)" if after > before else ""
    return [
        f"The shortcut “same padding = (k - 1) / 2” ({k_text}) gives "
        f"{_fraction_text(textbook)} per side, but TensorFlow pads {before} before "
        f"and {after} after{extra}: {'; '.join(reasons)}."
    ]


def same_size_notes(n, stride=1) -> list[str]:
    """Say when "same padding keeps the size" is false (any stride above 1)."""
    n, stride = as_size(n, "input size"), as_size(stride, "stride")
    out = -(-n // stride)
    if out == n:
        return []
    return [
        f"“Same” keeps the size only at stride 1: with stride {stride}, "
        f"{n} becomes ceil({n} / {stride}) = {out}."
    ]


def pool_size_notes(n, size=2, stride=None, padding="valid") -> list[str]:
    """Say where "output = input / pool size" differs from the real pooled size."""
    real = pool_output_formula(n, size, stride, padding).value
    n, size = as_size(n, "input size"), as_size(size, "pool size")
    stride = size if stride is None else as_size(stride, "stride")
    shortcut = Fraction(n, size)
    if shortcut == real:
        return []
    reasons = []
    if shortcut.denominator != 1:
        reasons.append(f"{size} does not divide {n}")
    if stride != size:
        reasons.append(f"the stride ({stride}) differs from the pool size ({size})")
    if not reasons:
        reasons.append("the padding adds windows")
    return [
        f"The shortcut “output = input / pool size” gives {n} / {size} = "
        f"{_fraction_text(shortcut)}, but the real output is {real}: {' and '.join(reasons)}."
    ]
