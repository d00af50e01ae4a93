"""The ``extract`` command line: a thin layer over ``extractor.api``.

Data goes to stdout, logs and progress to stderr. Exit status: 0 ok, 1 some input
failed (or the database could not be used), 2 usage error.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from extractor import __version__
from extractor.api import Extractor
from extractor.store.db import StoreError, default_db_path

log = logging.getLogger("extractor")

err = Console(stderr=True, highlight=False, soft_wrap=True)


class Ctx:
    def __init__(self, db: Path, quiet: bool, verbose: bool) -> None:
        self.db = db
        self.quiet = quiet
        self.verbose = verbose

    def open(self, *, read_only: bool = False) -> Extractor:
        try:
            return Extractor(self.db, read_only=read_only)
        except StoreError as exc:
            err.print(f"[red]error:[/red] {exc}", markup=True)
            raise SystemExit(1) from exc

    def info(self, msg: str) -> None:
        if not self.quiet:
            err.print(msg, markup=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="extract")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), envvar="EXTRACTOR_DB",
              default=None, show_envvar=True,
              help=f"DuckDB database file [default: {default_db_path()}].")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary on stderr.")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging on stderr.")
@click.pass_context
def main(ctx: click.Context, db: Path | None, quiet: bool, verbose: bool) -> None:
    """Extract dated facts (quotas, batch limits, retirements, regions) from documentation
    diffs into DuckDB, and export them."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = Ctx(db or default_db_path(), quiet, verbose)


@contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Any]:
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        yield bar


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
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
@click.option("--workers", type=click.IntRange(min=1), default=None, metavar="N",
              help="Processes that parse the files; 1 never forks [default: $EXTRACTOR_WORKERS, else one per "
              "CPU (up to 4) when there are at least 16 new files and 2 MB].")
@click.pass_obj
def ingest(obj: Ctx, paths: tuple[Path, ...], date: str | None, git: Path | None, since: str | None,
           until: str | None, git_paths: tuple[str, ...], repo: str | None, workers: int | None) -> None:
    """Ingest Diff Insight Reports and unified diffs (files or folders, recursively), and
    git repositories (--git).

    With no PATH and no --git, ingests the small sample shipped with extractor. What each
    file is (report or patch) is told by its content. Files and commits already ingested
    are skipped.
    """
    from extractor.normalize import find_date

    def iso_date(value: str | None, hint: str) -> str | None:
        if value is None:
            return None
        iso, _ = find_date(value)
        if iso is None:
            raise click.BadParameter(f"not a date: {value!r}", param_hint=hint)
        return iso

    date, since, until = iso_date(date, "--date"), iso_date(since, "--since"), iso_date(until, "--until")
    if git is None and (since or until or git_paths):
        raise click.UsageError("--since, --until and --paths narrow a walk: give --git REPO")
    from extractor.pipeline import expand

    db = obj.open()
    total = sum(1 for _ in expand(paths)) if paths else 0
    show = not obj.quiet and err.is_terminal and total > 1
    failed = 0

    def on_problem(path: str, line: int | None, severity: str, msg: str) -> None:
        where = f"{path}:{line}" if line else path
        colour = "red" if severity == "error" else "yellow"
        err.print(f"[{colour}]{severity}:[/{colour}] {where}: {msg}", markup=True, highlight=False)

    with db, _progress(show, total * 2) as bar:
        task = bar.add_task("ingest", total=total * 2) if bar else None

        def tick(n: int, label: str) -> None:
            if bar is not None and task is not None:
                bar.update(task, advance=n, description=label)

        res = db.ingest(list(paths) or None, date=date, progress=tick, on_problem=on_problem, git=git,
                        since=since, until=until, git_paths=git_paths, repo=repo, workers=workers)
        failed = len(res.failed)
    log.debug("seconds per phase: %s", ", ".join(f"{k} {v:.3f}" for k, v in res.seconds.items()))
    if not obj.quiet:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(res.events.items())) or "none"
        walked = f"{res.commits} commits walked; " if git is not None else ""
        obj.info(f"{walked}{res.files} files: {res.loaded} loaded, {res.skipped_known} already ingested, "
                 f"{len(res.skipped_other)} not diffs, {failed} failed; "
                 f"{res.events_new} new events (extracted: {kinds}); {res.unresolved} unresolved rows"
                 + (f"; {res.read_again} stored sources read again" if res.read_again else "")
                 + f" -> {obj.db}")
    if failed:
        raise SystemExit(1)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet"]), default="jsonl",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE instead of stdout (required for parquet).")
@click.pass_obj
def export(obj: Ctx, fmt: str, output: Path | None) -> None:
    """Export every event (changes and observations), sorted by date, doc and kind."""
    from extractor import export as ex

    if fmt == "parquet" and output is None:
        raise click.UsageError("--format parquet needs --output FILE")
    with obj.open(read_only=True) as db:
        if fmt == "jsonl":
            if output is None:
                n = ex.write_jsonl(db.store, sys.stdout)
            else:
                with output.open("w", encoding="utf-8") as fh:
                    n = ex.write_jsonl(db.store, fh)
        else:
            df = ex.flat_frame(db.store)
            n = len(df)
            if fmt == "csv":
                df.to_csv(output if output is not None else sys.stdout, index=False)
            else:
                df.to_parquet(output, index=False)
    obj.info(f"{n} events exported" + (f" to {output}" if output else ""))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def stats(obj: Ctx, as_json: bool) -> None:
    """Sources, events per kind, unresolved rows per document, and errors."""
    with obj.open(read_only=True) as db:
        tables = db.stats()
    if as_json:
        import json

        click.echo(json.dumps({k: v.astype(str).to_dict("records") for k, v in tables.items()}, indent=2))
        return
    out = Console(highlight=False, width=max(100, Console().width))
    from extractor.render import print_frame

    for name, df in tables.items():
        print_frame(out, df, title=name, empty=f"no {name}")


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
    from extractor.render import drop_empty_columns, format_frame, print_frame

    if fmt == "table":
        print_frame(Console(highlight=False), drop_empty_columns(df), empty="no rows")
        return
    click.echo(format_frame(df, fmt), nl=False)
    if df.empty and fmt != "markdown":
        err.print("no rows", markup=False)


@main.command()
@click.argument("name", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and their parameters.")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter; repeat for several. Dates: YYYY-MM-DD, today, -7d.")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="Answer as of DATE (queries that take an as_of parameter).")
@click.option("--format", "fmt", type=click.Choice(_TABLE_FORMATS), default="table", show_default=True)
@click.pass_obj
def query(obj: Ctx, name: str | None, list_queries: bool, params: tuple[str, ...], as_of: str | None,
          fmt: str) -> None:
    """Run the named query NAME (queries/*.sql); with --list (or no NAME), list them.

    \b
    extract query current_quotas --param model=o3 --as-of 2025-05-01
    extract query retirement_moves --param since=2025-01-01 --format markdown
    """
    from extractor.queries import QueryError, get_query, list_frame

    if list_queries or name is None:
        _emit(list_frame(), fmt)
        return
    try:
        q = get_query(name)
        values: dict[str, Any] = dict(_pairs(params))
        if as_of is not None:
            if q.param("as_of") is None:
                raise QueryError(f"query {q.name} takes no as_of parameter, so --as-of does not apply")
            values["as_of"] = as_of
        bound = q.bind(values)
    except QueryError as exc:
        raise click.UsageError(str(exc)) from exc
    with obj.open(read_only=True) as db:
        df = db.query(q.name, **bound)
    _emit(df, fmt)


@main.command("sql")
@click.argument("statement", metavar="SQL")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind $KEY in the SQL (as text); repeat for several.")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="Bind $as_of (a DATE) in the SQL.")
@click.option("--format", "fmt", type=click.Choice(_TABLE_FORMATS), default="table", show_default=True)
@click.pass_obj
def sql_command(obj: Ctx, statement: str, params: tuple[str, ...], as_of: str | None, fmt: str) -> None:
    """Run ad-hoc SQL on the database, read-only.

    Besides the tables (events, sources, ...) there are time views: fact_history,
    fact_current, fact_changes, and per kind quota_history, quota_current,
    retirement_history, region_availability_history, batch_quota_history (+ _current),
    and table macros such as quota_as_of('2025-05-01').

    \b
    extract sql "SELECT * FROM quota_as_of(\\$as_of) WHERE model = 'o3'" --as-of 2025-05-01
    """
    import re

    import duckdb

    from extractor.queries import QueryError, parse_date

    values: dict[str, Any] = dict(_pairs(params))
    if as_of is not None:
        try:
            values["as_of"] = parse_date(as_of, "--as-of")
        except QueryError as exc:
            raise click.BadParameter(str(exc), param_hint="--as-of") from exc
    used = set(re.findall(r"\$([A-Za-z_]\w*)", statement))
    bound = {k: v for k, v in values.items() if k in used}
    with obj.open(read_only=True) as db:
        try:
            df = db.sql(statement, bound or None)
        except duckdb.Error as exc:
            err.print(f"[red]error:[/red] {str(exc).strip()}", markup=True, highlight=False)
            raise SystemExit(1) from exc
    _emit(df, fmt)


@main.command()
@click.option("--since", required=True, metavar="DATE", help="First date (inclusive): YYYY-MM-DD, -7d, ...")
@click.option("--until", default=None, metavar="DATE", help="Last date (inclusive) [default: the latest].")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to FILE instead of stdout.")
@click.pass_obj
def report(obj: Ctx, since: str, until: str | None, fmt: str, output: Path | None) -> None:
    """A digest of what changed: grouped by kind and model, linked to the compare ranges.

    The HTML is one self-contained file with charts (quota steps, regions per model).
    """
    from extractor.queries import QueryError, parse_date

    try:
        start = parse_date(since, "--since")
        end = parse_date(until, "--until") if until is not None else None
    except QueryError as exc:
        raise click.BadParameter(str(exc)) from exc
    if end is not None and end < start:
        raise click.BadParameter(f"--until {end} is before --since {start}")
    with obj.open(read_only=True) as db:
        text = db.report(start, end, fmt=fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        obj.info(f"digest written to {output}")


def run() -> None:  # pragma: no cover - console script entry point
    if os.environ.get("NO_COLOR"):
        os.environ.setdefault("TERM", "dumb")
    main()


if __name__ == "__main__":  # pragma: no cover
    run()
