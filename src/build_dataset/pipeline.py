"""The data flow, stage by stage: ingest -> extract -> curate -> assemble -> check -> publish.

Each stage collects the problems it finds; the build stops after the first stage that
found any, so every problem of a stage is reported at once and nothing is published.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from build_dataset import curate, ingest
from build_dataset.assemble import table_from_rows
from build_dataset.check import check_tables
from build_dataset.errors import BuildFailed, Problems
from build_dataset.extract import Gazetteer, extract
from build_dataset.models import BY_NAME


@dataclass
class Result:
    tables: dict[str, pa.Table]
    audit: list[dict]
    files: list[str]


def article_rows(articles: list[ingest.Article]) -> dict[str, list[dict]]:
    arts, paras = [], []
    for a in articles:
        arts.append({
            "article_id": a.article_id, "title": a.title, "outlet": a.outlet,
            "author": a.author, "published": a.published, "url": a.url, "genre": a.genre,
            "language": a.language, "editor": a.editor, "source_file": a.source_file,
            "source_sha256": a.source_sha256, "text": a.text, "word_count": a.word_count,
            "paragraph_count": len(a.paragraphs)})
        for n, p in enumerate(a.paragraphs, 1):
            paras.append({
                "article_id": a.article_id, "paragraph_no": n, "kind": p.kind, "text": p.text,
                "char_start": p.char_start, "char_end": p.char_end,
                "repeat_count": p.repeat_count, "source_line": p.source_line})
    return {"articles": arts, "paragraphs": paras}


def make_tables(sources: Path, annotations: Path | None) -> tuple[dict[str, pa.Table], list]:
    """Run every stage up to `check`; raise BuildFailed with all problems of a stage."""
    problems = Problems()
    articles = ingest.ingest(sources, problems)
    ann = curate.load(annotations, problems, display=ingest._display)
    problems.raise_if_any()
    gazetteer = Gazetteer.from_entities(curate.gazetteer_entries(ann))
    extractions = {a.article_id: extract(a.text, a.published, gazetteer) for a in articles}
    rows, audit = curate.curate(articles, extractions, ann, problems)
    problems.raise_if_any()
    rows.update(article_rows(articles))
    tables = {name: table_from_rows(model, rows.get(name, [])) for name, model in BY_NAME.items()}
    found = check_tables(tables)
    if found:
        raise BuildFailed(found)
    return tables, audit


def build(sources: Path, out: Path, annotations: Path | None) -> Result:
    from build_dataset.publish import publish

    tables, audit = make_tables(sources, annotations)
    files = publish(tables, out)
    return Result(tables, audit, files)
