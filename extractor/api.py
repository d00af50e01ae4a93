"""The library a notebook imports: ``extractor.connect(path)`` and DataFrames out.

The CLI is a thin layer over this module. A read-only connection is a sandbox: its SQL
(``sql``, the named queries, the views) reads the database and nothing else (see
``extractor.store.db``); a refused statement raises ``SqlRefused``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.common import QueryLimit, SqlRefused, StoreError, default_db_path

if TYPE_CHECKING:  # loaded by the calls that need them: --version and --help start without them
    from typing import IO

    import pandas as pd

    from extractor.ingest import IngestResult
    from extractor.render import Rows
    from extractor.store.db import Store

SAMPLE_DIR = Path(__file__).resolve().parent / "sample"


class Extractor:
    """A fact database. Use as a context manager or call ``close()``."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False, wait: float | None = None,
                 memory_limit: str | None = None, time_limit: float | None = None) -> None:
        from extractor.store.db import Store

        self.path = Path(path) if path is not None and str(path) != ":memory:" else path
        self.store = Store(path if path is not None else default_db_path(), read_only=read_only, wait=wait,
                           memory_limit=memory_limit, time_limit=time_limit)

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database; a writable one leaves beside it what it holds (``extractor.store.seen``)."""
        from extractor.store import seen

        held = None
        try:
            held = seen.gather(self.store)
        finally:
            self.store.close()
        if held is not None:
            seen.write(self.store.path, *held)

    def ingest(self, paths: Iterable[str | Path] | None = None, *, date: str | None = None,
               progress: Callable[[int, str], Any] | None = None,
               on_problem: Callable[[str, int | None, str, str], None] | None = None,
               git: str | Path | None = None, since: str | None = None, until: str | None = None,
               git_paths: Iterable[str] = (), repo: str | None = None, max_file_size: int | None = None,
               max_line_length: int | None = None) -> IngestResult:
        """Ingest files / folders; with no paths (and no ``git``), the sample shipped in the package.

        ``git``: walk that repository commit by commit (``since`` / ``until`` commit dates,
        ``git_paths`` globs); a second walk continues after the last commit ingested.
        ``repo`` (``OWNER/NAME``) names the repository of patches and of the walk.
        ``max_file_size`` / ``max_line_length``: bytes of an input file and of one of its lines
        past which it is refused, a recorded failure (None: 8 MB and 1 MB). Ctrl-C raises
        ``IngestInterrupted`` (a KeyboardInterrupt) whose ``result`` counts what was stored.
        """
        from extractor.ingest import ingest

        targets = list(paths) if paths else ([] if git is not None else [SAMPLE_DIR])
        return ingest(self.store, targets, date=date, progress=progress, on_problem=on_problem,
                      git=git, since=since, until=until, git_paths=git_paths, repo=repo,
                      max_file_size=max_file_size, max_line_length=max_line_length)

    def events(self, *, include_unchanged: bool = True) -> pd.DataFrame:
        """Every event as flat rows, in export order."""
        from extractor import export

        df = export.flat_frame(self.store)
        return df if include_unchanged else df[df["change"] != "unchanged"].reset_index(drop=True)

    def write_jsonl(self, out: IO[str]) -> int:
        """Write every event as a JSONL contract record to ``out``; returns how many."""
        from extractor import export

        return export.write_jsonl(self.store, out)

    def records(self) -> list[dict[str, Any]]:
        """Every event as a contract record (the JSONL lines, as dicts)."""
        from extractor import export

        return list(export.records(export.events_frame(self.store)))

    def sql(self, query: str, params: Any = None) -> pd.DataFrame:
        """Run ``query`` (``$name`` parameters bound from ``params``) and return its result,
        each value true to its type (lists, structs, maps as Python values; integers with
        gaps as ``Int64``). On a read-only connection only queries run, on the database only:
        anything else raises ``SqlRefused``."""
        return self.store.read(query, params).frame()

    # --- history: time views, named queries, digest (schemas/002_views.sql, queries/) ---

    def history(self, kind: str | None = None) -> pd.DataFrame:
        """Value spans (``valid_from`` / ``valid_to``) of one kind's facts, or of all kinds."""
        return _frame(self.store, f"SELECT * FROM {_view(kind, 'history')} ORDER BY ALL")

    def current(self, kind: str | None = None) -> pd.DataFrame:
        """What the documents state now: the open spans (one per document and fact)."""
        return _frame(self.store, f"SELECT * FROM {_view(kind, 'current')} ORDER BY ALL")

    def as_of(self, date: Any, kind: str | None = None, *, on_stale: Callable[[str], Any] | None = None) -> pd.DataFrame:
        """What the documents stated on ``date`` (a date, ISO text, ``today``, ``-7d``); a date
        past a document area's last source is told to ``on_stale`` (see ``query``)."""
        from extractor.model.coverage import query_warnings
        from extractor.queries import parse_date

        view = _view(kind, "as_of")
        d = parse_date(date, "as_of")
        _warn(query_warnings(self.store, {"as_of": d}, (kind,) if kind else ()), on_stale)
        return _frame(self.store, f"SELECT * FROM {view}($d) ORDER BY ALL", {"d": d})

    def changes(self, since: Any = None, until: Any = None, *, kind: str | None = None,
                on_stale: Callable[[str], Any] | None = None) -> pd.DataFrame:
        """Changes (not observations) observed between two dates, both included, in time order,
        each with a one-line ``description`` and its compare ``link`` (per document; the model
        level: ``model_changes``)."""
        from extractor.model.coverage import query_warnings
        from extractor.queries import parse_date

        _view(kind, "history")  # validates the kind
        if since is not None:
            _warn(query_warnings(self.store, {"since": parse_date(since, "since"),
                                              "until": None if until is None else parse_date(until, "until")},
                                 (kind,) if kind else ()), on_stale)
        return _frame(
            self.store,
            "SELECT * EXCLUDE (seq, event_id) FROM fact_changes "
            "WHERE ($since IS NULL OR observed_at >= $since) AND ($until IS NULL OR observed_at <= $until) "
            "AND ($kind IS NULL OR kind = $kind) ORDER BY seq, kind, doc, model, version NULLS FIRST, "
            "deployment_type NULLS FIRST, tier NULLS FIRST, subscription NULLS FIRST, region NULLS FIRST, attribute",
            {"since": None if since is None else parse_date(since, "since"),
             "until": None if until is None else parse_date(until, "until"), "kind": kind})

    def queries(self) -> pd.DataFrame:
        """The named queries (``queries/*.sql``): name, description, parameters."""
        from extractor.queries import list_frame

        return list_frame()

    def query(self, name: str, *, on_stale: Callable[[str], Any] | None = None, **params: Any) -> pd.DataFrame:
        """Run the named query ``name`` with ``params`` (missing ones take their defaults).

        An answer about a date past a document area's last source (``coverage``) is stale:
        each such area is told to ``on_stale`` (default: a ``StaleAnswerWarning``)."""
        from extractor.model.coverage import query_warnings
        from extractor.queries import get_query, match_model

        q = get_query(name)
        bound = q.bind(params)
        if q.param("model") is not None and isinstance(bound.get("model"), str):
            bound["model"] = match_model(bound["model"], self.models())
        _warn(query_warnings(self.store, bound, q.kinds), on_stale)
        return _frame(self.store, q.sql, bound)

    def models(self) -> list[str]:
        """Every model (and feature) name the documents state a fact about, sorted."""
        return [r[0] for r in self.store.read("SELECT DISTINCT model FROM events WHERE model IS NOT NULL ORDER BY 1").rows()]

    def report(self, since: Any, until: Any = None, *, fmt: str = "md", limit: int | None = None,
               on_stale: Callable[[str], Any] | None = None) -> str:
        """The digest of the model-level changes between two dates as Markdown (``md``), one HTML
        file with charts (``html``), JSON (``json``) or an Atom feed (``atom``; ``limit``: its
        newest entries only). Its text says which document areas it is stale for, and so does
        ``on_stale``."""
        from extractor import digest

        text, stale = digest.report_with_warnings(self.store, since, until, fmt=fmt, limit=limit)
        _warn(stale, on_stale)
        return text

    def model_page(self, name: str, *, fmt: str = "html") -> str:
        """The page of one model (``name`` matched without regard to case, aliases followed):
        quota steps, regions over time, retirement dates with every move, other facts."""
        from extractor import digest

        return digest.model_page(self.store, name, fmt=fmt)

    # --- the model level (extractor.model, schemas/010_model_level.sql) ---

    def model_changes(self, since: Any = None, until: Any = None, *, kind: str | None = None,
                      on_stale: Callable[[str], Any] | None = None) -> pd.DataFrame:
        """Model-level changes between two dates (both included): one row per change of what
        the documents together state about a model (``model_changes``)."""
        from extractor.model.coverage import query_warnings
        from extractor.queries import parse_date

        if kind is not None:
            _view(kind, "history")  # validates the kind
        params = {"since": None if since is None else parse_date(since, "since"),
                  "until": None if until is None else parse_date(until, "until"), "kind": kind}
        _warn(query_warnings(self.store, params, (kind,) if kind else ()), on_stale)
        return _frame(self.store, "SELECT * FROM model_changes WHERE ($since IS NULL OR observed_at >= $since) "
                      "AND ($until IS NULL OR observed_at <= $until) AND ($kind IS NULL OR kind = $kind) "
                      "ORDER BY observed_at, kind, model, version NULLS FIRST, deployment_type NULLS FIRST, "
                      "tier NULLS FIRST, subscription NULLS FIRST, region NULLS FIRST, attribute, change", params)

    def model_facts(self, as_of: Any = None, *, on_stale: Callable[[str], Any] | None = None) -> pd.DataFrame:
        """The model-level state on ``as_of`` (None: the current state): ``model_facts_as_of``."""
        from extractor.model.coverage import query_warnings
        from extractor.queries import parse_date

        params = {"as_of": None if as_of is None else parse_date(as_of, "as_of")}
        _warn(query_warnings(self.store, params), on_stale)
        return _frame(self.store, "SELECT * FROM model_facts_as_of($as_of) ORDER BY kind, model, version NULLS FIRST, "
                      "deployment_type NULLS FIRST, tier NULLS FIRST, subscription NULLS FIRST, region NULLS FIRST, "
                      "subject, attribute, value", params)

    def coverage(self) -> pd.DataFrame:
        """Per document area: its service, first and last source date, source dates, gaps."""
        return _frame(self.store, "SELECT * FROM area_coverage ORDER BY events DESC, area")

    def aliases(self) -> pd.DataFrame:
        """The model aliases in force (shipped and users'), with the events under each name."""
        from extractor.model.aliases import alias_rows

        cols, rows = alias_rows(self.store)
        import pandas as pd

        return pd.DataFrame(rows, columns=cols)

    def add_aliases(self, pairs: Iterable[tuple[str, str]] | str | Path) -> int:
        """Add users' aliases: ``(alias, model)`` pairs, or a CSV file with columns ``alias,model``
        (``note`` optional). An alias given again takes its new model. Returns how many."""
        from extractor.model.aliases import add_aliases, check_aliases, parse_aliases

        if isinstance(pairs, (str, Path)):
            path = Path(pairs)
            got = parse_aliases(path.read_text(encoding="utf-8"), str(path))
        else:
            got = check_aliases(((f"pair {i}", a, m, "") for i, (a, m) in enumerate(pairs, 1)), "aliases")
        return add_aliases(self.store, got)

    def remove_aliases(self, names: Iterable[str]) -> int:
        """Forget users' aliases (the shipped ones stay); returns how many were stored."""
        from extractor.model.aliases import remove_aliases

        return remove_aliases(self.store, list(names))

    def stats(self) -> dict[str, pd.DataFrame]:
        """Sources, events per kind, moves, unresolved rows per document, and errors: a table each."""
        from extractor.store.stats import STATS

        return {name: self.store.read(sql).frame() for name, sql in STATS.items()}

    def stats_rows(self) -> dict[str, Rows]:
        """``stats`` as plain rows (Python values), for the command line: no pandas to load."""
        from extractor.render import Rows
        from extractor.store.stats import stats_result

        return {name: Rows(*got) for name, got in stats_result(self.store).items()}


def __getattr__(name: str) -> Any:
    if name == "KINDS":  # the registered kinds, as they are now
        from extractor import kinds

        return kinds.names()
    raise AttributeError(name)



class StaleAnswerWarning(UserWarning):
    """An answer about a date past the last source of a document area it draws on."""


def _warn(messages: list[str], on_stale: Callable[[str], Any] | None) -> None:
    for msg in messages:
        if on_stale is not None:
            on_stale(msg)
        else:
            import warnings

            warnings.warn(msg, StaleAnswerWarning, stacklevel=3)


def _frame(store: Store, sql: str, params: Any = None) -> pd.DataFrame:
    """A query's result as a DataFrame, integer columns as nullable ``Int64`` (not float);
    on a read-only store, run as any SQL is there (``Store.read``)."""
    return store.read(sql, params).frame()


def _view(kind: str | None, form: str) -> str:
    """The view (or table macro) of ``kind`` in ``form`` (history, current, as_of)."""
    if kind is None:
        return f"fact_{form}"
    from extractor import kinds

    if kind not in kinds.REGISTRY:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(kinds.names())}")
    return f"{kind}_{form}"


def ingested_already(db: str | Path, paths: Iterable[str | Path] | None = None) -> IngestResult | None:
    """What an ingest of ``paths`` (none: the shipped sample) into the database ``db`` would
    report when it holds every file already, unchanged: told from beside the database
    without opening it (``extractor.store.seen``). None when an ingest may have work to do."""
    from extractor.ingest.result import IngestResult
    from extractor.sources.detect import HEAD_BYTES, kind_of_head
    from extractor.sources.found import expand, file_key, file_stat
    from extractor.store import seen

    held = seen.listed(db)
    if held is None:
        return None
    problems: list[tuple[str, str, str]] = []
    res = IngestResult()
    for path, explicit in expand(list(paths or []) or [SAMPLE_DIR], problems):
        res.files += 1
        stat = file_stat(path)
        if stat is not None and held.get(file_key(path)) == stat:
            res.skipped_known += 1
            continue
        if explicit:
            return None
        try:  # found in a folder: neither report nor patch is skipped, as the ingest does
            with open(path, "rb") as fh:
                head = fh.read(HEAD_BYTES)
        except OSError:
            return None
        if kind_of_head(head) is not None:
            return None
        res.skipped_other.append(str(path))
    return res if res.files and not problems else None


def stats_already(db: str | Path) -> dict[str, Rows] | None:
    """``Extractor.stats_rows`` of the database ``db`` as its writer left it, read from beside
    it without opening it (``extractor.store.seen``); None when that cannot be told."""
    from extractor.render import Rows
    from extractor.store import seen

    tables = seen.stats(db)
    return None if tables is None else {name: Rows(cols, rows) for name, (cols, rows) in tables.items()}










def connect(path: str | Path | None = None, *, read_only: bool = False, wait: float | None = None,
            memory_limit: str | None = None, time_limit: float | None = None) -> Extractor:
    """Open (creating if needed) a fact database; ``None`` means the default path.

    ``read_only``: open it for reading only, in the sandbox (see the module docstring).
    ``wait``: seconds to wait while another process holds the database (an ingest writing,
    or readers when this one is to write); None: ``$EXTRACTOR_WAIT``, else 0.
    ``memory_limit`` (such as ``"2GB"``) and ``time_limit`` (seconds) bound each query:
    one past either raises ``QueryLimit``; Ctrl-C stops a query at once."""
    return Extractor(path, read_only=read_only, wait=wait, memory_limit=memory_limit, time_limit=time_limit)


__all__ = ["Extractor", "QueryLimit", "SqlRefused", "StaleAnswerWarning", "StoreError", "connect"]
