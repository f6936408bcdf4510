"""The one way an exception becomes a line a person reads (no Qt, no TensorFlow)."""

from __future__ import annotations

LIMIT = 200


def first_line(exc: BaseException, limit: int = LIMIT) -> str:
    """The exception's first non-empty line, at most ``limit`` characters; its type if it says nothing.

    An OSError with a reason gives just the reason ("No space left on device"): its errno and
    the temporary file's name mean nothing to the user.
    """
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    text = lines[0] if lines else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."
