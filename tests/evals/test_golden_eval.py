"""The golden set end to end: store, run, metrics, and the three reports on disk."""

from __future__ import annotations

import json
from datetime import date
from html.parser import HTMLParser

import pytest

from assistant.models import Query
from assistant.runtime import Runtime
from evals.datasets import GOLDEN, load_dataset
from evals.records import record_from_json
from evals.report import load_report
from evals.scoring import METRICS
from evals.thresholds import check, load_thresholds
from tests.evals.conftest import GoldenRun


def test_golden_run_meets_its_committed_floors(golden_run: GoldenRun) -> None:
    shortfalls = check(golden_run.report["metrics"], load_thresholds(GOLDEN / "thresholds.toml"))
    assert shortfalls == [], [str(s) for s in shortfalls]


def test_every_metric_is_reported_with_counts_and_intervals(golden_run: GoldenRun) -> None:
    metrics = golden_run.report["metrics"]
    assert set(metrics) == {m.name for m in METRICS}
    for name in ("hit_at_5", "answer_containment", "refusal_accuracy", "false_refusal_rate"):
        m = metrics[name]
        assert m["n"] > 0 and m["value"] is not None and m["ci95"] is not None
        assert m["ci95"][0] <= m["value"] <= m["ci95"][1]
    counts = golden_run.report["counts"]
    assert counts["questions"] == 23 and counts["answerable"] == 18 and counts["unanswerable"] == 5
    assert counts["citations_valid"] == counts["citations"] > 0
    assert metrics["hit_at_5"]["n"] == 18 and metrics["refusal_accuracy"]["n"] == 5
    assert (
        metrics["mc_accuracy"]["n"] == 5
    )  # 6 questions show choices; the unanswerable has no gold
    latency = golden_run.report["latency"]
    assert {"embed", "dense", "lexical", "answer", "total"} <= set(latency)


def test_breakdowns_cover_types_and_dates(golden_run: GoldenRun) -> None:
    b = golden_run.report["breakdowns"]
    assert set(b) == {"question_type", "needs_date", "answerable"}
    assert {"who", "what", "when", "which", "how-many"} <= set(b["question_type"])
    assert sum(g["n"] for g in b["needs_date"].values()) == 23
    assert b["needs_date"]["needs date"]["n"] >= 5


def test_records_carry_what_was_retrieved_answered_and_cited(golden_run: GoldenRun) -> None:
    recs = {r["id"]: r for r in golden_run.report["records"]}
    g03 = recs["g03"]  # "What did Trump say on Feb 26?"
    assert g03["needs_date"] and g03["pass"]["answer_containment"] and g03["outcome"] == "pass"
    assert "at some point" in g03["answer"]
    assert g03["citations"][0]["valid"] is True and g03["citations"][0]["quote"] in g03["answer"]
    assert len(g03["retrieved"]) >= 5 and g03["retrieved"][0]["rank"] == 1
    assert "text" not in g03["retrieved"][0]
    assert g03["scores"]["hit_at_5"] == [1.0, 1.0]
    assert recs["g02"]["asked_at"] is None  # asked without an as-of date
    refused = [r for r in recs.values() if r["refused"]]
    assert all(not r["citations"] and not r["support"] for r in refused)
    # records round-trip
    again = record_from_json(g03)
    assert again.id == "g03" and again.citations[0].quote == g03["citations"][0]["quote"]
    assert again.to_json()["scores"] == g03["scores"]


def test_identity_ties_the_report_to_what_was_measured(golden_run: GoldenRun) -> None:
    ident = golden_run.report["identity"]
    ds = load_dataset(GOLDEN)
    assert ident["dataset_sha1"] == ds.questions_sha1
    assert ident["corpus_sha1"] and ident["store_key"] and ident["embedder"]
    assert ident["answerer"] == "extractive" and ident["k"] == 5 and ident["retrieval_depth"] == 10
    assert ident["package_version"] and "git_commit" in ident
    settings = ident["settings"]
    assert "chunk_size" in settings and "llm_max_tokens" in settings
    assert not {"api_keys", "llm_api_key", "chroma_token", "openai_embed_api_key"} & set(settings)
    assert golden_run.report["timings_s"]["total"] > 0


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for k, v in attrs:
            if k in ("src", "href") and v and not v.startswith("#"):
                self.external.append(v)


def test_reports_are_written_and_self_contained(golden_run: GoldenRun) -> None:
    out = golden_run.out
    data = json.loads((out / "report.json").read_text())
    assert load_report(out / "report.json")["schema"] == data["schema"]
    md = (out / "report.md").read_text()
    assert "| hit@5" in md and "## By question type" in md and "## Latency" in md
    html = (out / "report.html").read_text()
    parser = _Collect()
    parser.feed(html)
    assert parser.external == []  # no CDN, no external file
    assert parser.tags.count("svg") >= 5  # 3 breakdown charts, box plot, histogram
    assert "rect" in parser.tags and "script" in parser.tags
    assert 'id="questions"' in html and html.count("<tr data-qtype=") == 23
    assert "at some point" in html
    # the data is escaped: no question text can open a tag
    assert "<script>" not in html.split("<script>", 1)[1].split("</script>", 1)[0]


def test_answerer_sees_the_first_k_of_the_depth_10_retrieval(sample_runtime: Runtime) -> None:
    """The runner retrieves once at depth 10 and answers from the first k passages; that is
    only faithful if selection is prefix-consistent (the first k of 10 == a k retrieval)."""
    desk = sample_runtime.desk
    for q in load_dataset(GOLDEN).questions[:8]:
        asked = q.asked_at or date(2025, 3, 10)
        deep = desk.retrieve(Query(question=q.question, as_of=asked, k=10)).passages
        shallow = desk.retrieve(Query(question=q.question, as_of=asked, k=5)).passages
        assert [p.chunk_id for p in deep[:5]] == [p.chunk_id for p in shallow], q.id


@pytest.mark.parametrize("bad", ["", "   "])
def test_a_bad_question_becomes_an_error_record(sample_runtime: Runtime, bad: str) -> None:
    from evals.datasets import EvalQuestion
    from evals.runner import EvalOptions, _FirstK, ask_one, build_judge

    answerer = _FirstK(sample_runtime.answerer("extractive"), 5)
    q = EvalQuestion(id="x", question=bad, asked_at=None, answers=("y",))
    rec = ask_one(
        sample_runtime, answerer, build_judge("offline", sample_runtime), q, EvalOptions()
    )
    assert rec.error and rec.error.startswith("bad query") and rec.outcome == "error"
