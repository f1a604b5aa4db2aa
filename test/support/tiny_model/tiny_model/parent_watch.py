"""Exit when the parent goes away: the parent holds our stdin, so its end (even a killed parent's) is EOF.

The watcher reads the raw file descriptor: a daemon thread blocked inside sys.stdin's buffered reader
would hold its lock and make a normal interpreter exit abort."""

from __future__ import annotations

import os
import threading


def exit_when_stdin_closes() -> None:
    def watch() -> None:
        while os.read(0, 4096):
            pass
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="stdin-watch").start()
