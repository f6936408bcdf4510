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
