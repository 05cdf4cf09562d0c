"""Curate: load the human-edited annotations/*.yaml and lay them over the automatic layer.

Files (all optional; each validated by a Pydantic model that rejects unknown keys, and
loaded with PyYAML's safe loader only, so a tag that would build a Python object is an
error and nothing runs):

  entities.yaml  people, organizations, places, publications with aliases (the gazetteer)
  events.yaml    events with dates, location, participants and one evidence span per source
  figures.yaml   what each automatic figure measures, or why it is dismissed
  quotes.yaml    speaker and event of each quote
  dates.yaml     confirmation, correction or dismissal of each automatic date mention
  names.yaml     names the extractor found that are not entities (dismissed with a reason)
                 or that refer to a curated entity

Figures, dates and quotes are pointed at by `article` and `evidence`: the exact text of
the candidate (for quotes, any verbatim part of the quotation), with `occurrence` (1 =
first) when the same text occurs more than once. Every evidence string must be found
verbatim in the article's text, or the build fails naming file, line and string.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import compress
from pathlib import Path
from typing import Annotated

import pyarrow as pa
import pyarrow.compute as pc
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from build_dataset.errors import Problems
from build_dataset.models import (
    DatePrecision,
    EntityType,
    EventType,
    FigureKind,
    Qualifier,
    Resolution,
    Role,
)

Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
ArticleId = Annotated[str, Field(min_length=1)]
Text = Annotated[str, Field(min_length=1)]


class Ann(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_interval(start: dt.date, end: dt.date, precision: str) -> None:
    if end < start:
        raise ValueError(f"date_end {end} is before date_start {start}")
    if precision == "year" and not (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        raise ValueError("year precision needs YYYY-01-01 .. YYYY-12-31")
    if precision == "month" and (start.day != 1 or (end + dt.timedelta(days=1)).day != 1):
        raise ValueError("month precision needs the first .. last day of months")


class EntityAnn(Ann):
    id: Slug
    name: Text
    type: EntityType
    aliases: list[Text] = []
    description: str | None = None


class ParticipantAnn(Ann):
    entity: Slug
    role: Role


class SourceAnn(Ann):
    article: ArticleId
    evidence: Text


class EventAnn(Ann):
    id: Slug
    title: Text
    type: EventType
    date_start: dt.date
    date_end: dt.date
    date_precision: DatePrecision
    location: Slug | None = None
    description: str | None = None
    participants: list[ParticipantAnn] = []
    sources: list[SourceAnn] = Field(min_length=1)
    parent: Slug | None = None

    @model_validator(mode="after")
    def _dates(self):
        _check_interval(self.date_start, self.date_end, self.date_precision)
        return self


class Pointer(Ann):
    """Points at a span of an article by its exact text."""

    article: ArticleId
    evidence: Text
    occurrence: int = Field(1, ge=1)


class FigureAnn(Pointer):
    measure: str | None = None
    subject: Slug | None = None
    event: Slug | None = None
    as_of: dt.date | None = None
    as_of_precision: DatePrecision | None = None
    # corrections of the automatic reading, or the whole reading for a figure it missed
    value: float | None = None
    qualifier: Qualifier | None = None
    kind: FigureKind | None = None
    unit: str | None = None
    note: str | None = None
    dismissed: Text | None = None

    @model_validator(mode="after")
    def _either(self):
        if self.dismissed and (self.measure or self.subject or self.event):
            raise ValueError("a dismissed figure carries only its reason")
        if (self.as_of is None) != (self.as_of_precision is None):
            raise ValueError("as_of and as_of_precision go together")
        return self


class QuoteAnn(Pointer):
    speaker: Slug | None = None
    event: Slug | None = None
    note: str | None = None


class DateAnn(Pointer):
    value_start: dt.date | None = None
    value_end: dt.date | None = None
    precision: DatePrecision | None = None
    resolution: Resolution | None = None  # for a date the extractor missed; default explicit
    note: str | None = None
    dismissed: Text | None = None

    @model_validator(mode="after")
    def _dates(self):
        given = [self.value_start, self.value_end, self.precision]
        if any(v is not None for v in given):
            if any(v is None for v in given):
                raise ValueError("a correction gives value_start, value_end and precision")
            _check_interval(self.value_start, self.value_end, self.precision)
        return self


class NameAnn(Ann):
    text: Text
    article: ArticleId | None = None  # None: in every article
    entity: Slug | None = None
    dismissed: Text | None = None

    @model_validator(mode="after")
    def _one(self):
        if (self.entity is None) == (self.dismissed is None):
            raise ValueError("give either entity or dismissed")
        return self


class EntitiesFile(Ann):
    entities: list[EntityAnn] = []


class EventsFile(Ann):
    events: list[EventAnn] = []


class FiguresFile(Ann):
    figures: list[FigureAnn] = []


class QuotesFile(Ann):
    quotes: list[QuoteAnn] = []


class DatesFile(Ann):
    dates: list[DateAnn] = []


class NamesFile(Ann):
    names: list[NameAnn] = []


FILES: dict[str, type[Ann]] = {
    "entities.yaml": EntitiesFile,
    "events.yaml": EventsFile,
    "figures.yaml": FiguresFile,
    "quotes.yaml": QuotesFile,
    "dates.yaml": DatesFile,
    "names.yaml": NamesFile,
}


def annotation_schemas() -> dict[str, dict]:
    out = {}
    for fname, model in FILES.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"annotations.{fname.removesuffix('.yaml')}.schema.json"
        schema["title"] = f"annotations/{fname}"
        out[f"annotations.{fname.removesuffix('.yaml')}.schema.json"] = schema
    return out


# ---------------------------------------------------------------- loading with line numbers


def _lines(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    """Map every path in a composed YAML document to its 1-based line."""
    out = {} if out is None else out
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value if isinstance(key, yaml.ScalarNode) else str(key)
            out[(*path, k)] = key.start_mark.line + 1
            _lines(value, (*path, k), out)
            out[(*path, k)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _lines(item, (*path, i), out)
    return out


@dataclass
class Loaded:
    model: Ann
    lines: dict[tuple, int]
    name: str

    def line(self, *path) -> int | None:
        while path and tuple(path) not in self.lines:
            path = path[:-1]
        return self.lines.get(tuple(path))


class Loader(yaml.SafeLoader):
    """The safe loader, stricter: a key given twice in one mapping is an error (PyYAML
    would keep the last), and dates stay text for Pydantic to parse, so that 2024-02-30
    is reported with its line like any other bad value."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                if key.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key.value!r}", key.start_mark
                    )
                seen.add(key.value)
        return super().construct_mapping(node, deep)

    def compose_node(self, parent, index):
        # An alias re-uses a node: nested ones make a small file expand into billions of
        # values ("billion laughs"). Annotations are plain data: write the value out.
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                "aliases (*name) are not allowed in annotations",
                self.peek_event().start_mark,
            )
        return super().compose_node(parent, index)


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_file(path: Path, model: type[Ann], name: str, problems: Problems) -> Loaded | None:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except OSError as e:
        problems.add(name, None, "file", f"cannot read: {e.strerror or e}")
        return None
    except UnicodeDecodeError as e:
        problems.add(
            name, raw.count(b"\n", 0, e.start) + 1, "file", f"not valid UTF-8 at byte {e.start}"
        )
        return None
    try:
        node = yaml.compose(text, Loader=Loader)
        data = yaml.load(text, Loader=Loader)  # noqa: S506 - a SafeLoader
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        msg = " ".join(str(x) for x in (e.context, e.problem) if x)
        if "python/" in msg or "could not determine a constructor" in msg:
            msg = f"tag not allowed (annotations are plain data): {msg}"
        problems.add(name, line, "yaml", msg)
        return None
    except yaml.YAMLError as e:
        problems.add(name, None, "yaml", str(e))
        return None
    except (ValueError, TypeError, IndexError, AttributeError, RecursionError) as e:
        # PyYAML's constructors can fail on odd scalars ("!!int" with no value)
        problems.add(name, None, "yaml", f"cannot be read as plain data: {type(e).__name__}")
        return None
    lines = _lines(node) if node is not None else {}
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.add(name, 1, "document", "must be a mapping with one top-level list")
        return None
    try:
        parsed = model.model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            loc = err["loc"]
            field_name = _dotted(loc)
            line = Loaded(None, lines, name).line(*loc)
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown key"
            problems.add(name, line, field_name, msg)
        return None
    return Loaded(parsed, lines, name)


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("function-after",) or str(part).startswith("function-"):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out or "document"


@dataclass
class Annotations:
    files: dict[str, Loaded] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)  # files with problems: ids in them unknown

    def items(self, fname: str, key: str) -> list[tuple[int, object]]:
        loaded = self.files.get(fname)
        return list(enumerate(getattr(loaded.model, key))) if loaded else []

    def line(self, fname: str, *path) -> int | None:
        loaded = self.files.get(fname)
        return loaded.line(*path) if loaded else None

    def name(self, fname: str) -> str:
        loaded = self.files.get(fname)
        return loaded.name if loaded else f"annotations/{fname}"


def load(folder: Path | None, problems: Problems, display=str) -> Annotations:
    out = Annotations()
    if folder is None or not folder.is_dir():
        return out
    for fname, model in FILES.items():
        path = folder / fname
        if path.exists() or path.is_symlink():  # a dangling link is reported, not skipped
            loaded = load_file(path, model, display(path), problems)
            if loaded:
                out.files[fname] = loaded
            else:
                out.failed.add(fname)
    for path in sorted(folder.glob("*.y*ml")):
        if path.name not in FILES:
            problems.add(
                display(path), None, "file", f"unknown annotation file (known: {', '.join(FILES)})"
            )
    return out


# ---------------------------------------------------------------- resolution


def find_occurrence(text: str, needle: str, occurrence: int) -> int | None:
    pos = -1
    for _ in range(occurrence):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            return None
    return pos


def slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.lower().replace("’", "").replace("'", ""))
    return s.strip("-") or "x"


# ---------------------------------------------------------------- merge


def gazetteer_entries(ann: Annotations) -> list[tuple[str, str, str, list[str]]]:
    return [
        (e.id, e.name, e.type, list(e.aliases)) for _, e in ann.items("entities.yaml", "entities")
    ]


def _span_id(article_id: str, start: int, end: int) -> str:
    return f"{article_id}:{start}-{end}"


def _span_ids(article_id, char_start, char_end) -> list[str]:
    """`_span_id` of every row of columns, written out: a call per id cost a fifth more."""
    return [f"{a}:{s}-{e}" for a, s, e in zip(article_id, char_start, char_end, strict=False)]


@lru_cache(maxsize=1 << 16)  # the same names recur in article after article
def auto_entity_id(name: str) -> str:
    return "auto-" + slug(name)


# ---------------------------------------------------------------- the automatic layer
# Rows made from candidates alone, as they are before any annotation is laid over them.


# The automatic rows are made as columns (a worker validates them as columns: see
# `assemble.make_part_of_columns`); each table's shape is written once, as a function of
# the candidates' columns in their order, and the Merger's rows are made by the same
# functions from columns of one value (`row_of`).
def figure_columns(
    article_id, char_start, char_end, value_text, value, qualifier, kind, unit
) -> dict[str, Sequence]:
    none = [None] * len(article_id)
    return {
        "figure_id": _span_ids(article_id, char_start, char_end),
        "article_id": article_id,
        "value": value,
        "value_text": value_text,
        "qualifier": qualifier,
        "kind": kind,
        "unit": unit,
        "measure": none,
        "subject_id": none,
        "event_id": none,
        "as_of": none,
        "as_of_precision": none,
        "char_start": char_start,
        "char_end": char_end,
        "status": ["auto"] * len(article_id),
        "note": none,
    }


def date_columns(
    article_id, char_start, char_end, text, value_start, value_end, precision, resolution
) -> dict[str, Sequence]:
    return {
        "mention_id": _span_ids(article_id, char_start, char_end),
        "article_id": article_id,
        "text": text,
        "char_start": char_start,
        "char_end": char_end,
        "value_start": value_start,
        "value_end": value_end,
        "precision": precision,
        "resolution": resolution,
        "status": ["auto"] * len(article_id),
        "note": [None] * len(article_id),
    }


def quote_columns(article_id, char_start, char_end, text, speaker_id) -> dict[str, Sequence]:
    return {
        "quote_id": _span_ids(article_id, char_start, char_end),
        "article_id": article_id,
        "speaker_id": speaker_id,
        "text": text,
        "char_start": char_start,
        "char_end": char_end,
        "event_id": [None] * len(article_id),
        "status": ["auto"] * len(article_id),
        "note": [None] * len(article_id),
    }


def mention_columns(
    article_id, char_start, char_end, entity_id, text, status
) -> dict[str, Sequence]:
    return {
        "mention_id": _span_ids(article_id, char_start, char_end),
        "entity_id": entity_id,
        "article_id": article_id,
        "char_start": char_start,
        "char_end": char_end,
        "text": text,
        "status": status,
    }


def row_of(columns_of, *args, **kwargs) -> dict:
    """One row of a table, made by its columns function (`figure_columns`, ...) from the
    candidate's values given as they would be to it (positional or by name)."""
    columns = columns_of(*([v] for v in args), **{k: [v] for k, v in kwargs.items()})
    return {k: v[0] for k, v in columns.items()}


@dataclass(frozen=True)
class Reach:
    """What the annotations can touch: the articles that figures.yaml, dates.yaml and
    quotes.yaml point into, and the (article or None, text) of names.yaml. Candidates
    there are merged with the annotations in one place (`Merger`); every other candidate
    becomes its row where it was extracted (`automatic`), batch by batch."""

    figures: frozenset[str] = frozenset()
    dates: frozenset[str] = frozenset()
    quotes: frozenset[str] = frozenset()
    names: frozenset[tuple[str | None, str]] = frozenset()

    @classmethod
    def of(cls, ann: Annotations) -> Reach:
        def articles(fname: str, key: str) -> frozenset[str]:
            return frozenset(a.article for _, a in ann.items(fname, key))

        return cls(
            figures=articles("figures.yaml", "figures"),
            dates=articles("dates.yaml", "dates"),
            quotes=articles("quotes.yaml", "quotes"),
            names=frozenset((a.article, a.text) for _, a in ann.items("names.yaml", "names")),
        )

    def named(self, article_id: str, text: str) -> bool:
        return text in self.texts and (
            (article_id, text) in self.names or (None, text) in self.names
        )

    @cached_property
    def texts(self) -> frozenset[str]:
        """The texts of `names`: most names are none of them, told apart with no key made."""
        return frozenset(text for _, text in self.names)


@dataclass
class Automatic:
    """What `automatic` makes of one batch of candidates: rows per table (as columns), the
    candidates left to the Merger (per kind), and the automatic entities first named in
    the batch (id -> (name, type)), by quotes and by names apart, as the Merger registers
    every quote's speaker before any name."""

    rows: dict[str, dict[str, Sequence]]
    deferred: dict[str, list[dict]]
    speakers: dict[str, tuple[str, str]]
    names: dict[str, tuple[str, str]]


def automatic(candidates: dict[str, dict[str, Sequence]], reach: Reach) -> Automatic:
    """Rows of the candidates no annotation can touch (see `Reach`), status auto, or
    curated for a name the gazetteer knows: what the Merger would make of them, as
    columns. `candidates`: per kind, its columns (those of `pipeline.extract_batch`'s
    batches); the candidates left to the Merger are rows (column -> value)."""
    out = Automatic({}, {kind: [] for kind in candidates}, {}, {})
    for kind, table, columns_of, touched in (
        ("figures", "figures", figure_columns, reach.figures),
        ("dates", "date_mentions", date_columns, reach.dates),
    ):
        cols = candidates[kind]
        cols = _leave(cols, [aid in touched for aid in cols["article_id"]], out.deferred[kind])
        out.rows[table] = columns_of(**cols)
    cols = candidates["quotes"]
    speakers = list(cols["speaker_entity_id"])
    for i, name in enumerate(cols["speaker_name"]):
        if speakers[i] is None and name:
            speakers[i] = auto_entity_id(name)
            out.speakers.setdefault(speakers[i], (name, "person"))
    left = [aid in reach.quotes for aid in cols["article_id"]]
    cols = _leave({**cols, "speaker": speakers}, left, out.deferred["quotes"], drop="speaker")
    out.rows["quotes"] = quote_columns(
        cols["article_id"], cols["char_start"], cols["char_end"], cols["text"], cols["speaker"]
    )
    cols = candidates["names"]
    aids, texts, given = cols["article_id"], cols["text"], cols["entity_id"]
    if not reach.texts.isdisjoint(texts):  # most batches: no name is one of names.yaml
        named = zip(aids, texts, given, strict=True)
        cols = _leave(
            cols, [e is None and reach.named(a, t) for a, t, e in named], out.deferred["names"]
        )
    eids, names = [], out.names
    for text, entity_type, eid in zip(
        cols["text"], cols["entity_type"], cols["entity_id"], strict=True
    ):
        if eid is None:
            eid = auto_entity_id(text)
            if eid not in names:  # the first name wins
                names[eid] = (text, entity_type)
        eids.append(eid)
    statuses = ["curated" if eid is not None else "auto" for eid in cols["entity_id"]]
    out.rows["mentions"] = mention_columns(
        cols["article_id"], cols["char_start"], cols["char_end"], eids, cols["text"], statuses
    )
    return out


def _leave(
    cols: dict[str, Sequence], left: list[bool], deferred: list[dict], drop: str | None = None
) -> dict[str, Sequence]:
    """The columns of the candidates not `left` to the Merger; those left are added to
    `deferred` as rows (without the column `drop`, one `automatic` added)."""
    if not any(left):  # most batches: no candidate in an annotated article
        return cols
    keys = [k for k in cols if k != drop]
    rows = zip(*(cols[k] for k in keys), strict=True)
    deferred += [
        dict(zip(keys, row, strict=True))
        for row, is_left in zip(rows, left, strict=True)
        if is_left
    ]
    kept = [not is_left for is_left in left]
    return {k: list(compress(v, kept)) for k, v in cols.items()}


class Merger:
    """Lays the annotations over the automatic candidates; collects problems."""

    def __init__(
        self, articles, candidates, ann: Annotations, problems: Problems, skipped=frozenset()
    ):
        self.articles = {a.article_id: a for a in articles}
        self.skipped = skipped  # articles whose source has problems of its own: no echo
        self.candidates = candidates  # kind (dates, figures, names, quotes) -> rows
        self.ann = ann
        self.problems = problems
        self.entities: dict[str, dict] = {}
        self.curated_entities: set[str] = set()
        self.events: set[str] = set()

    # -- helpers
    def _bad(self, fname: str, path: tuple, message: str) -> None:
        self.problems.add(self.ann.name(fname), self.ann.line(fname, *path), _dotted(path), message)

    def _article(self, fname, path, article_id):
        art = self.articles.get(article_id)
        if art is None and article_id not in self.skipped:
            self._bad(fname, (*path, "article"), f"unknown article {article_id!r}")
        return art

    def _entity_ref(self, fname, path, entity_id, types=None):
        if entity_id is None:
            return None
        if entity_id not in self.curated_entities:
            if "entities.yaml" not in self.ann.failed:  # else reported there already
                self._bad(fname, path, f"unknown entity {entity_id!r}")
            return None
        if types and self.entities[entity_id]["entity_type"] not in types:
            self._bad(fname, path, f"entity {entity_id!r} is not a {' or '.join(types)}")
        return entity_id

    def _event_ref(self, fname, path, event_id):
        if event_id is not None and event_id not in self.events:
            if "events.yaml" not in self.ann.failed:
                self._bad(fname, path, f"unknown event {event_id!r}")
            return None
        return event_id

    def _locate(self, fname, path, pointer: Pointer):
        art = self._article(fname, path, pointer.article)
        if art is None:
            return None
        pos = find_occurrence(art.text, pointer.evidence, pointer.occurrence)
        if pos is None:
            nth = f" (occurrence {pointer.occurrence})" if pointer.occurrence > 1 else ""
            self._bad(
                fname,
                (*path, "evidence"),
                f"{pointer.evidence!r}{nth} not found in the text of {pointer.article}",
            )
            return None
        return pos, pos + len(pointer.evidence)

    def _auto_entity(self, name: str, entity_type: str) -> str:
        eid = auto_entity_id(name)
        self.register(eid, name, entity_type)
        return eid

    def register(self, eid: str, name: str, entity_type: str) -> None:
        """An automatic entity, unless one with this id is known: the first name wins."""
        self.entities.setdefault(
            eid,
            {
                "entity_id": eid,
                "name": name,
                "entity_type": entity_type,
                "aliases": [],
                "description": None,
                "status": "auto",
            },
        )

    # -- tables
    def entity_rows(self) -> None:
        aliases: dict[str, str] = {}
        for i, e in self.ann.items("entities.yaml", "entities"):
            if e.id in self.entities:
                self._bad("entities.yaml", ("entities", i, "id"), f"duplicate id {e.id!r}")
                continue
            for j, alias in enumerate([e.name, *e.aliases]):
                other = aliases.setdefault(alias, e.id)
                if other != e.id:
                    self._bad(
                        "entities.yaml",
                        ("entities", i, "aliases", j - 1) if j else ("entities", i, "name"),
                        f"{alias!r} already names {other!r}",
                    )
            self.entities[e.id] = {
                "entity_id": e.id,
                "name": e.name,
                "entity_type": e.type,
                "aliases": list(e.aliases),
                "description": e.description,
                "status": "curated",
            }
            self.curated_entities.add(e.id)

    def event_rows(self) -> dict[str, list[dict]]:
        events, sources, participants = [], [], []
        items = self.ann.items("events.yaml", "events")
        for i, ev in items:
            if ev.id in self.events:
                self._bad("events.yaml", ("events", i, "id"), f"duplicate id {ev.id!r}")
            self.events.add(ev.id)
        for i, ev in items:
            path = ("events", i)
            location = self._entity_ref("events.yaml", (*path, "location"), ev.location, ("place",))
            parent = self._event_ref("events.yaml", (*path, "parent"), ev.parent)
            events.append(
                {
                    "event_id": ev.id,
                    "title": ev.title,
                    "event_type": ev.type,
                    "date_start": ev.date_start,
                    "date_end": ev.date_end,
                    "date_precision": ev.date_precision,
                    "location": self.entities[location]["name"] if location else None,
                    "location_id": location,
                    "description": ev.description,
                    "parent_event_id": parent,
                }
            )
            seen = set()
            for j, src in enumerate(ev.sources):
                spath = (*path, "sources", j)
                if src.article in seen:
                    self._bad(
                        "events.yaml",
                        (*spath, "article"),
                        f"article {src.article!r} already a source of {ev.id!r}",
                    )
                    continue
                seen.add(src.article)
                span = self._locate(
                    "events.yaml", spath, Pointer(article=src.article, evidence=src.evidence)
                )
                if span:
                    sources.append(
                        {
                            "event_id": ev.id,
                            "article_id": src.article,
                            "evidence": src.evidence,
                            "char_start": span[0],
                            "char_end": span[1],
                        }
                    )
            people = set()
            for j, p in enumerate(ev.participants):
                ppath = (*path, "participants", j, "entity")
                if self._entity_ref("events.yaml", ppath, p.entity) is None:
                    continue
                if p.entity in people:
                    self._bad("events.yaml", ppath, f"{p.entity!r} listed twice")
                    continue
                people.add(p.entity)
                participants.append({"event_id": ev.id, "entity_id": p.entity, "role": p.role})
        return {"events": events, "event_sources": sources, "event_participants": participants}

    def _pointers(self, fname: str, key: str) -> dict[tuple[str, int, int], tuple[int, Ann]]:
        """Annotations of a file keyed by the span they point at."""
        out = {}
        for i, a in self.ann.items(fname, key):
            span = self._locate(fname, (key, i), a)
            if span is None:
                continue
            k = (a.article, *span)
            if k in out:
                self._bad(
                    fname, (key, i, "evidence"), f"same span as entry {out[k][0] + 1} of this file"
                )
                continue
            out[k] = (i, a)
        return out

    def figure_rows(self) -> list[dict]:
        anns = self._pointers("figures.yaml", "figures")
        rows = []
        for f in self.candidates["figures"]:
            row = row_of(figure_columns, **f)
            hit = anns.pop((f["article_id"], f["char_start"], f["char_end"]), None)
            if hit:
                self._apply_figure(row, *hit)
            rows.append(row)
        for (aid, s, e), (i, a) in anns.items():  # figures the extractor missed
            if a.dismissed:
                self._bad(
                    "figures.yaml",
                    ("figures", i, "evidence"),
                    "dismisses no automatic figure (stale entry: remove it)",
                )
                continue
            if None in (a.value, a.qualifier, a.kind):
                self._bad(
                    "figures.yaml",
                    ("figures", i, "evidence"),
                    "no automatic figure has this span: give value, qualifier and kind",
                )
                continue
            row = {
                "figure_id": _span_id(aid, s, e),
                "article_id": aid,
                "value": a.value,
                "value_text": a.evidence,
                "qualifier": a.qualifier,
                "kind": a.kind,
                "unit": a.unit,
                "measure": None,
                "subject_id": None,
                "event_id": None,
                "as_of": None,
                "as_of_precision": None,
                "char_start": s,
                "char_end": e,
                "status": "curated",
                "note": None,
            }
            self._apply_figure(row, i, a)
            rows.append(row)
        return rows

    def _apply_figure(self, row: dict, i: int, a: FigureAnn) -> None:
        path = ("figures", i)
        if a.dismissed:
            row.update(status="dismissed", note=a.dismissed)
            return
        for key in ("value", "qualifier", "kind", "unit"):
            if getattr(a, key) is not None:
                row[key] = getattr(a, key)
        row.update(
            measure=a.measure,
            as_of=a.as_of,
            as_of_precision=a.as_of_precision,
            subject_id=self._entity_ref("figures.yaml", (*path, "subject"), a.subject),
            event_id=self._event_ref("figures.yaml", (*path, "event"), a.event),
            status="curated",
            note=a.note,
        )

    def date_rows(self) -> list[dict]:
        anns = self._pointers("dates.yaml", "dates")
        rows = []
        for d in self.candidates["dates"]:
            row = row_of(date_columns, **d)
            hit = anns.pop((d["article_id"], d["char_start"], d["char_end"]), None)
            if hit:
                i, a = hit
                if a.dismissed:
                    row.update(status="dismissed", note=a.dismissed)
                else:
                    if a.precision:
                        row.update(
                            value_start=a.value_start, value_end=a.value_end, precision=a.precision
                        )
                    row.update(status="curated", note=a.note)
            rows.append(row)
        for (aid, s, e), (i, a) in anns.items():
            if a.dismissed:
                self._bad(
                    "dates.yaml",
                    ("dates", i, "evidence"),
                    "dismisses no automatic date (stale entry: remove it)",
                )
                continue
            if a.precision is None:
                self._bad(
                    "dates.yaml",
                    ("dates", i, "evidence"),
                    "no automatic date has this span: give value_start, value_end and precision",
                )
                continue
            rows.append(
                {
                    "mention_id": _span_id(aid, s, e),
                    "article_id": aid,
                    "text": a.evidence,
                    "char_start": s,
                    "char_end": e,
                    "value_start": a.value_start,
                    "value_end": a.value_end,
                    "precision": a.precision,
                    "resolution": a.resolution or "explicit",
                    "status": "curated",
                    "note": a.note,
                }
            )
        return rows

    def quote_rows(self) -> list[dict]:
        rows, by_article = [], {}
        for q in self.candidates["quotes"]:
            aid = q["article_id"]
            speaker = q["speaker_entity_id"]
            if speaker is None and q["speaker_name"]:
                speaker = self._auto_entity(q["speaker_name"], "person")
            row = row_of(quote_columns, aid, q["char_start"], q["char_end"], q["text"], speaker)
            rows.append(row)
            by_article.setdefault(aid, []).append(row)
        for i, a in self.ann.items("quotes.yaml", "quotes"):
            path = ("quotes", i)
            span = self._locate("quotes.yaml", path, a)
            if span is None:
                continue
            row = next(
                (
                    r
                    for r in by_article.get(a.article, [])
                    if r["char_start"] <= span[0] and span[1] <= r["char_end"]
                ),
                None,
            )
            if row is None:
                self._bad("quotes.yaml", (*path, "evidence"), "no automatic quote contains it")
                continue
            if row["status"] == "curated":
                self._bad("quotes.yaml", (*path, "evidence"), "quote already annotated")
                continue
            if a.speaker:
                row["speaker_id"] = self._entity_ref(
                    "quotes.yaml", (*path, "speaker"), a.speaker, ("person",)
                )
            row.update(
                event_id=self._event_ref("quotes.yaml", (*path, "event"), a.event),
                status="curated",
                note=a.note,
            )
        return rows

    def mention_rows(self) -> list[dict]:
        names: dict[tuple[str | None, str], tuple[int, NameAnn]] = {}
        used: set[int] = set()
        for i, a in self.ann.items("names.yaml", "names"):
            if a.article is not None:
                self._article("names.yaml", ("names", i), a.article)
            if a.entity:
                self._entity_ref("names.yaml", ("names", i, "entity"), a.entity)
            names[(a.article, a.text)] = (i, a)
        rows: list[tuple] = []  # made into dicts as they are read: see LazyRows
        for n in self.candidates["names"]:
            aid = n["article_id"]
            eid, status = n["entity_id"], "curated"
            if eid is None:
                hit = names.get((aid, n["text"])) or names.get((None, n["text"]))
                if hit:
                    used.add(hit[0])
                    if hit[1].dismissed:
                        continue
                    eid = hit[1].entity
                else:
                    eid, status = self._auto_entity(n["text"], n["entity_type"]), "auto"
            if eid not in self.entities:
                continue
            rows.append((aid, n["char_start"], n["char_end"], eid, n["text"], status))
        for i, a in self.ann.items("names.yaml", "names"):
            if i not in used and not self.skipped:
                self._bad(
                    "names.yaml",
                    ("names", i, "text"),
                    f"{a.text!r} matches no unresolved name the extractor found",
                )
        return LazyRows(rows, lambda values: row_of(mention_columns, *values))


def curate(
    articles,
    candidates,
    ann: Annotations,
    problems: Problems,
    skipped=frozenset(),
    emit=None,
    automatic_entities=(),
) -> dict:
    """Return the rows per table name of every table curation feeds, from the candidates
    `automatic` left to it (for a corpus read without `automatic`: all candidates, with
    `Reach()` nothing is left out). `automatic_entities`: the (id, name, type) of the
    automatic entities the automatic rows name, in the order they were first named.
    `skipped`: ids of articles left out because their source has problems; annotations
    pointing at them are not reported again. `emit(name, rows)`, if given, takes each
    table's rows as soon as they are complete (entities last), instead of their being
    returned: the caller can make each table and let its rows go before the next's."""
    out: dict = {}
    emit = emit or out.__setitem__
    m = Merger(articles, candidates, ann, problems, skipped)
    m.entity_rows()
    for eid, name, entity_type in automatic_entities:
        m.register(eid, name, entity_type)
    for name, rows in m.event_rows().items():
        emit(name, rows)
    emit("figures", m.figure_rows())
    emit("date_mentions", m.date_rows())
    emit("quotes", m.quote_rows())
    emit("mentions", m.mention_rows())
    emit("entities", list(m.entities.values()))  # last: quotes and mentions add to it
    return out


class LazyRows:
    """Rows kept as tuples and made into dicts one at a time as they are read: the
    mentions of a large corpus are most of its rows, and a dict per row would hold
    several times their memory until the table is made."""

    def __init__(self, items: list[tuple], make):
        self.items, self.make = items, make

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return map(self.make, self.items)


AUDITED = {"figures": "value_text", "date_mentions": "text", "quotes": "text", "mentions": "text"}
_AUDIT_SCHEMA = pa.schema(
    [
        ("article", pa.string()),
        ("start", pa.int64()),
        ("table", pa.string()),
        ("evidence", pa.string()),
    ]
)


class Audit(Sequence):
    """The automatic candidates no annotation covers or dismisses (the rows of status
    auto), in article and position order, each read as a dict {table, article, evidence,
    start}; kept as an Arrow table, as a corpus without annotations has one per
    candidate. Sorted when first read: a build only counts it.

    `entries`: (article, start, table, evidence) tuples, or their Arrow table, or a
    function that makes that table when it is first read, given with how many rows it
    has (`of`)."""

    def __init__(self, entries: list[tuple] | pa.Table | Callable[[], pa.Table], count=None):
        if isinstance(entries, list):
            entries = pa.Table.from_pylist(
                [dict(zip(_AUDIT_SCHEMA.names, e, strict=True)) for e in entries], _AUDIT_SCHEMA
            )
        self._gather = entries if callable(entries) else lambda: entries
        self._count = count

    @cached_property
    def _entries(self) -> pa.Table:
        return self._gather()

    @cached_property
    def table(self) -> pa.Table:
        return self._entries.sort_by([(k, "ascending") for k in ("article", "start", "table")])

    @classmethod
    def of(cls, tables: dict[str, pa.Table]) -> Audit:
        """The audit of built tables: their rows of status auto are counted now, and
        copied into the audit's table only when it is read (at 10,000 articles, half a
        million rows and 0.05 to 0.1 s, which a build, counting them, does not spend)."""
        auto = {
            name: (tables[name], pc.equal(tables[name]["status"].cast(pa.string()), "auto"))
            for name in AUDITED
        }

        def gather() -> pa.Table:
            parts = []
            for name, (t, is_auto) in auto.items():
                rows = t.filter(is_auto)
                columns = [rows["article_id"], rows["char_start"], pa.repeat(name, len(rows))]
                parts.append(pa.table([*columns, rows[AUDITED[name]]], schema=_AUDIT_SCHEMA))
            return pa.concat_tables(parts)

        return cls(gather, sum(pc.sum(is_auto).as_py() or 0 for _, is_auto in auto.values()))

    def __len__(self) -> int:
        return self._entries.num_rows if self._count is None else self._count

    def _dicts(self, table: pa.Table) -> list[dict]:
        return table.select(["table", "article", "evidence", "start"]).to_pylist()

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self._dicts(self.table.take(list(range(len(self))[i])))
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        return self._dicts(self.table.slice(i % len(self), 1))[0]

    def __iter__(self):
        for batch in self.table.to_batches(max_chunksize=10_000):
            yield from self._dicts(pa.Table.from_batches([batch]))

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None
