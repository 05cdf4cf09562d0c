"""Curation rules that guard against silent drift between annotations and extraction."""

from __future__ import annotations

import pytest

from build_dataset.errors import BuildFailed
from build_dataset.pipeline import make_tables

ARTICLE = "000_21a81d94c626cbf0"


def _fails_with(project, fname: str, body: str) -> list[str]:
    path = project / "annotations" / fname
    path.write_text(path.read_text(encoding="utf-8") + body, encoding="utf-8")
    with pytest.raises(BuildFailed) as e:
        make_tables(project / "sources", project / "annotations")
    return [str(p) for p in e.value.problems]


def test_a_dismissal_that_matches_no_figure_is_an_error(sources_copy):
    # "President" is in the text but no automatic figure has that span
    body = f"  - article: {ARTICLE}\n    evidence: President\n    dismissed: noise\n"
    problems = _fails_with(sources_copy, "figures.yaml", body)
    assert any("figures.yaml" in p and "stale" in p for p in problems), problems


def test_a_dismissal_that_matches_no_date_is_an_error(sources_copy):
    body = f"  - article: {ARTICLE}\n    evidence: President\n    dismissed: noise\n"
    problems = _fails_with(sources_copy, "dates.yaml", body)
    assert any("dates.yaml" in p and "stale" in p for p in problems), problems


def test_a_figure_the_extractor_missed_needs_its_reading(sources_copy):
    body = f"  - article: {ARTICLE}\n    evidence: President\n    measure: noise\n"
    problems = _fails_with(sources_copy, "figures.yaml", body)
    assert any("give value, qualifier and kind" in p for p in problems), problems


def test_the_audit_reads_as_sorted_dicts_and_compares_as_a_list():
    from build_dataset.curate import Audit, LazyRows

    audit = Audit([("b", 3, "figures", "3"), ("a", 9, "mentions", "X"), ("a", 2, "quotes", "q")])
    assert len(audit) == 3 and audit != [] and Audit([]) == []
    assert [(a["article"], a["start"]) for a in audit] == [("a", 2), ("a", 9), ("b", 3)]
    assert audit[0] == {"table": "quotes", "article": "a", "evidence": "q", "start": 2}
    assert audit[1:] == list(audit)[1:]
    rows = LazyRows([(1, "x"), (2, "y")], lambda t: {"n": t[0], "s": t[1]})
    assert len(rows) == 2 and list(rows) == [{"n": 1, "s": "x"}, {"n": 2, "s": "y"}]
