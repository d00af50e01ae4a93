"""``extract export`` (every event as JSONL, CSV, Parquet or one SQLite file) and ``extract stats``."""

from __future__ import annotations

from pathlib import Path

import click

from extractor.cli.context import Ctx, common_options, output_options, output_target
from extractor.cli.outputs import output_file, stdout, stdout_width, writing


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet", "sqlite"]), default="jsonl",
              show_default=True, help="JSONL records of the fact contract, flat rows as CSV or Parquet, or one SQLite "
              "file with the events, sources, model level and per-kind views as tables (for datasette).")
@output_options("Write to FILE instead of stdout (required for parquet and sqlite).")
@common_options
@click.pass_obj
def export(obj: Ctx, fmt: str, output: Path | None, force: bool, follow_symlinks: bool) -> None:
    """Export every event (changes and observations), sorted by date, doc and kind."""
    if fmt in ("parquet", "sqlite") and output is None:
        raise click.UsageError(f"--format {fmt} needs --output FILE")
    shown, output = output, output_target(obj, output, force, follow_symlinks)
    with obj.open(read_only=True) as db:
        if fmt == "sqlite":
            from extractor.sqlite_export import write_sqlite

            assert output is not None
            with writing(output):
                counts = write_sqlite(db.store, output)
            obj.info(f"{counts['events']} events and {len(counts) - 1} tables exported to {shown}")
            return
        if fmt == "jsonl":
            if output is None:
                with writing(None):
                    n = db.write_jsonl(stdout())
            else:
                with output_file(output) as fh:
                    n = db.write_jsonl(fh)
        else:
            from extractor.export import write_parquet

            df = db.events()
            n = len(df)
            if output is None:
                with writing(None):
                    df.to_csv(stdout(), index=False)
            else:
                with output_file(output, "wb" if fmt == "parquet" else "w") as fh:
                    if fmt == "csv":
                        df.to_csv(fh, index=False)
                    else:
                        write_parquet(df, fh)
    obj.info(f"{n} events exported" + (f" to {shown}" if shown else ""))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (numbers as numbers).")
@common_options
@click.pass_obj
def stats(obj: Ctx, as_json: bool) -> None:
    """Sources, events per kind, unresolved rows per document, and errors."""
    from extractor.api import stats_already
    from extractor.render import frame_records, terminal_table

    tables = stats_already(obj.db)  # as the last writer left them: no DuckDB to load
    if tables is None:
        with obj.open(read_only=True) as db:
            tables = db.stats_rows()  # plain rows: the same text as frames, without loading pandas
    if as_json:
        import json

        text = json.dumps({k: frame_records(v) for k, v in tables.items()}, indent=2, ensure_ascii=False)
        with writing(None):
            stdout().write(text + "\n")
        return
    width = stdout_width()
    parts = []
    for name, df in tables.items():  # each table without its all-empty columns, named under it
        text, notes = terminal_table(df, width=width, empty=f"no {name}", title=name)
        parts += [text, *(f"({note})\n" for note in notes)]
    with writing(None):
        stdout().write("".join(parts))
