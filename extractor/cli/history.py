"""The history commands: named queries (``query``), ad-hoc SQL (``sql``) and the digest
(``report``), over ``Extractor.query`` / ``sql`` / ``report``."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from extractor.cli.context import Ctx, KindHelpCommand, common_options, limit_options, output_options, output_target
from extractor.cli.errors import err, fail, is_interrupt, was_interrupted
from extractor.cli.outputs import output_file, stdout, stdout_plain, stdout_width, writing
from extractor.common import QueryError, SqlRefused
from extractor.interrupts import interrupts_deferred

TABLE_FORMATS = ("table", "csv", "json", "markdown")
_FORMAT_HELP = "table: laid out for reading; csv, json, markdown: for other tools."


def _pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint="--param")
        out[key.strip()] = value
    return out


DEFAULT_LIMIT = 100  # rows a table shows on a terminal unless --limit says otherwise
LIMIT_HELP = (f"Show at most N rows (0: all) [default: {DEFAULT_LIMIT} for a table on a terminal, else all]; "
              "the rows left out are counted on stderr.")


def table_options(f: Any) -> Any:
    """--format and --limit of a command that prints a table (query, sql)."""
    f = click.option("--limit", type=click.IntRange(min=0), default=None, metavar="N", help=LIMIT_HELP)(f)
    return click.option("--format", "fmt", type=click.Choice(TABLE_FORMATS), default="table", show_default=True,
                        help=_FORMAT_HELP)(f)


def emit(df: Any, fmt: str, limit: int | None = None) -> None:
    """Write the table ``df`` to stdout in ``fmt`` (one of ``TABLE_FORMATS``): a table without
    its all-empty columns and, on a terminal, its first ``DEFAULT_LIMIT`` rows unless ``limit``
    says otherwise; what was left out is said on stderr."""
    from extractor.render import format_frame, limited, terminal_table

    if limit is None and fmt == "table" and not stdout_plain():
        limit = DEFAULT_LIMIT
    with writing(None):
        out = stdout()
        if fmt == "table":
            text, notes = terminal_table(df, width=stdout_width(), limit=limit)
            out.write(text)
        else:
            df, note = limited(df, limit)
            notes = [note] if note else []
            out.write(format_frame(df, fmt))
    for note in notes:
        err.say(note)
    if df.empty and fmt not in ("markdown", "table"):
        err.say("no rows")


def _run_sql(run: Callable[[], Any]) -> Any:
    """The frame ``run`` gives; a refused statement or a DuckDB error is one line and exit 1."""
    import duckdb

    try:
        return run()
    except SqlRefused as exc:
        fail(f"refused: {exc}")
    except QueryError as exc:
        fail(str(exc))
    except duckdb.Error as exc:
        if was_interrupted() or is_interrupt(exc):
            raise KeyboardInterrupt from exc
        from extractor.common import sql_error_text

        fail(sql_error_text(exc))


def _date(value: str, what: str, hint: str | None = None) -> Any:
    from extractor.queries import parse_date

    try:
        return parse_date(value, what)
    except QueryError as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from exc


@click.command()
@click.argument("name", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and their parameters.")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A query parameter; repeat for several. Dates: YYYY-MM-DD, today, -7d.")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="Answer as of DATE (queries that take an as_of parameter).")
@table_options
@limit_options
@common_options
@click.pass_obj
def query(obj: Ctx, name: str | None, list_queries: bool, params: tuple[str, ...], as_of: str | None,
          fmt: str, limit: int | None, memory_limit: str, time_limit: float) -> None:
    """Run the named query NAME (queries/*.sql); with --list (or no NAME), list them.

    Named queries run read-only, in the same sandbox as extract sql.

    \b
    extract query current_quotas --param model=o3 --as-of 2025-05-01
    extract query retirement_moves --param since=2025-01-01 --format markdown
    """
    from extractor.queries import get_query, list_rows

    if list_queries or name is None:
        emit(list_rows(structured=fmt == "json"), fmt, limit)
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
    with obj.open(read_only=True, memory_limit=memory_limit, time_limit=time_limit) as db:
        df = _run_sql(lambda: db.query(q.name, on_stale=obj.stale, **bound))
    emit(df, fmt, limit)


@click.command("sql", cls=KindHelpCommand)
@click.argument("statement", metavar="SQL")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind $KEY in the SQL (as text); repeat for several.")
@click.option("--as-of", "as_of", default=None, metavar="DATE", help="Bind $as_of (a DATE) in the SQL.")
@table_options
@limit_options
@common_options
@click.pass_obj
def sql_command(obj: Ctx, statement: str, params: tuple[str, ...], as_of: str | None, fmt: str,
                limit: int | None, memory_limit: str, time_limit: float) -> None:
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
    values: dict[str, Any] = dict(_pairs(params))
    if as_of is not None:
        values["as_of"] = _date(as_of, "--as-of", "--as-of")
    used = set(re.findall(r"\$([A-Za-z_]\w*)", statement))
    bound = {k: v for k, v in values.items() if k in used}
    with obj.open(read_only=True, memory_limit=memory_limit, time_limit=time_limit) as db:
        df = _run_sql(lambda: db.sql(statement, bound or None))
    emit(df, fmt, limit)


REPORT_FORMATS = ("md", "html", "json", "atom")
REPORT_SUFFIXES = {".html": "html", ".htm": "html", ".json": "json", ".atom": "atom", ".xml": "atom"}


@click.command()
@click.option("--since", default=None, metavar="DATE",
              help="First date (inclusive): YYYY-MM-DD, -7d, ... (required unless --model).")
@click.option("--until", default=None, metavar="DATE", help="Last date (inclusive) [default: the latest].")
@click.option("--model", "model", default=None, metavar="NAME",
              help="The page of one model or feature (any case, aliases followed) instead of a digest.")
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default=None,
              help="Markdown, one self-contained HTML file with charts, JSON, or an Atom feed (one entry per change) "
                   "[default: told by -o FILE's extension (.html, .json, .atom, .xml), else md].")
@click.option("--limit", type=click.IntRange(min=0), default=None, metavar="N",
              help="With --format atom: the N newest entries only [default: all].")
@output_options("Write to FILE instead of stdout.")
@common_options
@click.pass_obj
def report(obj: Ctx, since: str | None, until: str | None, model: str | None, fmt: str | None, limit: int | None,
           output: Path | None, force: bool, follow_symlinks: bool) -> None:
    """A digest of what changed at the model level: a summary of the real changes, then a
    section per service and model (with a table of contents), each change linked to its
    compare range; or, with --model, one model's (or feature's) page.

    The HTML is one self-contained file with charts (changes per day, week or month, quota
    steps, regions per model), each with its data as a table. Model pages link from it as
    model-NAME.html beside it (write them with --model NAME -o model-NAME.html).
    """
    if model is None and since is None:
        raise click.UsageError("give --since DATE (or --model NAME for a model's page)")
    if fmt is None:
        fmt = REPORT_SUFFIXES.get(output.suffix.lower(), "md") if output is not None else "md"
    if model is not None and fmt == "atom":
        raise click.UsageError("--format atom is a digest's feed: leave out --model")
    start = _date(since, "--since") if since is not None else None
    end = _date(until, "--until") if until is not None else None
    if start is not None and end is not None and end < start:
        raise click.BadParameter(f"--until {end} is before --since {start}")
    shown, output = output, output_target(obj, output, force, follow_symlinks)
    with interrupts_deferred():  # native modules (matplotlib's) are not to be interrupted while they load
        import extractor.digest  # noqa: F401

        if fmt == "html":
            import matplotlib.pyplot  # noqa: F401
    with obj.open(read_only=True) as db:
        try:
            text = (db.model_page(model, fmt=fmt) if model is not None
                    else db.report(start, end, fmt=fmt, limit=limit, on_stale=obj.stale))
        except QueryError as exc:
            fail(str(exc))
    if output is None:
        with writing(None):
            stdout().write(text)
    else:
        with output_file(output) as fh:
            fh.write(text)
        obj.info(("model page" if model else "digest") + f" written to {shown}")


@click.command()
@click.argument("action", type=click.Choice(["list", "add", "remove", "load"]), default="list", metavar="ACTION")
@click.argument("names", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(TABLE_FORMATS), default="table", show_default=True,
              help=_FORMAT_HELP)
@common_options
@click.pass_obj
def aliases(obj: Ctx, action: str, names: tuple[str, ...], fmt: str) -> None:
    """Model aliases: spelling variants that name one model at the model level. ACTION is
    list (the default), add, remove or load.

    \b
    extract aliases                          the aliases in force (shipped and yours)
    extract aliases add dalle-3 dall-e-3     ALIAS MODEL: dalle-3 is dall-e-3
    extract aliases remove dalle-3           forget one of yours (shipped ones stay)
    extract aliases load my-aliases.csv      columns alias,model (note optional)

    The shipped list is schemas/model_aliases.csv; yours are kept in the database.
    The export is not changed by aliases: it keeps the names the documents wrote.
    """
    from extractor.model.aliases import AliasError

    if action == "list":
        if names:
            raise click.UsageError("extract aliases list takes no arguments")
        with obj.open(read_only=True) as db:
            emit(db.aliases(), fmt)
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
