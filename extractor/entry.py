"""The ``extract`` console script's entry point, kept light on purpose.

It imports nothing heavy before it is ready for Ctrl-C. The command line (click, rich,
DuckDB, pandas) is imported inside ``run`` with SIGINT held back (``interrupts_deferred``):
a native module interrupted while it initialises can abort the interpreter (DuckDB's
bindings do), so an interrupt that comes while they load takes effect once they have
loaded, as one line and exit status 130, the same as at any later moment (``extractor.cli``).
"""

from __future__ import annotations

import os
import signal
import sys
from contextlib import suppress

from extractor.interrupts import EXIT_INTERRUPTED, interrupts_deferred


def _quit(code: int) -> None:
    """Exit with ``code``; Ctrl-C during the interpreter's own shutdown is ignored.

    An interrupted run leaves by ``os._exit``: when the Ctrl-C was raised inside code that
    ``exec`` runs from a string (dataclasses and namedtuples are made so while a module
    loads), CPython keeps it marked as unhandled even though it was caught, and under
    ``python -m`` it then ends the process by SIGINT instead of with this status. Everything
    that had to be closed (the database) was closed on the way here."""
    with suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if code == EXIT_INTERRUPTED:
        for stream in (sys.stdout, sys.stderr):
            with suppress(Exception):
                stream.flush()
        os._exit(code)
    sys.exit(code)


def run() -> None:
    try:
        code = _main()
    except KeyboardInterrupt:  # also one that came after the command, before _quit ignores them
        with suppress(Exception):
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            sys.stderr.write("interrupted\n")
            sys.stderr.flush()
        code = EXIT_INTERRUPTED
    _quit(code)


def _main() -> int:
    """Run the command line; its exit status."""
    try:
        if os.environ.get("NO_COLOR"):
            os.environ.setdefault("TERM", "dumb")
        with interrupts_deferred():
            from extractor.cli import main
        main(prog_name="extract")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 1


if __name__ == "__main__":  # pragma: no cover
    run()
