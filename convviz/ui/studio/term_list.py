"""Which terms of a long dot product to write out: the ones that matter, the rest summarised.

A 7×7 kernel has 49 terms; at the border many are padding (always 0). Written in window
order with an ellipsis, the padding zeros filled the line and the only non-zero terms
were hidden. Long sums here show non-zero products first, then zero products, and the
padding as one summary term ``10 padding terms × 0``.
"""

from __future__ import annotations

from convviz.core.studio_text import plural
from convviz.ui.studio.value_format import format_value

ROUNDED_NOTE = "numbers rounded for display (at most 3 decimals); sums use the exact values"


def summarise_terms(terms: list[tuple[str, float, bool]], max_terms: int, head: int, tail: int) -> list[tuple[str, str]]:
    """``(text, role)`` to show for terms ``(text, product, is padding)``; roles "term", "pad", "skip".

    Up to ``max_terms`` terms are shown in window order. Longer sums keep the non-zero
    products first, summarise the padding in one term and, if still too long, show the
    first ``head`` and last ``tail`` of the rest around an ellipsis.
    """
    if len(terms) <= max_terms:
        return [(text, "pad" if pad else "term") for text, _, pad in terms]
    real = [term for term in terms if not term[2]]
    padding = len(terms) - len(real)
    ordered = [t for t in real if t[1] != 0] + [t for t in real if t[1] == 0]
    if len(ordered) > max_terms - (1 if padding else 0):
        rest = ordered[head:len(ordered) - tail]
        zeros = " × 0" if all(product == 0 for _, product, _ in rest) else ""
        skip = [(f"… {plural(len(rest), 'more term')}{zeros} …", "skip")]
        shown = [(text, "term") for text, _, _ in ordered[:head]] + skip + \
            [(text, "term") for text, _, _ in ordered[len(ordered) - tail:]]
    else:
        shown = [(text, "term") for text, _, _ in ordered]
    if padding:
        shown.append((f"{plural(padding, 'padding term')} × 0", "pad"))
    return shown


def is_rounded(values) -> bool:
    """True when any of ``values`` is written with fewer digits than it has (see ``format_value``)."""
    for value in values:
        number = float(value)
        text = format_value(number).replace("−", "-")
        try:
            if float(text) != number:
                return True
        except ValueError:  # ∞ or nan: written exactly as what it is
            continue
    return False
