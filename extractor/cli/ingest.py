"""``extract ingest``: reports, patches and git walks into the database, with a summary on stderr."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from extractor.cli.context import Ctx, common_options, err, progress, size_option
from extractor.common import debug, escaped

if TYPE_CHECKING:
    from extractor.ingest.result import IngestResult


def _iso_date(value: str | None, hint: str) -> str | None:
    if value is None:
        return None
    from extractor.normalize import whole_date

    iso = whole_date(value)  # a date and nothing else: "2025-01-01 x" is refused
    if iso is None:
        raise click.BadParameter(f"not a date: {value!r}", param_hint=hint)
    return iso


@click.command()
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
@click.option("--max-file-size", default="8MB", show_default=True, metavar="SIZE", callback=size_option,
              help="An input file larger than SIZE (8MB, 500kB, 2MiB, bytes) is refused, a recorded failure.")
@click.option("--max-line-length", default="1MB", show_default=True, metavar="SIZE", callback=size_option,
              help="An input file with a line longer than SIZE is refused, a recorded failure.")
@common_options
@click.pass_obj
def ingest(obj: Ctx, paths: tuple[Path, ...], date: str | None, git: Path | None, since: str | None,
           until: str | None, git_paths: tuple[str, ...], repo: str | None, max_file_size: int,
           max_line_length: int) -> None:
    """Ingest Diff Insight Reports and unified diffs (files or folders, recursively), and
    git repositories (--git).

    With no PATH and no --git, ingests the small sample shipped with extractor. What each
    file is (report or patch) is told by its content. Files and commits already ingested
    are skipped. A PATH that does not exist, or a file or folder that cannot be read, fails
    (and is recorded) while the other inputs load; a folder with no files is reported.
    """
    from extractor.api import ingested_already

    date, since, until = _iso_date(date, "--date"), _iso_date(since, "--since"), _iso_date(until, "--until")
    if git is None and (since or until or git_paths):
        raise click.UsageError("--since, --until and --paths narrow a walk: give --git REPO")
    if git is None:
        known = ingested_already(obj.db, paths)
        if known is not None:  # nothing new: said without opening the database
            _summary(obj, known, walked=False)
            return
    from extractor.ingest import expand

    total = sum(1 for _ in expand(paths)) if paths else 0
    show = not obj.quiet and err.is_terminal and total > 1

    def on_problem(path: str, line: int | None, severity: str, msg: str) -> None:
        where = f"{escaped(path)}:{line}" if line else escaped(path)
        colour = "red" if severity == "error" else "yellow"
        err.say(f"{where}: {msg}", label=f"{severity}: ", colour=colour)

    from extractor.ingest.result import IngestInterrupted

    db = obj.open()
    stopped: IngestInterrupted | None = None
    with db, progress(show, total * 2) as bar:
        task = bar.add_task("ingest", total=total * 2) if bar else None

        def tick(n: int, label: str) -> None:
            if bar is not None and task is not None:
                bar.update(task, advance=n, description=label)

        try:
            res = db.ingest(list(paths) or None, date=date, progress=tick, on_problem=on_problem, git=git,
                            since=since, until=until, git_paths=git_paths, repo=repo, max_file_size=max_file_size,
                            max_line_length=max_line_length)
        except IngestInterrupted as exc:
            stopped = exc
    if stopped is not None:  # what was stored before Ctrl-C, then "interrupted" (exit status 130)
        _summary(obj, stopped.result, walked=git is not None, before="interrupted; stored before: ")
        raise KeyboardInterrupt from stopped
    debug("seconds per phase: %s", ", ".join(f"{k} {v:.3f}" for k, v in res.seconds.items()))
    if res.spilled:
        debug("%d prepared sources waited in a temporary file (past the memory budget)", res.spilled)
    _summary(obj, res, walked=git is not None)
    if res.failed:
        raise SystemExit(1)


def _summary(obj: Ctx, res: IngestResult, *, walked: bool, before: str = "") -> None:
    if obj.quiet:
        return
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(res.events.items())) or "none"
    commits = f"{res.commits} commits walked; " if walked else ""
    obj.info(f"{before}{commits}{res.files} files: {res.loaded} loaded, {res.skipped_known} already ingested, "
             f"{len(res.skipped_other)} not diffs, {len(res.failed)} failed; "
             f"{res.events_new} new events (extracted: {kinds}); {res.unresolved} unresolved rows"
             + (f"; {res.read_again} stored sources read again" if res.read_again else "")
             + f" -> {obj.db}")
