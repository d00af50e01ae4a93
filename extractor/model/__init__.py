"""The model level: one consolidated, model-level history built from the per-document fact
history (FACTS.md, "The model level"), above the store and below the queries, exports and
reports.

* ``aliases.csv`` (shipped) and the store's ``user_model_aliases`` table (``extract aliases``)
  map spelling variants to one canonical model name (``dalle-3`` -> ``dall-e-3``).
* ``services.csv`` names the service of each document area (the folder under ``articles/``)
  and the class its subjects have by default (Azure AI Search's are features).
* ``schemas/010_model_level.sql`` holds the views (``model_spans``, ``model_subjects``,
  ``model_facts_as_of(d)``, ``model_changes``, ``area_coverage``, ...); the macros and data
  views it needs from the kind registry and the CSV files are generated here (``views_sql``),
  so a kind added to ``extractor.kinds`` flows in without edits.
* ``coverage`` tells, per area, the first and last source date and the gaps, and warns about
  answers past an area's last source.
"""

from __future__ import annotations

from extractor.model.aliases import builtin_aliases, services
from extractor.model.sql import views_sql

__all__ = ["builtin_aliases", "services", "views_sql"]
