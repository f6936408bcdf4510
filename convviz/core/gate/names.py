"""Names made safe to show: a file, folder or array name from someone else's file may hold
escape codes (that recolour or rewrite the terminal), newlines (that split a one-line message)
or be thousands of characters long. :func:`safe_name` shows such text escaped and shortened.
"""

from __future__ import annotations

import os
import unicodedata

__all__ = ["safe_name", "safe_line"]

_ELLIPSIS = "…"
# format characters (bidi overrides, zero-width joiners) can make a name read as another one
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _escaped(char: str) -> str:
    code = ord(char)
    if char == "\n":
        return "\\n"
    if char == "\r":
        return "\\r"
    if char == "\t":
        return "\\t"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _shown(text: str) -> str:
    return "".join(_escaped(char) if unicodedata.category(char) in _ESCAPED_CATEGORIES else char
                   for char in text)


def safe_name(text: str | bytes | os.PathLike, limit: int = 80) -> str:
    """``text`` with control characters, escape codes and newlines shown as ``\\x1b``, ``\\n``...,
    shortened in the middle (``"start…end"``) to at most ``limit`` characters.

    Bytes that are not UTF-8 (a file name from another system) are shown as ``\\xNN`` too.
    """
    if isinstance(text, os.PathLike):
        text = os.fspath(text)
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="backslashreplace")
    # os.fsdecode keeps undecodable bytes as lone surrogates: category Cs, shown escaped
    shown = _shown(str(text))
    if len(shown) <= limit:
        return shown
    head = (limit - 1) // 2 + (limit - 1) % 2
    tail = limit - 1 - head
    return shown[:head] + _ELLIPSIS + (shown[-tail:] if tail else "")


def safe_line(text: str, limit: int = 2000) -> str:
    """A message made one safe line for a terminal or a message bar (control characters escaped)."""
    return safe_name(text, limit=limit)
