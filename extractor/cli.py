"""The ``extract`` command line: a thin layer over ``extractor.api``.

Data goes to stdout, logs and progress to stderr. Exit status: 0 ok (also when the reader
of stdout closed it early, as with ``| head``), 1 some input failed (or the database, an
output or a statement could not be used), 2 usage error, 130 interrupted (Ctrl-C). No
command ends in a traceback: an unexpected error is one line (``-v`` logs its traceback).

The options of the group (``--db``, ``--wait``, ``-q``, ``-v``) are accepted after the
command name too, with the same meaning (``extract stats --db a.duckdb``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

import click

from extractor import __version__
from extractor.common import WAIT_ENV, QueryError, SqlRefused, StoreError, debug, default_db_path
from extractor.interrupts import EXIT_INTERRUPTED, interrupts_deferred

if TYPE_CHECKING:  # the commands import what they use: --version and --help load no DuckDB, pandas or rich
    from rich.console import Console

    from extractor.api import Extractor
    from extractor.ingest.result import IngestResult



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


class Ctx:
    def __init__(self, db: Path, quiet: bool, verbose: bool, wait: float = 0.0) -> None:
        self.db = db
        self.quiet = quiet
        self.verbose = verbose
        self.wait = wait

    def open(self, *, read_only: bool = False) -> Extractor:
        from extractor.api import Extractor

        try:
            return Extractor(self.db, read_only=read_only, wait=self.wait)
        except StoreError as exc:
            fail(str(exc))

    def info(self, msg: str) -> None:
        if not self.quiet:
            err.say(msg)

    @staticmethod
    def stale(msg: str) -> None:
        """A stale answer (extractor.model.coverage): said even under --quiet."""
        err.say(msg, label="warning: ", colour="yellow")


def fail(msg: str, code: int = 1) -> NoReturn:
    """Print ``error: msg`` on stderr (one line) and exit with ``code``."""
    _say_error(msg)
    raise SystemExit(code)


def _say_error(msg: str) -> None:
    with contextlib.suppress(Exception):  # a closed stderr: nothing more to say
        err.say(_one_line(msg), label="error: ", colour="red")


def _one_line(msg: str) -> str:
    lines = [line.strip() for line in str(msg).strip().splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"


def _logging(verbose: bool) -> None:
    """With -v, debug logging on stderr. Without it, logging is left as Python sets it up
    (warnings and errors on stderr; the library logs only debug messages) and not imported."""
    if not verbose:
        return
    import logging

    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(logging.DEBUG)  # also when -v follows the command


# --- outputs: stdout and -o files, with their errors as messages ---------------------------------


class OutputError(Exception):
    """An output that cannot be written (a missing folder, a full disk), in words."""


@contextmanager
def writing(target: Path | None) -> Iterator[None]:
    """Turn the OSError of writing ``target`` (None: stdout) into an ``OutputError``; a broken
    pipe on stdout stays a ``BrokenPipeError`` (the reader has gone: not an error)."""
    try:
        yield
    except BrokenPipeError:
        if target is None:
            raise
        raise OutputError(f"cannot write {target}: broken pipe") from None
    except OSError as exc:
        where = "to stdout" if target is None else str(target)
        raise OutputError(f"cannot write {where}: {exc.strerror or _one_line(str(exc))}") from exc


@contextmanager
def output_file(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """``path`` opened for writing, its errors (on opening, writing, closing) ``OutputError``."""
    with writing(path), open(path, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as fh:
        yield fh


def _flush_stdout() -> None:
    with writing(None):
        sys.stdout.flush()


def _detach_stdout() -> None:
    """Point stdout's file descriptor at /dev/null, so that the interpreter's last flush of what
    is still buffered cannot fail once more ("Exception ignored ..." on stderr)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (a test's capture)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
    finally:
        os.close(devnull)


# --- the group: global options, and every error made a message ------------------------------------


class _Interrupt:
    """Whether Ctrl-C (SIGINT) came during this run. DuckDB turns the KeyboardInterrupt raised
    inside a query into an error of its own ("Query interrupted"), which an ingest may take
    for a failed load and recover from; the flag still tells that the run was interrupted."""

    seen = False


def _on_sigint(signum: int, frame: Any) -> None:
    _Interrupt.seen = True
    raise KeyboardInterrupt


def _is_interrupt(exc: BaseException) -> bool:
    duckdb = sys.modules.get("duckdb")  # an exception of DuckDB's only once it is loaded
    interrupts = (KeyboardInterrupt,) if duckdb is None else (KeyboardInterrupt, duckdb.InterruptException)
    return (isinstance(exc, interrupts)
            or (isinstance(exc, RuntimeError) and "interrupted" in str(exc).lower()))


def interrupted() -> int:
    """Say that the run was interrupted; the exit status for it (130, as shells use)."""
    with contextlib.suppress(Exception):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the rest of the exit runs undisturbed
    with contextlib.suppress(Exception):
        err.say("interrupted")
    return EXIT_INTERRUPTED


def pipe_closed() -> int:
    """The reader of stdout has gone (``| head``): stop quietly with status 0."""
    _detach_stdout()
    return 0


class _Interrupted(Exception):
    """A KeyboardInterrupt on its way out of click (which would print a blank line for it)."""


class _PipeClosed(Exception):
    """A BrokenPipeError on stdout on its way out of click (which would exit 1 for it)."""


class _KindHelp:
    """A command whose help names the registered kinds (``{kind_titles}``, ``{kind_names}``),
    filled in when the help is first read: a command that shows no help loads no kind."""

    _help: str | None = None

    @property
    def help(self) -> str | None:
        if self._help is not None and "{kind_" in self._help:
            from extractor import api

            titles = ", ".join(api.kind_title(k).lower() for k in api.kind_names())
            self._help = self._help.replace("{kind_titles}", titles).replace("{kind_names}", ", ".join(api.kind_names()))
        return self._help

    @help.setter
    def help(self, text: str | None) -> None:
        self._help = text


class _KindHelpCommand(_KindHelp, click.Command):
    pass


class ExtractGroup(_KindHelp, click.Group):
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
        previous: Any = None
        main_thread = threading.current_thread() is threading.main_thread()
        if main_thread:
            _Interrupt.seen = False
            previous = signal.signal(signal.SIGINT, _on_sigint)
        try:
            code = self._run(args, prog_name, complete_var, **extra)
        finally:
            if main_thread and previous is not None:
                with contextlib.suppress(Exception):
                    signal.signal(signal.SIGINT, previous)
        sys.exit(code)

    def _run(self, args: Any, prog_name: str | None, complete_var: str | None, **extra: Any) -> int:
        try:
            rv = super().main(args, prog_name, complete_var, False, **extra)
            code = rv if isinstance(rv, int) else 0
        except click.ClickException as exc:
            with contextlib.suppress(Exception):
                exc.show()
            return exc.exit_code
        except click.Abort:
            return interrupted()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except (KeyboardInterrupt, _Interrupted):
            return interrupted()
        except (BrokenPipeError, _PipeClosed):
            return pipe_closed()
        except OutputError as exc:
            _detach_stdout()
            _say_error(str(exc))
            return 1
        except (StoreError, SqlRefused) as exc:
            _say_error(str(exc))
            return 1
        except Exception as exc:
            if _Interrupt.seen or _is_interrupt(exc):
                return interrupted()
            debug("unexpected error", exc_info=True)
            _say_error(f"unexpected {type(exc).__name__}: {_one_line(str(exc))} (run with -v to see where)")
            return 1
        try:
            _flush_stdout()
        except BrokenPipeError:
            return pipe_closed()
        except OutputError as exc:
            _detach_stdout()
            _say_error(str(exc))
            return 1 if code == 0 else code
        if _Interrupt.seen:  # Ctrl-C inside a query that the run recovered from: it was still asked to stop
            return interrupted()
        return code


_DB_HELP = f"DuckDB database file [default: {default_db_path()}]."
_WAIT_HELP = ("Wait up to SECONDS for another process holding the database (an ingest writing, or "
              "readers when ingesting) instead of failing at once [default: 0].")


@click.group(cls=ExtractGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="extract")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), envvar="EXTRACTOR_DB",
              default=None, show_envvar=True, help=_DB_HELP)
@click.option("--wait", "wait", type=click.FloatRange(min=0), envvar=WAIT_ENV, default=0.0, show_envvar=True,
              metavar="SECONDS", help=_WAIT_HELP)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary on stderr.")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging on stderr.")
@click.pass_context
def main(ctx: click.Context, db: Path | None, wait: float, quiet: bool, verbose: bool) -> None:
    """Extract dated facts ({kind_titles}) from documentation diffs into DuckDB, and
    export them.

    --db, --wait, -q and -v may also follow the command name.
    """
    _logging(verbose)
    ctx.obj = Ctx(db or default_db_path(), quiet, verbose, wait)


def _set(attr: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value is None or value is False:
            return  # not given after the command: the group's value stands
        obj = ctx.find_object(Ctx)
        if obj is None:
            return
        setattr(obj, attr, value)
        if attr == "verbose":
            _logging(True)
    return callback


def common_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The group's options, accepted after the command name too (the last one given wins)."""
    f = click.option("-v", "--verbose", "_verbose", is_flag=True, default=False, expose_value=False,
                     callback=_set("verbose"), help="Debug logging on stderr (as before the command).")(f)
    f = click.option("-q", "--quiet", "_quiet", is_flag=True, default=False, expose_value=False,
                     callback=_set("quiet"), help="No progress bar or summary (as before the command).")(f)
    f = click.option("--wait", "_wait", type=click.FloatRange(min=0), default=None, expose_value=False,
                     metavar="SECONDS", callback=_set("wait"), help="As before the command: " + _WAIT_HELP)(f)
    f = click.option("--db", "_db", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     expose_value=False, callback=_set("db"), help="As before the command: " + _DB_HELP)(f)
    return f


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Any]:
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err.get(), transient=True) as bar:
        yield bar


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--date", "date", default=None, metavar="YYYY-MM-DD",
              help="Observed date for patches that carry none.")
@click.option("--git", "git", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              metavar="REPO", help="Walk this git repository commit by commit (first-parent history, oldest "
              "first); a second walk continues after the last commit ingested.")
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="With --git: commits committed on or after this date.")
@click.option("--until", default=None, metavar="YYYY-MM-DD", help="With --git: commits committed on or before this date.")
@click.option("--paths", "git_paths", multiple=True, metavar="GLOB",
              help="With --git: only commits touching these paths (git glob pathspecs; repeat the option).")
@click.option("--repo", default=None, metavar="OWNER/NAME",
              help="Repository the patches and the walk belong to [default for --git: its origin remote].")
@common_options
@click.pass_obj
def ingest(obj: Ctx, paths: tuple[Path, ...], date: str | None, git: Path | None, since: str | None,
           until: str | None, git_paths: tuple[str, ...], repo: str | None) -> None:
    """Ingest Diff Insight Reports and unified diffs (files or folders, recursively), and
    git repositories (--git).

    With no PATH and no --git, ingests the small sample shipped with extractor. What each
    file is (report or patch) is told by its content. Files and commits already ingested
    are skipped. A PATH that does not exist, or a file or folder that cannot be read, fails
    (and is recorded) while the other inputs load; a folder with no files is reported.
    """
    from extractor import api

    def iso_date(value: str | None, hint: str) -> str | None:
        if value is None:
            return None
        iso = api.read_date(value)
        if iso is None:
            raise click.BadParameter(f"not a date: {value!r}", param_hint=hint)
        return iso

    date, since, until = iso_date(date, "--date"), iso_date(since, "--since"), iso_date(until, "--until")
    if git is None and (since or until or git_paths):
        raise click.UsageError("--since, --until and --paths narrow a walk: give --git REPO")
    if git is None:
        known = api.ingested_already(obj.db, paths)
        if known is not None:  # nothing new: said without opening the database
            _ingest_summary(obj, known, walked=False)
            return
    total = api.count_inputs(paths) if paths else 0
    show = not obj.quiet and err.is_terminal and total > 1
    failed = 0

    def on_problem(path: str, line: int | None, severity: str, msg: str) -> None:
        where = f"{path}:{line}" if line else path
        colour = "red" if severity == "error" else "yellow"
        err.say(f"{where}: {msg}", label=f"{severity}: ", colour=colour)

    db = obj.open()
    with db, _progress(show, total * 2) as bar:
        task = bar.add_task("ingest", total=total * 2) if bar else None

        def tick(n: int, label: str) -> None:
            if bar is not None and task is not None:
                bar.update(task, advance=n, description=label)

        res = db.ingest(list(paths) or None, date=date, progress=tick, on_problem=on_problem, git=git,
                        since=since, until=until, git_paths=git_paths, repo=repo)
        failed = len(res.failed)
    debug("seconds per phase: %s", ", ".join(f"{k} {v:.3f}" for k, v in res.seconds.items()))
    if res.spilled:
        debug("%d prepared sources waited in a temporary file (past the memory budget)", res.spilled)
    _ingest_summary(obj, res, walked=git is not None)
    if failed:
        raise SystemExit(1)


def _ingest_summary(obj: Ctx, res: IngestResult, *, walked: bool) -> None:
    if obj.quiet:
        return
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(res.events.items())) or "none"
    commits = f"{res.commits} commits walked; " if walked else ""
    obj.info(f"{commits}{res.files} files: {res.loaded} loaded, {res.skipped_known} already ingested, "
             f"{len(res.skipped_other)} not diffs, {len(res.failed)} failed; "
             f"{res.events_new} new events (extracted: {kinds}); {res.unresolved} unresolved rows"
             + (f"; {res.read_again} stored sources read again" if res.read_again else "")
             + f" -> {obj.db}")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE instead of stdout (required for parquet).")
@common_options
@click.pass_obj
def export(obj: Ctx, fmt: str, output: Path | None) -> None:
    """Export every event (changes and observations), sorted by date, doc and kind."""
    if fmt == "parquet" and output is None:
        raise click.UsageError("--format parquet needs --output FILE")
    with obj.open(read_only=True) as db:
        if fmt == "jsonl":
            if output is None:
                with writing(None):
                    n = db.write_jsonl(sys.stdout)
            else:
                with output_file(output) as fh:
                    n = db.write_jsonl(fh)
        else:
            df = db.events()
            n = len(df)
            if output is None:
                with writing(None):
                    df.to_csv(sys.stdout, index=False)
            else:
                with output_file(output, "wb" if fmt == "parquet" else "w") as fh:
                    if fmt == "csv":
                        df.to_csv(fh, index=False)
                    else:
                        df.to_parquet(fh, index=False)
    obj.info(f"{n} events exported" + (f" to {output}" if output else ""))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (numbers as numbers).")
@common_options
@click.pass_obj
def stats(obj: Ctx, as_json: bool) -> None:
    """Sources, events per kind, unresolved rows per document, and errors."""
    from extractor import api
    from extractor.render import frame_records, plain_frame, print_frame

    tables = api.stats_already(obj.db)  # as the last writer left them: no DuckDB to load
    if tables is None:
        with obj.open(read_only=True) as db:
            tables = db.stats_rows()  # plain rows: the same text as frames, without loading pandas
    if as_json:
        import json

        text = json.dumps({k: frame_records(v) for k, v in tables.items()}, indent=2, ensure_ascii=False)
        with writing(None):
            click.echo(text)
        return
    if _stdout_plain():  # to a pipe or file: the same text, mostly without loading rich
        texts = [plain_frame(df, title=name, empty=f"no {name}") for name, df in tables.items()]
        if all(t is not None for t in texts):
            with writing(None):
                sys.stdout.write("".join(t for t in texts if t is not None))
            return
    from rich.console import Console

    out = Console(highlight=False, width=max(100, Console().width))
    with writing(None):
        for name, df in tables.items():
            print_frame(out, df, title=name, empty=f"no {name}")


def _stdout_width() -> int:
    """The width rich gives a console on stdout when it is not a terminal: ``COLUMNS``, else
    the size of the first standard stream that is a terminal, else 80."""
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns)
    for fd in (0, 1, 2):
        try:
            return os.get_terminal_size(fd).columns or 80
        except (AttributeError, ValueError, OSError):
            continue
    return 80


def _stdout_plain() -> bool:
    """Whether rich would write stdout as plain text: it is not a terminal (nor forced to act
    as one), so no style codes, and the width is ``_stdout_width``."""
    if os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE") == "1":
        return False
    try:
        return not sys.stdout.isatty()
    except (AttributeError, ValueError, OSError):
        return True


# --- history: named queries, ad-hoc SQL, digest (thin over Extractor.query / sql / report) ---

_TABLE_FORMATS = ("table", "csv", "json", "markdown")


def _pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--param")
        out[key.strip()] = value
    return out


def _emit(df: Any, fmt: str) -> None:
    from extractor.render import drop_empty_columns, format_frame, plain_frame, print_frame

    with writing(None):
        if fmt == "table":
            shown = drop_empty_columns(df)
            text = plain_frame(shown, width=_stdout_width()) if _stdout_plain() else None
            if text is not None:  # the text rich would print, without loading it
                sys.stdout.write(text)
                return
            from rich.console import Console

            print_frame(Console(highlight=False), shown, empty="no rows")
            return
        click.echo(format_frame(df, fmt), nl=False)
    if df.empty and fmt != "markdown":
        err.say("no rows")


def _run_sql(run: Callable[[], Any]) -> Any:
    """The frame ``run`` gives; a refused statement or a DuckDB error is one line and exit 1."""
    import duckdb

    try:
        return run()
    except SqlRefused as exc:
        fail(f"refused: {exc}")
    except duckdb.Error as exc:
        if _Interrupt.seen or _is_interrupt(exc):
            raise KeyboardInterrupt from exc
        fail(str(exc))


@main.command()
@click.argument("name", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and their parameters.")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter; repeat for several. Dates: YYYY-MM-DD, today, -7d.")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="Answer as of DATE (queries that take an as_of parameter).")
@click.option("--format", "fmt", type=click.Choice(_TABLE_FORMATS), default="table", show_default=True)
@common_options
@click.pass_obj
def query(obj: Ctx, name: str | None, list_queries: bool, params: tuple[str, ...], as_of: str | None,
          fmt: str) -> None:
    """Run the named query NAME (queries/*.sql); with --list (or no NAME), list them.

    Named queries run read-only, in the same sandbox as extract sql.

    \b
    extract query current_quotas --param model=o3 --as-of 2025-05-01
    extract query retirement_moves --param since=2025-01-01 --format markdown
    """
    from extractor import api

    if list_queries or name is None:
        _emit(api.named_queries(), fmt)
        return
    try:
        q = api.named_query(name)
        values: dict[str, Any] = dict(_pairs(params))
        if as_of is not None:
            if q.param("as_of") is None:
                raise QueryError(f"query {q.name} takes no as_of parameter, so --as-of does not apply")
            values["as_of"] = as_of
        bound = q.bind(values)
    except QueryError as exc:
        raise click.UsageError(str(exc)) from exc
    with obj.open(read_only=True) as db:
        df = _run_sql(lambda: db.query(q.name, on_stale=obj.stale, **bound))
    _emit(df, fmt)


@main.command("sql", cls=_KindHelpCommand)
@click.argument("statement", metavar="SQL")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind $KEY in the SQL (as text); repeat for several.")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="Bind $as_of (a DATE) in the SQL.")
@click.option("--format", "fmt", type=click.Choice(_TABLE_FORMATS), default="table", show_default=True)
@common_options
@click.pass_obj
def sql_command(obj: Ctx, statement: str, params: tuple[str, ...], as_of: str | None, fmt: str) -> None:
    """Run ad-hoc SQL on the database, read-only, in a sandbox.

    Only queries run (SELECT, WITH, VALUES, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN, PRAGMA, CALL),
    and they read the database and nothing else: no file is read or written (COPY, EXPORT,
    read_csv, glob, ...), no database attached, no extension installed or loaded, no
    setting changed. A refused statement is one line on stderr and exit status 1.

    Besides the tables (events, sources, ...) there are time views: fact_history,
    fact_current, fact_changes, and per kind ({kind_names}) the views
    <kind>_history and <kind>_current and the table macro <kind>_as_of, such as
    quota_history and quota_as_of('2025-05-01'); and the model level: model_changes,
    model_facts_as_of(date) (NULL: now), model_subjects, model_aliases, area_coverage.

    \b
    extract sql "SELECT * FROM quota_as_of(\\$as_of) WHERE model = 'o3'" --as-of 2025-05-01
    """
    import re

    from extractor.api import parse_date

    values: dict[str, Any] = dict(_pairs(params))
    if as_of is not None:
        try:
            values["as_of"] = parse_date(as_of, "--as-of")
        except QueryError as exc:
            raise click.BadParameter(str(exc), param_hint="--as-of") from exc
    used = set(re.findall(r"\$([A-Za-z_]\w*)", statement))
    bound = {k: v for k, v in values.items() if k in used}
    with obj.open(read_only=True) as db:
        df = _run_sql(lambda: db.sql(statement, bound or None))
    _emit(df, fmt)


@main.command()
@click.option("--since", required=True, metavar="DATE", help="First date (inclusive): YYYY-MM-DD, -7d, ...")
@click.option("--until", default=None, metavar="DATE", help="Last date (inclusive) [default: the latest].")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE instead of stdout.")
@common_options
@click.pass_obj
def report(obj: Ctx, since: str, until: str | None, fmt: str, output: Path | None) -> None:
    """A digest of what changed: grouped by kind and model, linked to the compare ranges.

    The HTML is one self-contained file with charts (quota steps, regions per model).
    """
    from extractor.api import load_report_modules, parse_date

    try:
        start = parse_date(since, "--since")
        end = parse_date(until, "--until") if until is not None else None
    except QueryError as exc:
        raise click.BadParameter(str(exc)) from exc
    if end is not None and end < start:
        raise click.BadParameter(f"--until {end} is before --since {start}")
    with interrupts_deferred():  # native modules (matplotlib's) are not to be interrupted while they load
        load_report_modules(fmt)
    with obj.open(read_only=True) as db:
        text = db.report(start, end, fmt=fmt, on_stale=obj.stale)
    if output is None:
        with writing(None):
            click.echo(text, nl=False)
    else:
        with output_file(output) as fh:
            fh.write(text)
        obj.info(f"digest written to {output}")


@main.command()
@click.argument("action", type=click.Choice(["list", "add", "remove", "load"]), default="list")
@click.argument("names", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(_TABLE_FORMATS), default="table", show_default=True)
@common_options
@click.pass_obj
def aliases(obj: Ctx, action: str, names: tuple[str, ...], fmt: str) -> None:
    """Model aliases: spelling variants that name one model at the model level.

    \b
    extract aliases                          the aliases in force (shipped and yours)
    extract aliases add dalle-3 dall-e-3     ALIAS MODEL: dalle-3 is dall-e-3
    extract aliases remove dalle-3           forget one of yours (shipped ones stay)
    extract aliases load my-aliases.csv      columns alias,model (note optional)

    The shipped list is extractor/model/aliases.csv; yours are kept in the database.
    The export is not changed by aliases: it keeps the names the documents wrote.
    """
    from extractor.model.aliases import AliasError

    if action == "list":
        if names:
            raise click.UsageError("extract aliases list takes no arguments")
        with obj.open(read_only=True) as db:
            _emit(db.aliases(), fmt)
        return
    if action == "add" and len(names) != 2:
        raise click.UsageError("extract aliases add ALIAS MODEL")
    if action == "load" and len(names) != 1:
        raise click.UsageError("extract aliases load FILE.csv")
    if action == "remove" and not names:
        raise click.UsageError("extract aliases remove ALIAS...")
    with obj.open() as db:
        try:
            if action == "add":
                n = db.add_aliases([(names[0], names[1])])
            elif action == "load":
                try:
                    n = db.add_aliases(Path(names[0]))
                except OSError as exc:
                    fail(f"{names[0]}: cannot read it: {exc.strerror or exc}")
            else:
                n = db.remove_aliases(names)
        except AliasError as exc:
            fail(str(exc))
    obj.info(f"{n} alias{'es' if n != 1 else ''} {'removed' if action == 'remove' else 'stored'}")
