"""Names shown safely, paths checked before the system sees them, budgets and their words."""

import pytest

from convviz.core.gate import ENV_VAR, GateError, budgets, check_path, human_size, parse_size, safe_line, safe_name


@pytest.mark.parametrize("raw, shown", [
    ("plain.npz", "plain.npz"),
    ("red\x1b[31m.npz", "red\\x1b[31m.npz"),
    ("two\nlines", "two\\nlines"),
    ("tab\there\r", "tab\\there\\r"),
    ("bell\x07", "bell\\x07"),
    ("del\x7f", "del\\x7f"),
    ("csi\x9b2J", "csi\\x9b2J"),
    ("rtl\u202eexe.npz", "rtl\\u202eexe.npz"),
    ("bad\udcffbyte", "bad\\udcffbyte"),
    ("ünïcødé 数字", "ünïcødé 数字"),
])
def test_safe_name_escapes_control_characters(raw, shown):
    assert safe_name(raw) == shown


def test_safe_name_takes_bytes_that_are_not_utf8():
    assert safe_name(b"caf\xe9\n") == "caf\\xe9\\n"


def test_safe_name_shortens_in_the_middle():
    shown = safe_name("a" * 50 + "MIDDLE" + "z" * 50, limit=21)
    assert len(shown) == 21
    assert shown.startswith("a" * 10) and shown.endswith("z" * 10) and "…" in shown


def test_safe_line_is_one_line():
    assert "\n" not in safe_line("x.npz: bad\nsecond line\x1b[2J")


@pytest.mark.parametrize("path, words", [
    ("a" * 300 + ".npz", "304 bytes; systems allow 255"),
    ("folder/" + "b" * 256, "256 bytes"),
    ("nul\0byte.npz", "NUL"),
    ("/".join(["c" * 200] * 30), "systems allow 4,096"),
])
def test_check_path_refuses_what_no_system_opens(path, words):
    with pytest.raises(GateError) as info:
        check_path(path)
    message = str(info.value)
    assert words in message and "\n" not in message and len(message) < 400


def test_check_path_keeps_ordinary_paths(tmp_path):
    assert check_path(tmp_path / "ünï code" / "x.npz") == tmp_path / "ünï code" / "x.npz"


@pytest.mark.parametrize("text, count", [
    ("2G", 2 * 2**30), ("512M", 512 * 2**20), ("1.5GB", 3 * 2**29), ("300000000", 300_000_000),
    ("64k", 64 * 1024), (" 1 GiB ", 2**30),
])
def test_parse_size(text, count):
    assert parse_size(text) == count


@pytest.mark.parametrize("text", ["", "lots", "-1G", "2X", "0"])
def test_parse_size_refuses_nonsense(text):
    with pytest.raises(ValueError):
        parse_size(text)


@pytest.mark.parametrize("count, words", [
    (17, "17 bytes"), (2048, "2.0 KB"), (int(3.9 * 2**30), "3.9 GB"), (512 * 2**20, "512 MB"),
])
def test_human_size(count, words):
    assert human_size(count) == words


def test_budget_comes_from_the_env_var(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "2G")
    limits = budgets()
    assert limits.memory == 2 * 2**30
    assert limits.data_bytes == limits.memory // 5 and limits.weight_bytes == limits.memory // 4
    assert ENV_VAR in limits.source


def test_budget_without_the_env_var_is_half_the_available_memory(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    with open("/proc/meminfo") as meminfo:
        available = next(int(line.split()[1]) * 1024 for line in meminfo if line.startswith("MemAvailable:"))
    assert abs(budgets().memory - available // 2) < available // 10  # memory moves while we look


def test_an_unreadable_env_var_is_one_line(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "plenty\nplease")
    with pytest.raises(GateError) as info:
        budgets()
    assert ENV_VAR in str(info.value) and "\n" not in str(info.value)
