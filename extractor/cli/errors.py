"""Errors of the command line as one line on stderr and an exit status.

Exit status: 0 ok (also when the reader of stdout closed it early, as with ``| head``), 1 some
input failed (or the database, an output or a statement could not be used), 2 usage error,
130 interrupted (Ctrl-C). No command ends in a traceback: an unexpected error is one line
(``-v`` logs its traceback). ``ExtractGroup`` (the ``extract`` group's class) does the
turning; ``err`` writes the lines.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any, NoReturn

import click

from extractor.common import SqlRefused, StoreError, debug
from extractor.interrupts import EXIT_INTERRUPTED, is_interrupt

if TYPE_CHECKING:
    from rich.console import Console

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
_COLOURS = {"red": "31", "yellow": "33"}


class _Stderr:
    """Messages on stderr. A line is written as it is, in colour only on a terminal that
    allows it (not under ``NO_COLOR`` or ``TERM=dumb``); rich (0.03 s to import) is loaded
    only for a progress bar, and while its console exists every line goes through it, so
    that a line printed during the bar does not break it."""

    _console: Console | None = None

    def get(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True, highlight=False, soft_wrap=True)
        return self._console

    @property
    def is_terminal(self) -> bool:
        try:
            return sys.stderr.isatty()
        except (AttributeError, ValueError, OSError):
            return False

    def _coloured(self) -> bool:
        return self.is_terminal and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"

    def say(self, text: str, *, label: str = "", colour: str = "") -> None:
        """Write ``label`` (in ``colour`` where colour is shown) and ``text`` as one line."""
        if self._console is not None:
            from rich.text import Text

            line = Text(label, style=colour or "") if label else Text()
            self._console.print(line + Text(text))
            return
        if label and colour and self._coloured():
            label = f"\x1b[{_COLOURS[colour]}m{label}\x1b[0m"
        sys.stderr.write(f"{label}{text}\n")
        sys.stderr.flush()


err = _Stderr()


def fail(msg: str, code: int = EXIT_FAILED) -> NoReturn:
    """Print ``error: msg`` on stderr (one line) and exit with ``code``."""
    say_error(msg)
    raise SystemExit(code)


def say_error(msg: str) -> None:
    with contextlib.suppress(Exception):  # a closed stderr: nothing more to say
        err.say(one_line(msg), label="error: ", colour="red")


def one_line(msg: str) -> str:
    lines = [line.strip() for line in str(msg).strip().splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"


class OutputError(Exception):
    """An output that cannot be written (a missing folder, a full disk, the database), in words."""


def detach_stdout() -> None:
    """Point stdout's file descriptor at /dev/null, so that the interpreter's last flush of what
    is still buffered cannot fail once more ("Exception ignored ..." on stderr)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (a test's capture), or closed
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


# --- Ctrl-C ------------------------------------------------------------------------------------


class _Interrupt:
    """Whether Ctrl-C (SIGINT) came during this run. DuckDB turns the KeyboardInterrupt raised
    inside a query into an error of its own ("Query interrupted"), which an ingest may take
    for a failed load and recover from; the flag still tells that the run was interrupted."""

    seen = False


def was_interrupted() -> bool:
    return _Interrupt.seen


def _on_sigint(signum: int, frame: Any) -> None:
    _Interrupt.seen = True
    raise KeyboardInterrupt


def _on_unraisable(unraisable: Any) -> None:
    """Ctrl-C that landed where Python cannot raise (a weakref callback of the import system, a
    ``__del__``) is not printed as "Exception ignored ... Traceback"; it is delivered again to
    the main thread, where it stops the command as any other Ctrl-C does. It is sent from a
    thread a moment later, as a signal sent from here would be handled inside this hook."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        threading.Thread(target=_interrupt_main_soon, daemon=True).start()
        return
    sys.__unraisablehook__(unraisable)


def _interrupt_main_soon() -> None:
    import time

    time.sleep(0.01)
    signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)  # wakes a sleeping main thread too


def interrupted() -> int:
    """Say that the run was interrupted; the exit status for it (130, as shells use)."""
    with contextlib.suppress(Exception):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the rest of the exit runs undisturbed
    with contextlib.suppress(Exception):
        err.say("interrupted")
    return EXIT_INTERRUPTED


def pipe_closed() -> int:
    """The reader of stdout has gone (``| head``): stop quietly with status 0."""
    detach_stdout()
    return EXIT_OK


class _Interrupted(Exception):
    """A KeyboardInterrupt on its way out of click (which would print a blank line for it)."""


class _PipeClosed(Exception):
    """A BrokenPipeError on stdout on its way out of click (which would exit 1 for it)."""


def _flush_stdout() -> None:
    if sys.stdout is None:
        return
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or one_line(str(exc))
        raise OutputError(f"cannot write to stdout: {reason}") from exc


class ClosedStdout(io.TextIOBase):
    """Stands for a standard output that was closed when the command started (``>&-``):
    writing to it is an error, as writing to a full one is."""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "it is closed")

    def flush(self) -> None:
        return None


class ExtractGroup(click.Group):
    """The ``extract`` group: turns Ctrl-C, a closed pipe, an unwritable output, an unusable
    database and any unexpected error into one line on stderr and an exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            raise _Interrupted from exc
        except BrokenPipeError as exc:
            raise _PipeClosed from exc

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        if sys.stdout is None:
            sys.stdout = ClosedStdout()
        previous: Any = None
        main_thread = threading.current_thread() is threading.main_thread()
        if main_thread:
            _Interrupt.seen = False
            previous = signal.signal(signal.SIGINT, _on_sigint)
        previous_hook = sys.unraisablehook
        sys.unraisablehook = _on_unraisable
        try:
            code = self._run(args, prog_name, complete_var, **extra)
        finally:  # the handler first: a Ctrl-C that lands in a callback meanwhile still goes to the hook
            if main_thread and previous is not None:
                with contextlib.suppress(Exception):
                    signal.signal(signal.SIGINT, previous)
            sys.unraisablehook = previous_hook
        sys.exit(code)

    def _run(self, args: Any, prog_name: str | None, complete_var: str | None, **extra: Any) -> int:
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)
            code = rv if isinstance(rv, int) else EXIT_OK
        except click.ClickException as exc:
            with contextlib.suppress(Exception):
                exc.show()
            return exc.exit_code
        except click.Abort:
            return interrupted()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_FAILED)
        except (KeyboardInterrupt, _Interrupted):
            return interrupted()
        except (BrokenPipeError, _PipeClosed):
            return pipe_closed()
        except OutputError as exc:
            detach_stdout()
            say_error(str(exc))
            return EXIT_FAILED
        except (StoreError, SqlRefused) as exc:
            say_error(str(exc))
            return EXIT_FAILED
        except OSError as exc:  # click's own output (help, version, usage) to a full or closed stdout
            debug("error", exc_info=True)
            where = exc.filename if exc.filename is not None else "cannot write to stdout"
            detach_stdout()
            say_error(f"{where}: {exc.strerror or one_line(str(exc))}")
            return EXIT_FAILED
        except Exception as exc:
            if _Interrupt.seen or is_interrupt(exc):
                return interrupted()
            debug("unexpected error", exc_info=True)
            say_error(f"unexpected {type(exc).__name__}: {one_line(str(exc))} (run with -v to see where)")
            return EXIT_FAILED
        try:
            _flush_stdout()
        except BrokenPipeError:
            return pipe_closed()
        except OutputError as exc:
            detach_stdout()
            say_error(str(exc))
            return EXIT_FAILED if code == EXIT_OK else code
        if _Interrupt.seen:  # Ctrl-C inside a query that the run recovered from: it was still asked to stop
            return interrupted()
        return code
