"""atomic_write under signals: SIGINT/SIGTERM mid-write leave no temporary file, the old file intact."""

import signal
import subprocess
import sys
import threading
import time

import pytest

from convviz.atomic import atomic_write

WRITER = """
import sys, time
from convviz.atomic import atomic_write

def write(temp):
    with open(temp, "wb") as handle:
        handle.write(b"new" * 1000)
    print("writing", flush=True)
    time.sleep(30)

atomic_write(sys.argv[1], write)
"""


@pytest.mark.parametrize("signum, returncode", [(signal.SIGTERM, -signal.SIGTERM), (signal.SIGINT, -signal.SIGINT)])
def test_a_signal_mid_write_removes_the_temp_file(tmp_path, signum, returncode):
    target = tmp_path / "model.keras"
    target.write_bytes(b"old")
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "writing"
        assert len(list(tmp_path.iterdir())) == 2  # the target and the hidden temporary file
        started = time.monotonic()
        child.send_signal(signum)
        child.wait(timeout=10)
    finally:
        child.kill()
    assert child.returncode == returncode, child.stderr.read()
    assert time.monotonic() - started < 5
    assert [path.name for path in tmp_path.iterdir()] == ["model.keras"]
    assert target.read_bytes() == b"old"


def test_handlers_are_restored_after_the_write(tmp_path):
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    seen = []
    atomic_write(tmp_path / "a.txt", lambda temp: seen.append(signal.getsignal(signal.SIGTERM)) or
                 open(temp, "w").write("a"))
    assert seen[0] not in before  # ours was in place during the write
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before
    assert (tmp_path / "a.txt").read_text() == "a"


def test_a_write_off_the_main_thread_leaves_handlers_alone(tmp_path):
    seen = []

    def run():
        atomic_write(tmp_path / "b.txt", lambda temp: seen.append(signal.getsignal(signal.SIGTERM)) or
                     open(temp, "w").write("b"))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert seen == [signal.getsignal(signal.SIGTERM)]
    assert (tmp_path / "b.txt").read_text() == "b"
