"""Run a command with one of its streams on a real pseudo-terminal and read what it wrote there
(shared by the tests of colour and of the progress line)."""

from __future__ import annotations

import os
import subprocess


def run_on_a_pty(
    args: list[str], stream: str = "stdout", **kwargs
) -> tuple[subprocess.CompletedProcess, str]:
    """Run ``args`` with ``stream`` ("stdout" or "stderr") on a pty; the finished process and the
    text written to the pty. Other keyword arguments go to :func:`subprocess.run`."""
    master, slave = os.openpty()
    try:
        proc = subprocess.run(args, **{stream: slave}, timeout=120, check=False, **kwargs)
        os.close(slave)
        slave = -1
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # the other end closed (Linux raises EIO)
                break
            if not data:
                break
            chunks.append(data)
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    return proc, b"".join(chunks).decode("utf-8", errors="replace")
