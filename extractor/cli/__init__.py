"""The ``extract`` command line: click commands over the library's public API
(``extractor.connect`` / ``Extractor``, ``extractor.queries``, ``extractor.kinds``).

* ``errors``: every error as one line on stderr and an exit status (0 ok, 1 some input or
  an output failed, 2 usage, 130 interrupted), never a traceback (``-v`` logs it);
* ``outputs``: stdout and ``-o`` files;
* ``context``: the run's settings and the options every command takes;
* ``ingest``, ``read`` (export, stats), ``history`` (query, sql, report, aliases): the commands;
* ``reference``: the README's command reference, generated from ``--help``.

Data goes to stdout, logs and progress to stderr. The options of the group (``--db``,
``--wait``, ``-q``, ``-v``) are accepted after the command name too, with the same meaning
(``extract stats --db a.duckdb``). Heavy libraries (DuckDB, pandas, rich) are imported
inside the commands that use them: ``--version`` and ``--help`` load none.
"""

from __future__ import annotations

from pathlib import Path

import click

from extractor import __version__
from extractor.cli.context import DB_HELP, WAIT_HELP, Ctx, KindHelp, set_logging
from extractor.cli.errors import ExtractGroup
from extractor.cli.history import aliases, query, report, sql_command
from extractor.cli.ingest import ingest
from extractor.cli.read import export, stats
from extractor.common import WAIT_ENV, default_db_path

__all__ = ["main"]


class _Group(KindHelp, ExtractGroup):
    pass


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="extract", help="Show the version and exit.")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path), envvar="EXTRACTOR_DB",
              default=None, show_envvar=True, help=DB_HELP)
@click.option("--wait", "wait", type=click.FloatRange(min=0), envvar=WAIT_ENV, default=0.0, show_envvar=True,
              metavar="SECONDS", help=WAIT_HELP)
@click.option("-q", "--quiet", is_flag=True, help="No progress bar or summary on stderr.")
@click.option("-v", "--verbose", is_flag=True, help="Debug logging on stderr, and the traceback of an error.")
@click.pass_context
def main(ctx: click.Context, db: Path | None, wait: float, quiet: bool, verbose: bool) -> None:
    """Extract dated facts ({kind_titles}) from documentation diffs into DuckDB, and
    export them.

    --db, --wait, -q and -v may also follow the command name.
    """
    set_logging(verbose)
    ctx.obj = Ctx(db or default_db_path(), quiet, verbose, wait)


for _command in (ingest, export, stats, query, sql_command, report, aliases):
    main.add_command(_command)
