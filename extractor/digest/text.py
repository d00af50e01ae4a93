"""Words and markup shared by the digest, the model pages and the feed: how a value, a
subject and a change read, escaping for Markdown and HTML, anchors and links. Every piece of
document text goes through ``md_escape`` or ``esc``; only ``http(s)`` links are emitted."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from types import SimpleNamespace
from typing import Any

from extractor import kinds
from extractor.render import is_missing

PAGE_CLASSES = ("model", "feature")  # the subjects with a page of their own (report --model)

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def none(v: Any) -> Any:
    """``v`` with pandas' and NumPy's missing values as None."""
    return None if is_missing(v) else v


def md_escape(text: Any) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def safe_url(url: Any) -> str | None:
    url = none(url)
    return url if isinstance(url, str) and url.startswith(("https://", "http://")) else None


def md_link(label: str, url: Any) -> str:
    u = safe_url(url)
    return f"[{md_escape(label)}]({u.replace(')', '%29').replace(' ', '%20')})" if u else md_escape(label)


def html_link(label: str, url: Any) -> str:
    u = safe_url(url)
    return f'<a href="{esc(u)}">{esc(label)}</a>' if u else esc(label)


def slug(text: str) -> str:
    """An anchor for ``text``: lower case, runs of other characters as one hyphen."""
    return re.sub(r"[^a-z0-9.]+", "-", str(text).lower()).strip("-") or "x"


def range_label(link: Any) -> str:
    """``base...head`` of a compare link, else ``compare``."""
    u = none(link)
    m = re.search(r"/compare/(?:[^:/]+:)?([^.]+)\.\.\.(?:[^:/]+:)?(\S+)$", u or "")
    return f"{m.group(1)}...{m.group(2)}" if m else "compare"


def short_doc(doc: str) -> str:
    return re.sub(r"^articles/(ai-services/)?", "", doc)


def attribute_title(kind: str, attribute: str) -> str:
    try:
        for a in kinds.get(kind).attributes:
            if a.name == attribute:
                return a.title
    except KeyError:
        pass
    return attribute.replace("_", " ")


def is_boolean(kind: str) -> bool:
    try:
        return kinds.get(kind).value_type == "boolean"
    except KeyError:
        return False


def value_text(v: Any) -> str:
    """A stated value for people: integers with thousands separators, the rest as written."""
    v = none(v)
    if v is None:
        return "—"
    s = str(v)
    if " | " in s:  # several values the documents state at once (model_changes joins them)
        return " | ".join(value_text(x) for x in s.split(" | "))
    if re.fullmatch(r"-?\d+", s):
        return f"{int(s):,}"
    return s


def as_date(v: Any) -> dt.date | None:
    v = none(v)
    if isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v)[:10]) if v is not None else None
    except ValueError:
        return None


def subject_label(r: Any) -> str:
    """``gpt-4o 2024-08-06 (global-standard, default, eastus)``; for a kind whose subject names
    no model, its subject keys' values."""
    model = none(getattr(r, "model", None))
    version = none(getattr(r, "version", None))
    scope = [x for x in (none(getattr(r, k, None)) for k in ("deployment_type", "tier", "subscription", "region")) if x]
    if model is None:
        subject = none(getattr(r, "subject", None))
        try:
            keys = json.loads(subject) if isinstance(subject, str) else (subject or {})
        except ValueError:
            keys = {}
        parts = [str(v) for v in keys.values() if v is not None and str(v) not in scope]
        model = " ".join(parts) or kinds.title(r.kind)
    text = model + (f" {version}" if version else "")
    return text + (f" ({', '.join(scope)})" if scope else "")


def change_text(r: Any) -> str:
    """One change of ``model_changes`` in words (without its subject)."""
    attr = attribute_title(r.kind, r.attribute)
    old, new = none(r.old), none(r.new)
    qual = none(getattr(r, "qualifier", None))
    if bool(none(getattr(r, "conflict", None))):
        stated = none(getattr(r, "stated", None))
        return f"{attr}: documents disagree ({stated})" if stated else f"{attr}: documents disagree"
    if r.change == "changed":
        text = f"{attr}: {value_text(old)} → {_qual(qual)}{value_text(new)}"
        a, b = as_date(old), as_date(new)
        if a and b and attr_is_date(r.kind, r.attribute):
            text += f" ({(b - a).days:+d} days)"
        return text
    if r.change == "added":
        return f"{attr}: {_qual(qual)}{value_text(new)} (new)"
    return f"{attr}: {value_text(old)} no longer stated"


def attr_is_date(kind: str, attribute: str) -> bool:
    try:
        return any(a.name == attribute and a.type == "date" for a in kinds.get(kind).attributes)
    except KeyError:
        return False


def _qual(q: Any) -> str:
    """A date's qualifier as words before it (``no-earlier-than`` -> ``no earlier than ``)."""
    return f"{str(q).replace('-', ' ')} " if q else ""


def line_text(r: Any) -> str:
    """A change with its subject, in words: ``o3 (global-standard, default) TPM: 2,000,000 → 3,000,000``;
    an availability change as ``gpt-4.1 2025-04-14 (global-standard): gained eastus2``."""
    if is_boolean(r.kind) and not bool(none(getattr(r, "conflict", None))):
        place = SimpleNamespace(**{k: getattr(r, k, None) for k in ("kind", "model", "version", "deployment_type", "tier",
                                                                   "subscription", "subject")}, region=None)
        verb = {"added": "gained", "removed": "lost"}.get(r.change, r.change)
        return f"{subject_label(place)}: {verb} {none(r.region) or '(no region)'}"
    return f"{subject_label(r)} {change_text(r)}"
