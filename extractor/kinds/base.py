"""What a fact kind declares, and what its recogniser yields (``Fact``) and must do (``Recogniser``).

A kind declares its subject keys, typed attributes, prefilter words, titles and
labels for people, and its recogniser. ``extractor.kinds`` lists the kinds; the per-kind views
(``<kind>_history``, ``<kind>_current``, ``<kind>_as_of``) are generated from these fields."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Protocol

if TYPE_CHECKING:
    from extractor.blocks import Block
    from extractor.diff.model import DiffLine

@dataclass(slots=True)  # not frozen: a frozen init costs 5x, and facts are made by the ten thousand
class Fact:
    """One statement a view of a document makes: ``subject``'s ``attribute`` has ``value``. The
    semantic diff compares the facts of the before and after views; recognisers never see diffs."""

    kind: str
    subject: tuple[tuple[str, str | None], ...]
    attribute: str
    value: Any  # int, str (ISO date / text) or True
    raw: str
    qualifier: str | None
    line: DiffLine

    @property
    def key(self) -> tuple[str, tuple[tuple[str, str | None], ...], str]:
        return self.kind, self.subject, self.attribute


class Recogniser(Protocol):
    kind: ClassVar[str]

    def claims(self, block: Block) -> bool:
        """True when this block (by its header and headings, then its doc path) is ours."""
        ...

    def extract(self, block: Block) -> Iterator[Fact]:
        """The facts the block states. Called only for claimed blocks with a known header.

        What a row gives may depend only on the block's ``doc``, ``header`` and ``headings``
        and on that row's cells, never on other rows or on the row's line (other than as
        each fact's ``line``): ``ingest.extract.block_facts`` reads each row once and caches it so.
        """
        ...


# An attribute's type: ``integer_or_text`` is an integer where the cell gives a quantity, else
# its text (``service_limit``'s ``value``). A kind's views have one value column typed by its
# attributes (``Kind.value_type``): ``mixed`` where integers and text meet in one kind.
ValueType = Literal["integer", "date", "text", "boolean", "integer_or_text", "mixed"]
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# The typed subject columns of ``events`` (a key stored under another name: ``STORED_AS``);
# any other key is read from ``subject_json``.
EVENT_KEYS = ("model", "version", "deployment_type", "tier", "subscription", "region")
STORED_AS = {"subject": "model"}


@dataclass(frozen=True)
class Attribute:
    name: str
    type: ValueType
    label: str = ""  # for people (``TPM``); default: the name with spaces for underscores
    # the value names models (``gpt-4o (2024-11-20) or gpt-4o-mini``): the model level reads
    # each name through the aliases, as it reads subjects' models
    names_models: bool = False

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ")


@dataclass(frozen=True)
class Kind:
    name: str
    subject_keys: tuple[str, ...]  # in export order
    attributes: tuple[Attribute, ...]
    title: str  # the digest's heading ("Quotas")
    recogniser: Recogniser | type  # the recogniser: its class (made when first asked for) or an instance
    # Prefilter: a section is parsed when its table rows contain one of ``words`` (lower case,
    # as substrings) or one of ``whole_words`` (as whole words).
    words: tuple[str, ...] = ()
    whole_words: tuple[str, ...] = ()
    # ... or shows a short bullet item (a line of up to 60 characters) for which ``bullet`` is true
    bullet: Callable[[str], bool] | None = None
    claim_rank: int = 100  # recognisers are asked in rising rank (batch quota before quota)
    _instance: list[Recogniser] = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        for n in (self.name, *self.subject_keys, *(a.name for a in self.attributes)):
            if not _NAME.match(n):
                raise ValueError(f"kind {self.name!r}: {n!r} is not a lower-case identifier")
        if not self.attributes or not self.subject_keys:
            raise ValueError(f"kind {self.name!r}: needs subject keys and attributes")
        types = {a.type for a in self.attributes}
        if "boolean" in types and len(self.attributes) > 1:
            raise ValueError(f"kind {self.name!r}: a boolean kind has one attribute")
        if "mixed" in types:
            raise ValueError(f"kind {self.name!r}: 'mixed' is a kind's value type, not an attribute's")
        if types & {"integer", "integer_or_text"} and "date" in types:
            raise ValueError(f"kind {self.name!r}: integer attributes do not mix with dates")

    def get_recogniser(self) -> Recogniser:
        """The recogniser instance (made once)."""
        if not self._instance:
            rec = self.recogniser
            self._instance.append(rec() if isinstance(rec, type) else rec)
        return self._instance[0]

    def subject(self, **keys: str | None) -> tuple[tuple[str, str | None], ...]:
        """A subject of this kind in its canonical key order (keys not given are None);
        unknown keys are an error."""
        order = self.subject_keys
        for k in keys:
            if k not in order:
                raise KeyError(f"{self.name} has no subject keys {sorted(set(keys) - set(order))}")
        return tuple([(k, keys.get(k)) for k in order])

    @property
    def value_type(self) -> ValueType:
        """The type of the views' value column: integer, boolean, date (dates, maybe with
        text attributes: also ``value_date`` and ``qualifier``), mixed (integers and text:
        ``value`` as text and ``value_num``) or text."""
        types = {a.type for a in self.attributes}
        if "integer_or_text" in types or ("integer" in types and len(types) > 1):
            return "mixed"
        for t in ("integer", "boolean", "date"):
            if t in types:
                return t  # type: ignore[return-value]
        return "text"

    def key_column(self, key: str) -> str:
        """The SQL that gives subject key ``key`` from a ``fact_history`` row, named as the key."""
        if key in EVENT_KEYS:
            return key
        if key in STORED_AS:
            return f"{STORED_AS[key]} AS {key}"
        return f"json_extract_string(subject_json, '$.{key}') AS {key}"

    def readme_row(self) -> str:
        """This kind's row in the README table of kinds."""
        attrs = ", ".join(f"`{a.name}`" for a in self.attributes)
        return f"| `{self.name}` | {', '.join(self.subject_keys)} | {attrs} |"
