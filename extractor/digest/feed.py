"""The Atom feed of a digest's period (``extract report --format atom``): one entry per
model-level change, newest first, each with a stable id (a hash of what changed, so a
feed reader shows it once however often the feed is built), its compare link and its
documents. Written with the standard library (``xml.sax.saxutils`` escaping)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from extractor.digest.collect import Digest
from extractor.digest.text import line_text, none, short_doc

FEED_ID = "tag:extractor,2025:model-changes"


def entry_id(r: Any) -> str:
    keys = [str(none(getattr(r, k, None))) for k in ("observed_at", "kind", "subject", "model", "version", "deployment_type",
                                                   "tier", "subscription", "region", "attribute", "change", "old", "new")]
    return f"{FEED_ID}:{hashlib.sha1('|'.join(keys).encode()).hexdigest()[:20]}"


def _stamp(d: dt.date) -> str:
    return f"{d.isoformat()}T00:00:00Z"


def atom(d: Digest, *, limit: int | None = None) -> str:
    rows = sorted(d.rows, key=lambda r: (r.observed_at, entry_id(r)), reverse=True)
    if limit:
        rows = rows[:limit]
    updated = _stamp(rows[0].observed_at if rows else (d.end or d.since))
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom">',
           f"<id>{FEED_ID}:{d.since}:{d.until or 'latest'}</id>",
           f"<title>{escape('Model changes from ' + d.period())}</title>", f"<updated>{updated}</updated>",
           "<author><name>extractor</name></author>",
           '<generator uri="https://github.com/MicrosoftDocs/azure-ai-docs">extractor</generator>']
    for r in rows:
        title = line_text(r)
        docs = ", ".join(short_doc(x) for x in (none(r.docs) or []))
        out += ["<entry>", f"<id>{entry_id(r)}</id>", f"<title>{escape(title)}</title>",
                f"<updated>{_stamp(r.observed_at)}</updated>"]
        link = none(r.link)
        if isinstance(link, str) and link.startswith(("https://", "http://")):
            out.append(f'<link rel="alternate" href={quoteattr(link)}/>')
        out.append(f'<category term={quoteattr(r.kind)}/>')
        out.append(f"<summary>{escape(title + (' — ' + docs if docs else ''))}</summary>")
        out.append("</entry>")
    out.append("</feed>")
    return "\n".join(out) + "\n"
