"""The data contract: one Pydantic model per published table.

These models are the single definition of every column. The Table Schema in
datapackage.json, the JSON Schemas in schema/, the Arrow schema of the Parquet files
and the data dictionary are all derived from them (see `schema.py`).

Vocabularies are dicts of value -> meaning, so that the enum constraint, the Arrow
dictionary and the documentation come from one place.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

# ---------------------------------------------------------------- vocabularies

PARAGRAPH_KINDS = {
    "title": "The headline (a repeated headline is folded into it, see repeat_count).",
    "byline": "Author, outlet, dateline or 'Source/Updated' header lines.",
    "body": "Running text of the article or speech, including numbered section headings.",
    "caption": "A photo caption with its credit ('(Photo/Xinhua)', 'PHOTO BY XINHUA REPORTER').",
    "note": "Editorial notes: editor lines, 'Originally appeared in', excerpt notices.",
}
GENRES = {
    "news": "A news report.",
    "speech": "A speech or remarks, authored by the speaker.",
    "commentary": "An article summarising or commenting on other texts.",
}
ENTITY_TYPES = {
    "person": "A named person.",
    "organization": "A party, state or union body, company or other organization.",
    "place": "A city, region, building or site.",
    "publication": "A newspaper, news agency or journal.",
}
EVENT_TYPES = {
    "meeting": "A meeting or gathering not covered by a more specific type.",
    "speech": "A speech or address given at an occasion.",
    "congress": "A national congress of a party or union, or one of its sessions.",
    "award_ceremony": "A ceremony honouring model workers or other awardees.",
    "founding": "The founding of an organization.",
    "inspection": "An inspection tour by a leader.",
    "publication": "The publication of an article or speech.",
    "anniversary": "The celebration of an anniversary.",
    "talk": "A talk of a leader with the leadership of an organization.",
    "holiday": "A public holiday or commemorative day.",
}
DATE_PRECISIONS = {
    "day": "Day-accurate: from the first to the last day named (one day for a single date).",
    "month": "The interval is a calendar month (first to last day).",
    "year": "The interval is a calendar year (January 1 to December 31).",
}
RESOLUTIONS = {
    "explicit": "The text states the full date.",
    "relative": "Part of the date (the year, or the day of a weekday) comes from publication.",
}
QUALIFIERS = {
    "exact": "Stated as an exact number.",
    "approximately": "'about', 'around', 'some', 'approximately', 'roughly'.",
    "nearly": "'nearly', 'almost': the true value is a little below.",
    "more_than": "'more than', 'over', 'above': the true value is above.",
    "at_least": "'at least': the true value is this or above.",
    "less_than": "'less than', 'under', 'fewer than': the true value is below.",
    "vague": "An order of magnitude such as 'hundreds of millions'; value is its lower bound.",
}
FIGURE_KINDS = {
    "count": "A number of things (members, delegates, workers).",
    "ordinal": "A position in a series ('17th', '100th').",
    "percent": "A percentage; value is in percent (68.3 for '68.3 percent').",
    "duration": "A length of time ('four-day', 'over the past five years'); unit is the time unit.",
    "frequency": "How often something recurs ('every five years').",
    "amount": "A sum of money; unit is the currency.",
}
STATUSES = {
    "auto": "Found by automatic extraction, not reviewed by a curator.",
    "curated": "Reviewed by a curator, or written by one (annotations/).",
    "dismissed": "An automatic candidate a curator judged noise; the reason is in `note`.",
}
PARTICIPANT_ROLES = {
    "speaker": "Gave a speech or remarks.",
    "attendee": "Attended.",
    "host": "Hosted or presided.",
    "honoree": "Was honoured or awarded.",
    "organizer": "Organised or convened.",
    "subject": "The organization or person the event is about.",
    "author": "Wrote the published text.",
    "interlocutor": "Was spoken with in a talk.",
    "visitor": "Visited or inspected a place (a leader on an inspection tour).",
    "publisher": "Published the text.",
}


def vocabulary(values: dict[str, str]):
    """A Literal type over a vocabulary's values (used as an enum in every schema)."""
    return Literal[tuple(values)]  # type: ignore[valid-type]


ParagraphKind = vocabulary(PARAGRAPH_KINDS)
Genre = vocabulary(GENRES)
EntityType = vocabulary(ENTITY_TYPES)
EventType = vocabulary(EVENT_TYPES)
DatePrecision = vocabulary(DATE_PRECISIONS)
Resolution = vocabulary(RESOLUTIONS)
Qualifier = vocabulary(QUALIFIERS)
FigureKind = vocabulary(FIGURE_KINDS)
Status = vocabulary(STATUSES)
Role = vocabulary(PARTICIPANT_ROLES)

VOCABULARIES: dict[object, dict[str, str]] = {
    ParagraphKind: PARAGRAPH_KINDS,
    Genre: GENRES,
    EntityType: ENTITY_TYPES,
    EventType: EVENT_TYPES,
    DatePrecision: DATE_PRECISIONS,
    Resolution: RESOLUTIONS,
    Qualifier: QUALIFIERS,
    FigureKind: FIGURE_KINDS,
    Status: STATUSES,
    Role: PARTICIPANT_ROLES,
}

# ---------------------------------------------------------------- shared fields

Id = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")]
Offset = Annotated[int, Field(ge=0)]


def ref(description: str, **kw):
    return Field(description=description, **kw)


class Table(BaseModel):
    """A published table. Subclasses set the ClassVars; fields are the columns, in order."""

    # defer_build: each model's validator is made when first used (by the builder), not on
    # import, so that `validate`, which reads only the fields, starts sooner (about 0.1 s)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    table_name: ClassVar[str]
    table_title: ClassVar[str]
    primary_key: ClassVar[tuple[str, ...]]
    # (local fields, referenced table, referenced fields)
    foreign_keys: ClassVar[tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...]] = ()
    # Columns whose [char_start, char_end) must reproduce this column of the row.
    span_text_column: ClassVar[str | None] = None


ARTICLE_FK = (("article_id",), "articles", ("article_id",))


class Article(Table):
    """One source text, cleaned; every offset in the package points into `text`."""

    table_name: ClassVar[str] = "articles"
    table_title: ClassVar[str] = "Articles"
    primary_key: ClassVar[tuple[str, ...]] = ("article_id",)

    article_id: Id = ref("Stable identifier: the source file name without '.txt'.")
    title: str = ref("Headline as published.")
    outlet: str | None = ref("Publishing outlet (China Daily, Xinhua, Qiushi Journal).")
    author: str | None = ref("Author as stated in the byline; for a speech, the speaker.")
    published: dt.date = ref("Publication date (from the text's header or the manifest).")
    url: str | None = ref("Address the text was retrieved from; empty when unknown.")
    genre: Genre = ref("Kind of text.")
    language: str = ref("BCP 47 language tag of the text.", pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")
    editor: str | None = ref("Editor named in an 'Editor:' line, if any.")
    source_file: str = ref("Path of the raw text, relative to the package root.")
    source_sha256: str = ref(
        "SHA-256 of the raw source file as shipped in sources/.", pattern=r"^[0-9a-f]{64}$"
    )
    text: str = ref(
        "Cleaned text: paragraphs joined by a blank line, site chrome and repeated "
        "captions removed. Offsets are Unicode code points into this string."
    )
    word_count: int = ref("Number of words in `text` (runs of letters and digits).", ge=0)
    paragraph_count: int = ref("Number of rows in `paragraphs` for this article.", ge=1)


class Paragraph(Table):
    """A paragraph of an article's cleaned text, classified."""

    table_name: ClassVar[str] = "paragraphs"
    table_title: ClassVar[str] = "Paragraphs"
    primary_key: ClassVar[tuple[str, ...]] = ("article_id", "paragraph_no")
    foreign_keys = (ARTICLE_FK,)
    span_text_column: ClassVar[str | None] = "text"

    article_id: Id = ref("Article the paragraph belongs to.")
    paragraph_no: int = ref("Position in the article, from 1.", ge=1)
    kind: ParagraphKind = ref("What the paragraph is.")
    text: str = ref("The paragraph's text, exactly `articles.text[char_start:char_end]`.")
    char_start: Offset = ref("Start offset in `articles.text` (code points, inclusive).")
    char_end: Offset = ref("End offset in `articles.text` (code points, exclusive).")
    repeat_count: int = ref(
        "How many times the paragraph stands in the raw source. A caption (or headline) "
        "repeated word for word is published once, here, with the number of copies; "
        "the copies are not in `articles.text`.",
        ge=1,
    )
    source_line: int = ref("Line of the raw source file where the paragraph starts.", ge=1)


class Entity(Table):
    """A person, organization, place or publication."""

    table_name: ClassVar[str] = "entities"
    table_title: ClassVar[str] = "Entities"
    primary_key: ClassVar[tuple[str, ...]] = ("entity_id",)

    entity_id: Id = ref("Stable identifier (curated slug, or 'auto-' + slug of the name).")
    name: str = ref("Canonical name.")
    entity_type: EntityType = ref("Kind of entity.")
    aliases: list[str] = ref("Other surface forms that refer to it (CSV: a JSON array of strings).")
    description: str | None = ref("Role the sources give it.")
    status: Status = ref("curated (annotations/entities.yaml) or auto (found by extraction).")


class Mention(Table):
    """A span of an article that names an entity."""

    table_name: ClassVar[str] = "mentions"
    table_title: ClassVar[str] = "Entity mentions"
    primary_key: ClassVar[tuple[str, ...]] = ("mention_id",)
    foreign_keys = (ARTICLE_FK, (("entity_id",), "entities", ("entity_id",)))
    span_text_column: ClassVar[str | None] = "text"

    mention_id: Id = ref("Identifier: '<article_id>:<char_start>-<char_end>'.")
    entity_id: Id = ref("Entity named.")
    article_id: Id = ref("Article the span is in.")
    char_start: Offset = ref("Start offset in `articles.text`.")
    char_end: Offset = ref("End offset in `articles.text`.")
    text: str = ref("The span's text.")
    status: Status = ref("auto, or curated when the entity is a curated one.")


class Event(Table):
    """Something that happened, reported or referred to by one or more articles."""

    table_name: ClassVar[str] = "events"
    table_title: ClassVar[str] = "Events"
    primary_key: ClassVar[tuple[str, ...]] = ("event_id",)
    foreign_keys = (
        (("location_id",), "entities", ("entity_id",)),
        (("parent_event_id",), "events", ("event_id",)),
    )

    event_id: Id = ref("Stable identifier (curated slug beginning with the date).")
    title: str = ref("Short title.")
    event_type: EventType = ref("Kind of event.")
    date_start: dt.date = ref("First day of the interval the event is dated to.")
    date_end: dt.date = ref("Last day of the interval (equal to date_start for one day).")
    date_precision: DatePrecision = ref(
        "How precisely the sources date it: year 1925 is 1925-01-01..1925-12-31."
    )
    location: str | None = ref("Where it took place, as a name.")
    location_id: Id | None = ref("The place entity, when curated.")
    description: str | None = ref("What happened, according to the sources.")
    parent_event_id: Id | None = ref("A larger event this one is part of.")


class EventSource(Table):
    """An article reporting an event, with the evidence span."""

    table_name: ClassVar[str] = "event_sources"
    table_title: ClassVar[str] = "Event sources"
    primary_key: ClassVar[tuple[str, ...]] = ("event_id", "article_id")
    foreign_keys = ((("event_id",), "events", ("event_id",)), ARTICLE_FK)
    span_text_column: ClassVar[str | None] = "evidence"

    event_id: Id = ref("Event reported.")
    article_id: Id = ref("Article reporting it.")
    evidence: str = ref("Verbatim evidence string from the article.")
    char_start: Offset = ref("Start offset of the evidence in `articles.text`.")
    char_end: Offset = ref("End offset of the evidence in `articles.text`.")


class EventParticipant(Table):
    """An entity taking part in an event, and how."""

    table_name: ClassVar[str] = "event_participants"
    table_title: ClassVar[str] = "Event participants"
    primary_key: ClassVar[tuple[str, ...]] = ("event_id", "entity_id")
    foreign_keys = (
        (("event_id",), "events", ("event_id",)),
        (("entity_id",), "entities", ("entity_id",)),
    )

    event_id: Id = ref("Event.")
    entity_id: Id = ref("Participant.")
    role: Role = ref("Role in the event.")


class Figure(Table):
    """A number stated in an article, with what it measures."""

    table_name: ClassVar[str] = "figures"
    table_title: ClassVar[str] = "Figures"
    primary_key: ClassVar[tuple[str, ...]] = ("figure_id",)
    foreign_keys = (
        ARTICLE_FK,
        (("subject_id",), "entities", ("entity_id",)),
        (("event_id",), "events", ("event_id",)),
    )
    span_text_column: ClassVar[str | None] = "value_text"

    figure_id: Id = ref("Identifier: '<article_id>:<char_start>-<char_end>'.")
    article_id: Id = ref("Article stating the figure.")
    value: float = ref("Normalised value ('nearly 300 million' -> 300000000; percent in percent).")
    value_text: str = ref("Exact surface text, qualifier included.")
    qualifier: Qualifier = ref("How the value is hedged.")
    kind: FigureKind = ref("What sort of number it is.")
    unit: str | None = ref("Counted noun or unit as written (members, delegates, years).")
    measure: str | None = ref("Curated: what the figure measures ('ACFTU membership').")
    subject_id: Id | None = ref("Curated: entity the figure is about.")
    event_id: Id | None = ref("Curated: event the figure belongs to.")
    as_of: dt.date | None = ref("Curated: first day of the period the figure refers to.")
    as_of_precision: DatePrecision | None = ref("Curated: precision of `as_of`.")
    char_start: Offset = ref("Start offset in `articles.text`.")
    char_end: Offset = ref("End offset in `articles.text`.")
    status: Status = ref("auto, curated, or dismissed (with the reason in `note`).")
    note: str | None = ref("Curator's note; for dismissed figures, why.")


class Quote(Table):
    """A direct quotation and who said it."""

    table_name: ClassVar[str] = "quotes"
    table_title: ClassVar[str] = "Quotes"
    primary_key: ClassVar[tuple[str, ...]] = ("quote_id",)
    foreign_keys = (
        ARTICLE_FK,
        (("speaker_id",), "entities", ("entity_id",)),
        (("event_id",), "events", ("event_id",)),
    )
    span_text_column: ClassVar[str | None] = "text"

    quote_id: Id = ref("Identifier: '<article_id>:<char_start>-<char_end>'.")
    article_id: Id = ref("Article quoting.")
    speaker_id: Id | None = ref("Entity who said it.")
    text: str = ref("The quotation as printed, quotation marks included.")
    char_start: Offset = ref("Start offset in `articles.text`.")
    char_end: Offset = ref("End offset in `articles.text`.")
    event_id: Id | None = ref("Curated: event at which it was said.")
    status: Status = ref("auto or curated.")
    note: str | None = ref("Curator's note.")


class DateMention(Table):
    """A date expression in an article, resolved to an interval."""

    table_name: ClassVar[str] = "date_mentions"
    table_title: ClassVar[str] = "Date mentions"
    primary_key: ClassVar[tuple[str, ...]] = ("mention_id",)
    foreign_keys = (ARTICLE_FK,)
    span_text_column: ClassVar[str | None] = "text"

    mention_id: Id = ref("Identifier: '<article_id>:<char_start>-<char_end>'.")
    article_id: Id = ref("Article the expression is in.")
    text: str = ref("The expression as written ('on Monday', 'Oct. 23, 2023').")
    char_start: Offset = ref("Start offset in `articles.text`.")
    char_end: Offset = ref("End offset in `articles.text`.")
    value_start: dt.date = ref("First day of the interval it denotes.")
    value_end: dt.date = ref("Last day of the interval it denotes.")
    precision: DatePrecision = ref("Precision of the expression.")
    resolution: Resolution = ref("Whether the publication date was needed to resolve it.")
    status: Status = ref("auto, curated, or dismissed (with the reason in `note`).")
    note: str | None = ref("Curator's note; for dismissed mentions, why.")


TABLES: tuple[type[Table], ...] = (
    Article,
    Paragraph,
    Entity,
    Mention,
    Event,
    EventSource,
    EventParticipant,
    Figure,
    Quote,
    DateMention,
)
BY_NAME: dict[str, type[Table]] = {t.table_name: t for t in TABLES}
