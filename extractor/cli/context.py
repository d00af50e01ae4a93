"""What every command shares: the run's settings (``Ctx``), the group's options repeated after
the command name (``common_options``), help texts that name the registered kinds, and the
progress bar."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from extractor.cli.errors import err, fail
from extractor.common import StoreError

if TYPE_CHECKING:
    from extractor.api import Extractor

DB_HELP = ("DuckDB database file [default: $EXTRACTOR_DB, else "
           "$XDG_DATA_HOME/extractor/facts.duckdb, ~/.local/share/extractor/facts.duckdb].")
WAIT_HELP = ("Wait up to SECONDS for another process holding the database (an ingest writing, or "
             "readers when ingesting) instead of failing at once [default: 0].")


class Ctx:
    def __init__(self, db: Path, quiet: bool, verbose: bool, wait: float = 0.0) -> None:
        self.db = db
        self.quiet = quiet
        self.verbose = verbose
        self.wait = wait

    def open(self, *, read_only: bool = False, memory_limit: str | None = None,
             time_limit: float | None = None) -> Extractor:
        from extractor.api import Extractor

        try:
            return Extractor(self.db, read_only=read_only, wait=self.wait, memory_limit=memory_limit,
                             time_limit=time_limit)
        except StoreError as exc:
            fail(str(exc))

    def info(self, msg: str) -> None:
        if not self.quiet:
            err.say(msg)

    @staticmethod
    def stale(msg: str) -> None:
        """A stale answer (extractor.model.coverage): said even under --quiet."""
        err.say(msg, label="warning: ", colour="yellow")


def set_logging(verbose: bool) -> None:
    """With -v, debug logging on stderr. Without it, logging is left as Python sets it up
    (warnings and errors on stderr; the library logs only debug messages) and not imported."""
    if not verbose:
        return
    import logging

    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(logging.DEBUG)  # also when -v follows the command


def _set(attr: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value is None or value is False:
            return  # not given after the command: the group's value stands
        obj = ctx.find_object(Ctx)
        if obj is None:
            return
        setattr(obj, attr, value)
        if attr == "verbose":
            set_logging(True)
    return callback


def common_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The group's options, accepted after the command name too (the last one given wins)."""
    f = click.option("-v", "--verbose", "_verbose", is_flag=True, default=False, expose_value=False,
                     callback=_set("verbose"), help="Debug logging on stderr (as before the command).")(f)
    f = click.option("-q", "--quiet", "_quiet", is_flag=True, default=False, expose_value=False,
                     callback=_set("quiet"), help="No progress bar or summary (as before the command).")(f)
    f = click.option("--wait", "_wait", type=click.FloatRange(min=0), default=None, expose_value=False,
                     metavar="SECONDS", callback=_set("wait"), help="As before the command: " + WAIT_HELP)(f)
    f = click.option("--db", "_db", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     expose_value=False, callback=_set("db"), help="As before the command: " + DB_HELP)(f)
    return f


class KindHelp:
    """A command whose help names the registered kinds (``{kind_titles}``, ``{kind_names}``),
    filled in when the help is first read: a command that shows no help loads no kind."""

    _help: str | None = None

    @property
    def help(self) -> str | None:
        if self._help is not None and "{kind_" in self._help:
            from extractor import kinds

            titles = ", ".join(kinds.title(k).lower() for k in kinds.names())
            self._help = self._help.replace("{kind_titles}", titles).replace("{kind_names}", ", ".join(kinds.names()))
        return self._help

    @help.setter
    def help(self, text: str | None) -> None:
        self._help = text


class KindHelpCommand(KindHelp, click.Command):
    pass


MEMORY_LIMIT, TIME_LIMIT = "2GB", 60.0
_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}  # as DuckDB reads them too
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)


def parse_size(value: str) -> int | None:
    """A size (``8MB``, ``500kB``, ``2MiB``, a number of bytes) as bytes; None when it is none."""
    m = _SIZE.match(value)
    if m is None or m.group(2).lower() not in _UNITS:
        return None
    return int(float(m.group(1)) * _UNITS[m.group(2).lower()])


def _memory(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """A memory limit as DuckDB takes it: the size as written, with ``B`` after a bare number."""
    if parse_size(value) is None:
        raise click.BadParameter(f"expected a size such as 500MB or 2GB, got {value!r}")
    return value.strip() if value.strip()[-1].isalpha() else f"{value.strip()}B"


def size_option(ctx: click.Context, param: click.Parameter, value: str) -> int:
    """A size (``8MB``, ``500kB``, ``2MiB``, a number of bytes) as bytes; else a usage error."""
    size = parse_size(value)
    if size is None:
        raise click.BadParameter(f"expected a size such as 8MB, 500kB, 2MiB or a number of bytes, got {value!r}")
    return size


def limit_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """``--memory-limit`` and ``--time-limit`` of a query."""
    f = click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=TIME_LIMIT,
                     show_default=True, metavar="SECONDS",
                     help="Stop the query after SECONDS (error, exit status 1).")(f)
    return click.option("--memory-limit", default=MEMORY_LIMIT, show_default=True, metavar="SIZE", callback=_memory,
                        help="Memory the query may use (500MB, 2GB, ...); past it the query fails (exit status 1) "
                             "rather than spill to disk.")(f)


def output_options(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``-o FILE`` (``help_text``), ``--force`` and ``--follow-symlinks``."""
    def add(f: Callable[..., Any]) -> Callable[..., Any]:
        f = click.option("--follow-symlinks", is_flag=True,
                         help="With -o: when FILE is a symbolic link, write to the file it names "
                              "(by default such a FILE is refused).")(f)
        f = click.option("--force", is_flag=True, help="With -o: overwrite FILE if it exists (by default an "
                         "existing FILE is refused). FILE is written beside itself and renamed once complete.")(f)
        return click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                            metavar="FILE", help=help_text + " Never the database or a file beside it that "
                            "the command reads.")(f)
    return add


def output_target(obj: Ctx, output: Path | None, force: bool, follow_symlinks: bool) -> Path | None:
    """The file ``-o`` is to write (None: stdout), checked before any work; a refused one is a
    usage error (exit status 2)."""
    from extractor.cli.outputs import OutputRefused, check_output, read_by

    if output is None:
        return None
    try:
        return check_output(output, reads=read_by(obj.db), force=force, follow_symlinks=follow_symlinks)
    except OutputRefused as exc:
        raise click.BadParameter(str(exc), param_hint="'-o' / '--output'") from exc


@contextmanager
def progress(enabled: bool, total: int) -> Iterator[Any]:
    """A progress bar on stderr (rich), or None when not ``enabled``."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err.get(), transient=True) as bar:
        yield bar
