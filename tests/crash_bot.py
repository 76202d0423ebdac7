"""Start ``python -m bot run`` for the crash tests, tied to the test process that started it.

Usage: ``python tests/crash_bot.py <pid of the test process>``. On Linux the bot is killed with
SIGKILL if the test process dies (a timeout, a Ctrl-C), so no bot keeps polling a stand-in that
is gone. PR_SET_PDEATHSIG survives exec, so the process the tests kill is the real bot itself,
with the same pid: this script replaces itself and leaves nothing behind.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def main() -> None:
    """Arrange to die with the parent, then become ``python -m bot run``."""
    parent = int(sys.argv[1])
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:
        sys.exit("crash_bot: the test process is gone")  # it died before prctl took effect
    os.execv(sys.executable, [sys.executable, "-m", "bot", "run"])


if __name__ == "__main__":
    main()
