"""Progress shows on a terminal and nowhere else: a real pseudo-terminal sees the bar, a pipe
sees nothing, and the command's own output is the same either way."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest

SCRIPT = """
import time
from track_assets.progress import progress
with progress("counting songwriters", total=3) as steps:
    for _ in range(3):
        time.sleep(0.3)
        steps.advance()
print("done: 3")
"""


def run_on_terminal(script: str) -> str:
    """Run `script` with its stdout and stderr on a real pseudo-terminal; all it wrote."""
    return run_on_terminal_argv([sys.executable, "-c", script])


def run_on_terminal_argv(argv: list[str]) -> str:
    leader, follower = pty.openpty()
    env = os.environ | {"COLUMNS": "100", "TERM": "xterm"}
    process = subprocess.Popen(argv, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    written = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        written += chunk
    os.close(leader)
    assert process.wait(timeout=30) == 0
    return written.decode(errors="replace")


@pytest.mark.timeout(60)
def test_a_terminal_sees_the_bar_and_the_result():
    written = run_on_terminal(SCRIPT)
    assert "counting songwriters" in written
    assert "3/3" in written or "2/3" in written or "1/3" in written
    assert "done: 3" in written


@pytest.mark.timeout(60)
def test_a_pipe_sees_only_the_result():
    finished = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=30, check=True
    )
    assert finished.stdout == "done: 3\n"
    assert finished.stderr == ""


@pytest.mark.timeout(120)
def test_sandbox_generate_shows_progress_on_a_terminal_and_writes_the_same_catalog(tmp_path):
    generate = "from track_assets.cli import main; main()"
    arguments = ["sandbox", "generate", "--tracks", "300", "--playlists", "4", "-o"]
    on_terminal = run_on_terminal_argv(
        [sys.executable, "-c", generate, *arguments, str(tmp_path / "a.json")]
    )
    piped = subprocess.run(
        [sys.executable, "-c", generate, *arguments, str(tmp_path / "b.json")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "generating the catalog" in on_terminal
    assert "generating" not in piped.stderr
    assert piped.stderr.startswith(f"{tmp_path / 'b.json'}: 4 playlists, ")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
