"""Which process is doing a piece of work (``hostname:pid``), and whether that process still exists.

Job runs and intake batches record the process that started them; when it dies (SIGKILL, machine
lost) the record would stay ``running`` for ever. On one machine the process table answers; across
machines only a database lock held by the live process can (PostgreSQL advisory locks: see
``fews.scheduler`` and ``intake.batches``).
"""

from __future__ import annotations

import os
import socket

__all__ = ["process_label", "process_gone"]


def process_label() -> str:
    """``hostname:pid`` of this process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def process_gone(label: str | None) -> bool:
    """True when ``label`` (``hostname:pid``) names a process on this machine that no longer exists.

    False when it is alive, on another machine, or unknown: only a proven-dead process counts.
    """
    if not label:
        return False
    hostname, _, pid = label.rpartition(":")
    if hostname != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, owned by another user
        return False
    return False
