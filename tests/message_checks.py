"""Checks that a message a user sees is one clear line (shared by the test modules)."""


def one_line(exc_info, *fragments):
    """Assert the raised exception's message is one line holding every fragment."""
    message = str(exc_info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message, message


def cli_error_line(capsys, command):
    """Return the one stderr line of a failed ``convviz <command>``; fail on anything else."""
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"convviz {command}: error: ")
    assert "Traceback" not in captured.err
    return lines[0]


def only_readable_value_errors(name, call, values, drain=list):
    """Call ``call(value)`` for each odd value: nothing but a one-line ValueError (≤ 200 characters)
    may come out; a generator it returns is run through ``drain`` (steps are made lazily)."""
    import pytest

    for value in values:
        try:
            result = call(value)
            if hasattr(result, "__next__"):
                drain(result)
        except ValueError as exc:
            message = str(exc)
            assert "\n" not in message and len(message) <= 200, (name, value, message)
        except Exception as exc:  # noqa: BLE001  (the point: nothing else may escape)
            pytest.fail(f"{name}({value!r}) leaked {type(exc).__name__}: {exc}")
