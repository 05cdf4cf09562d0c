"""Ingest: read sources.csv and the raw texts, clean them, split and classify paragraphs.

The raw file is decoded as UTF-8 (a BOM is dropped, CRLF and CR become LF: one policy for
every text, so the same article shipped with other line endings gives the same text and
offsets; `source_sha256` stays the hash of the raw bytes as shipped), split into
blocks at blank lines, stripped of site chrome, and classified. The cleaned text is the
kept paragraphs joined by one blank line; every offset in the package points into it.
Header lines the builder can read (" date 2025-04-29 …" prefixes, "By …" bylines,
"Source: … Updated: …", "( 2023.10.23 )", datelines, "Editor: …") fill metadata the
manifest leaves empty; a manifest value that contradicts the header is an error.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import fnmatch
import hashlib
import io
import os
import re
from dataclasses import dataclass
from functools import cached_property
from itertools import chain, filterfalse, repeat
from pathlib import Path

from build_dataset.errors import Problems
from build_dataset.models import GENRES

MANIFEST = "sources.csv"
REQUIRED_COLUMNS = ("file", "published")
KNOWN_COLUMNS = (
    "file",
    "published",
    "title",
    "outlet",
    "author",
    "url",
    "genre",
    "language",
    "sha256",
)

# Site chrome: a block that is one of these words (a block has no line break at its ends)
CHROME = frozenset({"Nav Search", "Search", "Home", "Print", "Share", "Close"})
CHROME_LEN = max(map(len, CHROME))
DATE_PREFIX = re.compile(r"^\s*date (\d{4}-\d{2}-\d{2}) +(\S.*)$")
BYLINE = re.compile(
    r"^(?:(?P<date>[A-Z][a-z]+\.? \d{1,2}, \d{4}) +)?"
    r"By (?P<author>[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3})"
    r"(?: *\( *(?P<outlet>[^()]*?) *\)?)?(?: +Source: *(?P<source>.*?))?"
    r"(?: *Updated: *(?P<updated>\d{4}-\d{2}-\d{2}))?$"
)
SOURCE_LINE = re.compile(
    r"^Source: *(?P<source>.*?)(?: *Updated: *(?P<updated>\d{4}-\d{2}-\d{2}))?$"
)
DOTTED_DATE = re.compile(r"^\(\s*(\d{4})\.(\d{1,2})\.(\d{1,2})\s*\)$")
DATELINE = re.compile(r"^[A-Z][A-Z .'-]+, [A-Z][a-z]{2}\.? \d{1,2} \((?P<outlet>[A-Za-z ]+)\) --")
CAPTION = re.compile(
    r"(\((?:Photo|Photos)/[^()]+\)|\((?:Xinhua|CFP|IC)/[^()]+\)|\[(?:Photo|Photos)/[^\[\]]+\]"
    r"|PHOTO BY [A-Z][A-Z .'-]+|Photo: [A-Z][^.]+)\s*$"
)
NOTE = re.compile(
    r"^(Editor: .+|\(Originally (appeared|published) in .+\)|This is (the main part|an excerpt|"
    r"part) of .+)$"
)
EDITOR = re.compile(r"^Editor: *(?P<editor>.+?)\s*$")
OUTLET_NAMES = {
    "english edition of qiushi journal": "Qiushi Journal",
    "qiushi journal": "Qiushi Journal",
    "qiushi": "Qiushi Journal",
    "china daily": "China Daily",
    "chinadaily.com.cn": "China Daily",
    "xinhua": "Xinhua",
}
WORD = re.compile(r"\w+(?:['’-]\w+)*")
# Characters that are not \w and so may be stripped from the ends of a token without
# changing the words in it (see `count_words`): punctuation, and the word joiners.
NOT_WORD_ENDS = ".,;:!?\"“”()[]'’-"
SHA256 = re.compile(r"[0-9a-f]{64}")
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]+)*")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
BLANK = re.compile(r"\n[ \t\u00a0\u3000]*\n")
SPACE = " \t\n\u00a0\u3000"  # stripped from the ends of a block


@dataclass(slots=True)  # slots: made and filled faster, ~18 per article
class Paragraph:
    kind: str
    text: str
    source_line: int
    repeat_count: int = 1
    char_start: int = 0
    char_end: int = 0


@dataclass
class Source:
    """One manifest row; `sha256`: that of its file, once `plan` has read it."""

    file: str
    line: int  # line of sources.csv
    meta: dict[str, str]
    sha256: str = ""


@dataclass
class Article:
    article_id: str
    title: str
    outlet: str | None
    author: str | None
    published: dt.date
    url: str | None
    genre: str
    language: str
    editor: str | None
    source_file: str
    source_sha256: str
    text: str
    paragraphs: list[Paragraph]

    @cached_property
    def word_count(self) -> int:
        """The number of WORD matches in `text` (computed once, by `count_words`)."""
        return count_words(self.text)


def count_words(text: str) -> int:
    """`len(WORD.findall(text))`, about ten times faster on English prose.

    A WORD match starts at a \\w character that follows neither a \\w character nor a
    joiner (' ’ -) that itself follows one. With every \\w character written "a", every
    joiner "-" and any other character " " (and a space before the text), the matches are
    therefore the occurrences of " a", " -a" and "--a", which the C loop of `bytes.count`
    finds: none of the three can overlap itself, so each count is exact. That rewriting
    is one `bytes.translate` of the ASCII bytes of the text, once its non-ASCII characters
    are replaced by ASCII ones of their kind (`_ascii_shape`).

    Where "--a" does not occur (most texts: a dash written "--" stands between spaces),
    deleting the joiners changes no word: a joiner between two \\w characters joins them
    as the deletion does, and one beside any other character belongs to no match and
    starts none. The words are then the runs of "a", counted by one scan instead of
    three. The joiners are deleted by splitting the shape at them and joining the parts
    (one light scan, then copies), and the parts tell whether "--a" may occur at all:
    only where two joiners meet, or one ends the text, is a part empty, so only then is
    the shape searched for it (searching every text cost as much as the deletion).
    """
    ascii_text = text if text.isascii() else _ascii_shape(text)  # isascii: a flag, no scan
    if ascii_text is None:
        return _count_tokens(text)
    shape = ascii_text.encode("ascii").translate(WORD_SHAPE)
    parts = shape.split(b"-")
    if b"" in parts:
        shape = b" " + shape
        if b"--a" in shape:
            return shape.count(b" a") + shape.count(b" -a") + shape.count(b"--a")
    words = b"".join(parts)  # the shape without its joiners
    return words.count(b" a") + words.startswith(b"a")  # a run at the start: no space before it


def _ascii_shape(text: str) -> str | None:
    """`text` with each non-ASCII character replaced by an ASCII one of the same kind for
    WORD: "a" (\\w), "'" (the joiner ’) or " " (any other). Those that English news
    text mostly has are tried first (a replacement of one character by an ASCII one
    gives an ASCII string once none is left, which encodes as a copy); the others are
    looked for, by a regex scan that costs more than a few replacements (35 µs on an
    article of 5,600 characters). None when there are too many kinds of them (text in
    another script) for one scan per kind to pay."""
    for char, shape in COMMON_NON_ASCII:
        text = text.replace(char, shape)
        if text.isascii():
            return text
    chars = set(NON_ASCII_CHAR.findall(text))
    if len(chars) > 8:
        return None
    for char in chars:
        text = text.replace(char, "a" if WORD_CHAR.fullmatch(char) else " ")
    return text


COMMON_NON_ASCII = (("’", "'"), ("—", " "), ("“", " "), ("”", " "))
NON_ASCII_CHAR = re.compile(r"[^\x00-\x7f]")
WORD_CHAR = re.compile(r"\w")
WORD_SHAPE = bytes(
    ord("a") if WORD_CHAR.fullmatch(chr(i)) else ord("-") if chr(i) in "'-" else ord(" ")
    for i in range(128)
) + bytes(128)  # an ASCII character -> "a", "-" or " " (there are no other bytes)


def _count_tokens(text: str) -> int:
    """`len(WORD.findall(text))` for any text, about twice as fast on English prose.

    A WORD match is made of \\w characters and of the joiners ' ’ -, none of which is
    whitespace, so every match lies inside one whitespace-separated token and the count
    is the sum over the tokens. A token of \\w characters only (`str.isalnum`, which is
    \\w without "_") is one word; characters that are not \\w (NOT_WORD_ENDS) can be
    stripped from a token's ends, as a match can neither start nor end with one; the few
    tokens left are counted by WORD itself, joined by spaces.
    """
    tokens = text.split()
    rest = list(map(str.strip, filterfalse(str.isalnum, tokens), repeat(NOT_WORD_ENDS)))
    simple = len(tokens) - len(rest) + sum(map(str.isalnum, rest))
    return simple + len(WORD.findall(" ".join(filterfalse(str.isalnum, rest))))


# ---------------------------------------------------------------- manifest


def read_manifest(sources_dir: Path, problems: Problems) -> list[Source]:
    path = sources_dir / MANIFEST
    name = _display(path)
    if not sources_dir.is_dir():
        problems.add(_display(sources_dir), None, "folder", "does not exist or is not a folder")
        return []
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        problems.add(name, None, "file", "manifest not found")
        return []
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        problems.add(name, _line_of(raw, e.start), "file", f"not valid UTF-8 at byte {e.start}")
        return []
    reader = csv.reader(io.StringIO(content, newline=""))
    header = next(reader, None)
    if not header:
        problems.add(name, 1, "header", "empty manifest")
        return []
    header = [h.strip() for h in header]
    for col in REQUIRED_COLUMNS:
        if col not in header:
            problems.add(name, 1, col, "required column missing")
    for i, col in enumerate(header):
        if col in header[:i]:
            problems.add(name, 1, col or "header", f"column {col!r} given twice")
        elif col not in KNOWN_COLUMNS:
            problems.add(
                name,
                1,
                col or "header",
                f"unknown column {col!r} (known: {', '.join(KNOWN_COLUMNS)})",
            )
    if problems:
        return []
    root = sources_dir.resolve()
    try:  # as with Path.glob, a folder one may not list (PermissionError) lists nothing
        with os.scandir(sources_dir) as entries:
            names = [(e.name, e.is_file(follow_symlinks=False)) for e in entries]
    except PermissionError:
        names = []
    # Regular files of the folder: one of these stays inside it without resolving it.
    plain = {name for name, regular in names if regular}
    rows: list[Source] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if not any(map(str.strip, record)):
            continue
        if len(record) != len(header):
            problems.add(name, line, "row", f"{len(record)} cells, header has {len(header)}")
            continue
        meta = dict(zip(header, map(str.strip, record), strict=True))
        file = meta["file"]
        if not file:
            problems.add(name, line, "file", "empty")
            continue
        if "\x00" in file:
            problems.add(name, line, "file", f"{file!r} contains a NUL character")
            continue
        if file not in plain and _leaves(sources_dir, root, file):
            problems.add(name, line, "file", f"{file!r} leaves the sources folder")
            continue
        if not file.endswith(".txt"):
            problems.add(name, line, "file", f"{file!r} is not a .txt file")
            continue
        if file in seen:
            problems.add(name, line, "file", f"{file!r} already listed on line {seen[file]}")
            continue
        seen[file] = line
        _check_meta(meta, name, line, problems)
        rows.append(Source(file=file, line=line, meta=meta))
    unlisted = [n for n in fnmatch.filter((n for n, _ in names), "*.txt") if n not in seen]
    for txt in sorted(sources_dir / n for n in unlisted):  # as sources_dir.glob("*.txt")
        problems.add(_display(txt), None, "file", f"not listed in {MANIFEST}")
    return rows


def _leaves(sources_dir: Path, root: Path, file: str) -> bool:
    """Whether `file`, resolved (symbolic links followed), is outside the folder `root`."""
    target = (sources_dir / file).resolve()
    return Path(file).is_absolute() or root not in target.parents


def _check_meta(meta: dict[str, str], name: str, line: int, problems: Problems) -> None:
    if not meta.get("published"):
        problems.add(name, line, "published", "required, YYYY-MM-DD")
    elif _parse_date(meta["published"]) is None:
        problems.add(name, line, "published", f"{meta['published']!r} is not a date YYYY-MM-DD")
    if meta.get("genre") and meta["genre"] not in GENRES:
        problems.add(name, line, "genre", f"{meta['genre']!r} not one of {', '.join(GENRES)}")
    if meta.get("sha256") and not SHA256.fullmatch(meta["sha256"]):
        problems.add(name, line, "sha256", "not 64 lowercase hex digits")
    if meta.get("language") and not LANGUAGE_TAG.fullmatch(meta["language"]):
        problems.add(name, line, "language", f"{meta['language']!r} is not a language tag")


def _parse_date(value: str) -> dt.date | None:
    if not ISO_DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


# ---------------------------------------------------------------- texts


def decode(raw: bytes, path: str | Path, problems: Problems) -> str | None:
    """The text of the file `path` (bytes `raw`), or None with a problem naming it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        problems.add(
            _display(path),
            _line_of(raw, e.start),
            "text",
            f"not valid UTF-8 at byte {e.start}: {e.reason}",
        )
        return None
    text = text.removeprefix("\ufeff")
    if "\r" in text:  # most texts: no carriage return, one scan instead of two
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if b"\x00" in raw:  # the same test (UTF-8 writes U+0000 as that byte alone), faster
        line = _line_of(raw, raw.index(b"\x00"))
        problems.add(_display(path), line, "text", "contains a NUL character")
        return None
    if not text or text.isspace():  # not text.strip(), without copying the text
        problems.add(_display(path), None, "text", "empty text")
        return None
    return text


def split_blocks(text: str) -> list[tuple[int, str]]:
    """Blocks separated by blank lines, with the 1-based line where each starts. A blank
    line (a BLANK match) holds two line breaks, so the line where each piece between them
    starts is known from the pieces before it; the pieces are split off at once."""
    blocks = []
    line = 1  # where the piece starts
    for piece in BLANK.split(text):
        block = piece.lstrip(SPACE)
        if block:
            lead = len(piece) - len(block)
            blocks.append(
                (line + piece.count("\n", 0, lead) if lead else line, block.rstrip(SPACE))
            )
        if "\n" in piece:  # most pieces are one line: `in` finds no line break by memchr,
            line += piece.count("\n")  # count reads every character
        line += 2
    return blocks


def _normal(s: str) -> str:
    return " ".join(s.split())


def parse(text: str) -> tuple[list[Paragraph], dict[str, str]]:
    """Classify the blocks of a decoded text; return paragraphs and header metadata."""
    header: dict[str, str] = {}
    # Site chrome is dropped wherever it is; the first block left is the title.
    # (the length first: `in CHROME` would hash every block, a read of the whole text)
    blocks = iter([p for p in split_blocks(text) if len(p[1]) > CHROME_LEN or p[1] not in CHROME])
    line, block = next(blocks, (0, ""))  # (a block is never empty)
    if not block:
        return [], header
    first, *rest = block.split("\n")
    if rest and all(_is_header(r.strip(" \t\u00a0")) for r in rest):
        # A header line glued to the headline: a paragraph of its own.
        block = first.strip()
        glued = [(line + i, r.strip(" \t\u00a0")) for i, r in enumerate(rest, 1)]
        blocks = chain(glued, blocks)
    m = DATE_PREFIX.match(block)
    if m:
        header["published"], block = m.group(1), m.group(2).strip()
    header["title"] = title = _normal(block)
    title_word = max(title.split(), key=len, default="")  # in any block that repeats the title
    heading = Paragraph("title", block, line)
    paragraphs = [heading]
    captions: dict[str, Paragraph] = {}  # the paragraph of each caption's first copy
    in_header = True
    for line, block in blocks:
        if title_word in block and _normal(block) == title:  # `in`: a cheap first test
            heading.repeat_count += 1
            continue
        kind = _classify(block, header, in_header)
        if kind == "caption":
            if block in captions:
                captions[block].repeat_count += 1
                continue
            captions[block] = paragraph = Paragraph(kind, block, line)
            paragraphs.append(paragraph)
            continue
        if kind == "body":
            in_header = False
            m = "outlet" not in header and DATELINE.match(block)
            if m:
                header["outlet"] = _outlet(m.group("outlet"))
        paragraphs.append(Paragraph(kind, block, line))
    return paragraphs, header


def _is_header(line: str) -> bool:
    return bool(BYLINE.match(line) or SOURCE_LINE.match(line) or DOTTED_DATE.match(line))


def _classify(block: str, header: dict[str, str], in_header: bool) -> str:
    # Every CAPTION has a "/", "PHOTO BY " or "Photo: ": the cheap tests first. A single
    # character is found by memchr, several times faster than a word is; most paragraphs
    # have neither a "Y" nor a ":", and so are not searched for the words.
    if (
        "/" in block
        or ("Y" in block and "PHOTO BY " in block)
        or (":" in block and "Photo: " in block)
    ) and _is_caption(block):
        return "caption"
    if NOTE.match(block):
        m = EDITOR.match(block)
        if m:
            header["editor"] = m.group("editor")
        return "note"
    if in_header and "\n" not in block:
        m = BYLINE.match(block)
        if m:
            header["author"] = m.group("author")
            if m.group("outlet"):
                header["outlet"] = _outlet(m.group("outlet"))
            if m.group("source"):
                header["outlet"] = _outlet(m.group("source"))
            if m.group("updated"):
                header["published"] = m.group("updated")
            if m.group("date") and "published" not in header:  # not strptime's 15 µs for naught
                parsed = _english_date(m.group("date"))
                if parsed:
                    header["published"] = parsed
            return "byline"
        m = SOURCE_LINE.match(block)
        if m:
            if m.group("source"):
                header["outlet"] = _outlet(m.group("source"))
            if m.group("updated"):
                header["published"] = m.group("updated")
            return "byline"
        m = DOTTED_DATE.match(block)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            with contextlib.suppress(ValueError):  # not a real date: no metadata from it
                header["published"] = dt.date(y, mo, d).isoformat()
            return "byline"
    return "body"


def _is_caption(block: str) -> bool:
    """Whether CAPTION matches in `block`. Most captions end with a credit in brackets,
    "(Photo/Xinhua)", and the search from the block's start would try every "(", "["
    and "P" of the caption before it. Such a match opens at the block's last "(" (for
    those in parentheses) or last "[" (in square brackets): none is inside it, and only
    white space follows it. So, unless a credit of another form may be there, the search
    starts at the first of those two that the block has."""
    if "PHOTO BY " in block or "Photo: " in block:
        return CAPTION.search(block) is not None
    paren, square = block.rfind("("), block.rfind("[")
    start = min(paren, square) if paren >= 0 and square >= 0 else max(paren, square)
    return start >= 0 and CAPTION.search(block, start) is not None


def _outlet(name: str) -> str:
    return OUTLET_NAMES.get(name.strip().lower(), name.strip())


def _english_date(s: str) -> str | None:
    for fmt in ("%B %d, %Y", "%b. %d, %Y", "%b %d, %Y"):
        try:
            return dt.datetime.strptime(s, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def assemble_text(paragraphs: list[Paragraph]) -> str:
    start = 0
    for p in paragraphs:
        p.char_start = start
        p.char_end = end = start + len(p.text)
        start = end + 2  # after the blank line
    return "\n\n".join([p.text for p in paragraphs])


# ---------------------------------------------------------------- articles


def ingest(sources_dir: Path, problems: Problems) -> list[Article]:
    """Read and clean every source; problems are collected, not raised."""
    articles = [read_source(src, sources_dir, problems) for src in plan(sources_dir, problems)]
    return [a for a in articles if a is not None]


def plan(
    sources_dir: Path, problems: Problems, digests: dict[str, str] | None = None
) -> list[Source]:
    """The sources to read, in article order: every manifest row whose file exists, has
    the sha256 the manifest recorded, and is not the same bytes as an earlier row. Their
    bytes are not kept (`read_source` reads each again), so that the sources of a large
    corpus can be handed to worker processes without their texts. `digests`: the SHA-256
    of the folder's files by name, when the caller has just read them (the build's
    fingerprint); a file not in it is read."""
    known = digests or {}
    manifest = _display(sources_dir / MANIFEST)
    folder = os.fspath(sources_dir)
    shipped: dict[str, Source] = {}  # sha256 -> first source with those bytes
    out = []
    for src in read_manifest(sources_dir, problems):
        sha = known.get(src.file)
        try:
            sha = sha or hashlib.sha256(_read(os.path.join(folder, src.file))).hexdigest()
        except FileNotFoundError:
            problems.add(manifest, src.line, "file", f"{src.file!r} does not exist")
            continue
        except OSError as e:
            path = _display(sources_dir / src.file)
            problems.add(path, None, "file", f"cannot read: {e.strerror}")
            continue
        if src.meta.get("sha256") and src.meta["sha256"] != sha:
            problems.add(
                manifest,
                src.line,
                "sha256",
                f"{src.file} has sha256 {sha}, the manifest recorded "
                f"{src.meta['sha256']}: the text changed since it was added",
            )
        first = shipped.setdefault(sha, src)
        if first is not src:
            problems.add(
                manifest,
                src.line,
                "file",
                f"{src.file} has the same bytes as "
                f"{first.file} (line {first.line}): a source listed twice",
            )
            continue
        src.sha256 = sha
        out.append(src)
    return sorted(out, key=lambda src: src.file.removesuffix(".txt"))


def read_source(src: Source, sources_dir: Path, problems: Problems) -> Article | None:
    """One planned source as an article: decoded, cleaned, split and classified, its
    metadata merged from the manifest and the text's own header."""
    # the path as a string: a Path is made only for a problem (joining one costs a
    # tenth of reading the file)
    path = os.path.join(sources_dir, src.file)
    try:
        raw = _read(path)
    except OSError as e:
        problems.add(_display(path), None, "file", f"cannot read: {e.strerror}")
        return None
    text = decode(raw, path, problems)
    if text is None:
        return None
    paragraphs, header = parse(text)
    if not paragraphs:
        problems.add(_display(path), None, "text", "no text left once site chrome is removed")
        return None
    meta = _merge(src, header, sources_dir, problems)
    if meta is None:
        return None
    return Article(
        article_id=src.file.removesuffix(".txt"),
        title=meta["title"],
        outlet=meta.get("outlet") or None,
        author=meta.get("author") or None,
        published=dt.date.fromisoformat(meta["published"]),
        url=meta.get("url") or None,
        genre=meta.get("genre") or "news",
        language=meta.get("language") or "en",
        editor=header.get("editor"),
        source_file=f"sources/{src.file}",
        source_sha256=src.sha256,
        text=assemble_text(paragraphs),
        paragraphs=paragraphs,
    )


def _merge(
    src: Source, header: dict[str, str], sources_dir: Path, problems: Problems
) -> dict[str, str] | None:
    meta = dict(src.meta)
    stated = header.get("published")
    if stated and meta.get("published") and stated != meta["published"]:
        problems.add(
            _display(sources_dir / MANIFEST),
            src.line,
            "published",
            f"{meta['published']} but the text of {src.file} says {stated}",
        )
    for key in ("title", "outlet", "author"):
        if not meta.get(key) and header.get(key):
            meta[key] = header[key]
    if not meta.get("title"):
        problems.add(
            _display(sources_dir / MANIFEST),
            src.line,
            "title",
            "no title in the manifest or the text",
        )
    if not meta.get("published") or _parse_date(meta["published"]) is None:
        return None
    return meta if meta.get("title") else None


def _display(path: str | Path) -> str:
    """A path as problems name it: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)  # getattr: 1 µs when missing


def _read(path: str | Path) -> bytes:
    """The bytes of a file, as `Path.read_bytes` but with less overhead per file: a
    source is read whole, by os.read, with no buffered file object."""
    fd = os.open(path, READ_FLAGS)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1
