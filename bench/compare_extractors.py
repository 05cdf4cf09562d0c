"""Our extractor side by side with quantulum3 and dateparser, on the same labelled sentences.

    python bench/compare_extractors.py [--verbose] [--repeat N]

Needs the pinned tools of bench/requirements.txt (`pip install -r bench/requirements.txt`).

The sentences are every sentence of the hand-labelled unseen articles in
tests/fixtures/unseen/ (001-008 with labels.json, 101-107 with labels.yaml), split with the
extractor's own sentence splitter; every tool gets the same sentences, one at a time, and
the article's publication date where it can use one (dateparser's RELATIVE_BASE; our
`extract(sentence, published, gazetteer)`).

Per tool it prints:
- figure recall (value): labelled figures for which the tool returns a number whose span
  overlaps the label and whose value is the label's (a tool's own span convention is not
  held against it); for ours also the strict recall of the tests (exact span, value,
  qualifier and kind);
- qualifiers and ordinals lost: labelled figures with a qualifier other than exact
  ("nearly 300 million"), and ordinals ("17th"), that the tool does not return with that
  qualifier, or as an ordinal;
- date recall: labelled dates for which the tool returns a date overlapping the label
  whose interval is the label's (strict), or, leniently, whose value lies inside the
  labelled interval (dateparser returns one datetime, never an interval);
- fabricated dates: dates returned that overlap no labelled date ("the 17th", "2,000");
  years returned as numbers (quantulum3 reads "in 1925" as the quantity 1925);
- sentences per second, the best of --repeat timed passes after one warm-up pass.

`--verbose` prints, sentence by sentence, what each tool found.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from build_dataset.extract import Gazetteer, extract
from build_dataset.extract.layout import Layout

UNSEEN = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "unseen"
EMPTY = Gazetteer.from_entities([])
TOOLS = ("ours", "quantulum3", "dateparser")


@dataclass
class Label:
    kind: str  # figure | date
    start: int  # offsets in the sentence
    end: int
    text: str
    value: float | None = None  # figures
    qualifier: str | None = None
    fig_kind: str | None = None
    first: dt.date | None = None  # dates
    last: dt.date | None = None


@dataclass
class Sentence:
    article: str
    published: dt.date
    text: str
    labels: list[Label] = field(default_factory=list)


@dataclass
class Found:  # what one tool returned for one sentence
    figures: list[tuple[int, int, float, str | None, str | None]] = field(default_factory=list)
    dates: list[tuple[int, int, dt.date, dt.date]] = field(default_factory=list)


# ---------------------------------------------------------------- the labelled sentences


def _by_occurrence(text: str, needle: str, occurrence: int) -> tuple[int, int]:
    hits = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)", text)]
    return hits[occurrence - 1], hits[occurrence - 1] + len(needle)


def _in_order(text: str, needles: list[str]) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for needle in needles:
        m = re.compile(rf"(?<![\w.,])(?<!\d-){re.escape(needle)}(?![\w]|[.,]\d)").search(text, pos)
        spans.append(m.span())
        pos = m.end()
    return spans


def _articles():
    """(id, text, published, [(kind, start, end, label fields)]) of both labelled sets."""
    for aid, art in sorted(json.loads((UNSEEN / "labels.json").read_text("utf-8")).items()):
        text = (UNSEEN / f"{aid}.txt").read_text("utf-8")
        labels = [
            (
                "figure",
                *_by_occurrence(text, f["value_text"], f["occurrence"]),
                dict(value=f["value"], qualifier=f["qualifier"], fig_kind=f["kind"]),
            )
            for f in art["figures"]
        ]
        labels += [
            (
                "date",
                *_by_occurrence(text, d["text"], d["occurrence"]),
                dict(
                    first=dt.date.fromisoformat(d["value_start"]),
                    last=dt.date.fromisoformat(d["value_end"]),
                ),
            )
            for d in art["dates"]
        ]
        yield aid, text, dt.date.fromisoformat(art["published"]), labels
    other = UNSEEN / "labels.yaml"
    if other.is_file():
        for aid, art in sorted(yaml.safe_load(other.read_text("utf-8")).items()):
            text = (UNSEEN / f"{aid}.txt").read_text("utf-8").rstrip("\n")
            figs = art.get("figures", [])
            labels = [
                (
                    "figure",
                    s,
                    e,
                    dict(value=f["value"], qualifier=f["qualifier"], fig_kind=f["kind"]),
                )
                for f, (s, e) in zip(figs, _in_order(text, [f["text"] for f in figs]), strict=True)
            ]
            dates = art.get("dates", [])
            labels += [
                ("date", s, e, dict(first=d["start"], last=d["end"]))
                for d, (s, e) in zip(
                    dates, _in_order(text, [d["text"] for d in dates]), strict=True
                )
            ]
            yield aid, text, art["published"], labels


def sentences() -> list[Sentence]:
    out = []
    for aid, text, published, labels in _articles():
        for s_start, s_end in Layout(text).sentences:
            sent = Sentence(aid, published, text[s_start:s_end])
            if not sent.text.strip():
                continue
            for kind, s, e, fields in labels:
                if s_start <= s and e <= s_end:
                    sent.labels.append(Label(kind, s - s_start, e - s_start, text[s:e], **fields))
            out.append(sent)
    return out


# ---------------------------------------------------------------- the tools


def run_ours(sent: Sentence) -> Found:
    ex = extract(sent.text, sent.published, EMPTY)
    return Found(
        [(f.char_start, f.char_end, f.value, f.qualifier, f.kind) for f in ex.figures],
        [(d.char_start, d.char_end, d.value_start, d.value_end) for d in ex.dates],
    )


def _quantulum():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from quantulum3 import parser
    return parser


def run_quantulum3(sent: Sentence) -> Found:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quantities = _quantulum().parse(sent.text)
    return Found([(q.span[0], q.span[1], float(q.value), None, None) for q in quantities], [])


def run_dateparser(sent: Sentence) -> Found:
    from dateparser.search import search_dates

    base = dt.datetime.combine(sent.published, dt.time())
    found = search_dates(
        sent.text,
        languages=["en"],
        settings={"RELATIVE_BASE": base, "RETURN_AS_TIMEZONE_AWARE": False},
    )
    out, pos = Found(), 0
    for surface, when in found or []:
        start = sent.text.find(surface, pos)
        if start < 0:
            start = sent.text.find(surface)
        if start < 0:
            continue
        pos = start + len(surface)
        out.dates.append((start, pos, when.date(), when.date()))
    return out


RUN = {"ours": run_ours, "quantulum3": run_quantulum3, "dateparser": run_dateparser}


# ---------------------------------------------------------------- scoring


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass
class Score:
    figures: int = 0
    strict_figures: int = 0
    qualifiers_lost: int = 0
    ordinals_lost: int = 0
    dates: int = 0
    lenient_dates: int = 0
    fabricated: int = 0
    years_as_figures: int = 0
    seconds: float = math.inf


def score(tool: str, sents: list[Sentence], results: list[Found]) -> Score:
    sc = Score()
    for sent, found in zip(sents, results, strict=True):
        date_labels = [(lab.start, lab.end) for lab in sent.labels if lab.kind == "date"]
        for lab in sent.labels:
            span = (lab.start, lab.end)
            if lab.kind == "figure":
                hits = [
                    f
                    for f in found.figures
                    if _overlaps(span, f[:2]) and math.isclose(f[2], lab.value, rel_tol=1e-6)
                ]
                sc.figures += bool(hits)
                sc.strict_figures += any(
                    f[:2] == span and (f[3], f[4]) == (lab.qualifier, lab.fig_kind) for f in hits
                )
                if lab.qualifier != "exact":
                    sc.qualifiers_lost += not any(f[3] == lab.qualifier for f in hits)
                if lab.fig_kind == "ordinal":
                    sc.ordinals_lost += not any(f[4] == "ordinal" for f in hits)
            else:
                hits = [d for d in found.dates if _overlaps(span, d[:2])]
                sc.dates += any((d[2], d[3]) == (lab.first, lab.last) for d in hits)
                sc.lenient_dates += any(lab.first <= d[2] <= d[3] <= lab.last for d in hits)
        sc.fabricated += sum(
            not any(_overlaps(d[:2], lab) for lab in date_labels) for d in found.dates
        )
        sc.years_as_figures += sum(
            any(_overlaps(f[:2], lab) for lab in date_labels) for f in found.figures
        )
    return sc


def timed(tool: str, sents: list[Sentence], repeat: int) -> tuple[list[Found], float]:
    run = RUN[tool]
    results = [run(s) for s in sents]  # warm-up: imports, unit tables, caches
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        for s in sents:
            run(s)
        best = min(best, time.perf_counter() - t0)
    return results, best


def _show(sents: list[Sentence], results: dict[str, list[Found]]) -> None:
    for i, sent in enumerate(sents):
        print(f"\n[{sent.article} {sent.published}] {sent.text}")
        for lab in sent.labels:
            what = (
                f"{lab.value:g} {lab.qualifier} {lab.fig_kind}"
                if lab.kind == "figure"
                else f"{lab.first}..{lab.last}"
            )
            print(f"  label  {lab.kind:6} {lab.text!r}: {what}")
        for tool in TOOLS:
            found = results[tool][i]
            for s, e, value, qual, kind in found.figures:
                extra = f" {qual} {kind}" if qual else ""
                print(f"  {tool:10} figure {sent.text[s:e]!r}: {value:g}{extra}")
            for s, e, first, last in found.dates:
                interval = first if first == last else f"{first}..{last}"
                print(f"  {tool:10} date   {sent.text[s:e]!r}: {interval}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--verbose", action="store_true", help="what each tool finds, per sentence")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes (the best counts)")
    args = ap.parse_args(argv)
    try:
        import dateparser
        import quantulum3
    except ImportError as e:
        print(f"needs the tools of bench/requirements.txt: {e}", file=sys.stderr)
        return 2
    sents = sentences()
    labels = [lab for s in sents for lab in s.labels]
    n_fig = sum(lab.kind == "figure" for lab in labels)
    n_date = len(labels) - n_fig
    n_qual = sum(lab.kind == "figure" and lab.qualifier != "exact" for lab in labels)
    n_ord = sum(lab.kind == "figure" and lab.fig_kind == "ordinal" for lab in labels)
    articles = len({s.article for s in sents})
    print(
        f"{len(sents)} sentences of {articles} labelled articles: {n_fig} figures "
        f"({n_qual} with a qualifier, {n_ord} ordinals), {n_date} dates"
    )
    print(
        f"quantulum3 {quantulum3.__version__}, dateparser {dateparser.__version__}, "
        f"Python {sys.version.split()[0]}"
    )
    results, scores = {}, {}
    for tool in TOOLS:
        results[tool], seconds = timed(tool, sents, args.repeat)
        scores[tool] = score(tool, sents, results[tool])
        scores[tool].seconds = seconds
    if args.verbose:
        _show(sents, results)
        print()

    def pct(k: int, n: int) -> str:
        return f"{k}/{n} = {k / n:.1%}" if n else "-"

    rows = [
        ("figure recall (span overlaps, value)", lambda s: pct(s.figures, n_fig), "q"),
        (
            "  strict: exact span, value, qualifier, kind",
            lambda s: pct(s.strict_figures, n_fig),
            "o",
        ),
        ("qualifiers lost (of those labelled)", lambda s: f"{s.qualifiers_lost}/{n_qual}", "q"),
        ("ordinals lost", lambda s: f"{s.ordinals_lost}/{n_ord}", "q"),
        ("years returned as numbers", lambda s: str(s.years_as_figures), "q"),
        ("date recall (interval)", lambda s: pct(s.dates, n_date), "d"),
        ("date recall (lenient: value inside)", lambda s: pct(s.lenient_dates, n_date), "d"),
        ("fabricated dates", lambda s: str(s.fabricated), "d"),
        ("sentences per second", lambda s: f"{len(sents) / s.seconds:,.0f}", "qd"),
    ]
    applies = {"ours": "oqd", "quantulum3": "q", "dateparser": "d"}
    print(f"\n{'':46}" + "".join(f"{t:>18}" for t in TOOLS))
    for name, cell, kinds in rows:
        cells = [
            cell(scores[t]) if set(kinds) & set(applies[t]) or t == "ours" else "-" for t in TOOLS
        ]
        print(f"{name:46}" + "".join(f"{c:>18}" for c in cells))
    print(
        "\nquantulum3 reads numbers only and dateparser dates only: '-' where a tool has no "
        "such output."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
