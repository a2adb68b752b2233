"""Dataset loading: the shared format, the golden set, labels for breakdowns, sampling."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from evals.datasets import (
    GOLDEN,
    DatasetError,
    load_dataset,
    needs_date,
    question_type,
    sample,
)
from evals.stores import corpus_sha1, file_sha1
from ingest.loaders import load_paths
from tests.support import DEV_DATASET


@pytest.mark.parametrize(
    ("question", "qtype"),
    [
        ("Who did Trump call on February 12?", "who"),
        ("Whose plan was it?", "who"),
        ("Broadway’s biggest stars were recognized at which awards show?", "which"),
        ("How many troops did Russia withdraw?", "how-many"),
        ("How much did it cost?", "how-many"),
        ("How did the Kremlin describe relations?", "other"),
        ("Why is the US developing a plan?", "why"),
        ("NASA launched Artemis I.", "other"),
        ("When did Russia annex Crimea?", "when"),
        ("Where did the meetings take place?", "where"),
        ("What did Trump say?", "what"),
    ],
)
def test_question_type_by_first_wh_word(question: str, qtype: str) -> None:
    assert question_type(question) == qtype


def test_needs_date_uses_the_query_planner() -> None:
    asked = date(2025, 3, 10)
    for q in (
        "What did Trump say on Feb 26?",
        "What happened on 26 February?",
        "Who won this week?",
    ):
        assert needs_date(q, asked)
    assert not needs_date("Who leads Russia?", asked)


def test_golden_set_is_about_the_shipped_article() -> None:
    ds = load_dataset(GOLDEN)
    assert ds.name == "golden-sample" and ds.corpus.name == "white-house-russia-sanctions.txt"
    [article] = [a for a in load_paths([ds.corpus]) if not hasattr(a, "reason")]
    text = article.text  # type: ignore[union-attr]
    assert len(ds.questions) >= 20
    kinds = {q.type for q in ds.questions}
    assert kinds == {"answerable", "unanswerable"}
    for q in ds.questions:
        for a in q.answers:
            assert a in text, (q.id, a)  # gold answers appear literally in the article
        if q.answerable:
            assert q.gold_ids == (article.id,)  # type: ignore[union-attr]
        else:
            assert not q.answers and not q.gold_ids
    spellings = [q.question for q in ds.questions if q.needs_date]
    assert any("Feb 26" in s for s in spellings) and any("February 26th" in s for s in spellings)
    assert any("26 February" in s for s in spellings)
    assert any(q.all_answers for q in ds.questions)  # questions needing two passages
    assert [q.id for q in ds.questions] == sorted(q.id for q in ds.questions)


def test_dev_dataset_loads_with_its_documented_shape() -> None:
    ds = load_dataset(DEV_DATASET)
    assert len(ds.questions) == 164 and ds.corpus == DEV_DATASET / "corpus.jsonl"
    assert sum(not q.answerable for q in ds.questions) == 39
    assert sum(q.asked_at is None for q in ds.questions) == 3
    assert all(len(q.choices) == 4 for q in ds.questions)
    assert ds.questions_sha1 == file_sha1(DEV_DATASET / "questions.jsonl")


def test_sample_is_seeded_and_sorted() -> None:
    qs = load_dataset(GOLDEN).questions
    a, b = sample(qs, 5, seed=1), sample(qs, 5, seed=1)
    assert [q.id for q in a] == [q.id for q in b] and len(a) == 5
    assert [q.id for q in a] == sorted(q.id for q in a)
    assert [q.id for q in sample(qs, 5, seed=2)] != [q.id for q in a]
    assert sample(qs, None, 0) == sorted(qs, key=lambda q: q.id)


def _write(root: Path, questions: list[object], corpus: bool = True) -> Path:
    root.mkdir()
    if corpus:
        (root / "corpus.jsonl").write_text(
            json.dumps({"id": "a", "text": "Some text here."}) + "\n"
        )
    (root / "questions.jsonl").write_text("\n".join(json.dumps(q) for q in questions) + "\n")
    return root


def test_malformed_datasets_say_where(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="no corpus"):
        load_dataset(_write(tmp_path / "a", [], corpus=False))
    with pytest.raises(DatasetError, match="questions.jsonl:1"):
        load_dataset(_write(tmp_path / "b", [{"id": "1"}]))
    with pytest.raises(DatasetError, match="asked_at"):
        load_dataset(_write(tmp_path / "c", [{"id": "1", "question": "Q?", "asked_at": "soon"}]))
    dup = [{"id": "1", "question": "Q?"}, {"id": "1", "question": "R?"}]
    with pytest.raises(DatasetError, match="duplicate"):
        load_dataset(_write(tmp_path / "d", dup))
    with pytest.raises(DatasetError, match="not a dataset folder"):
        load_dataset(tmp_path / "missing")


def test_dataset_toml_names_a_corpus_folder(tmp_path: Path) -> None:
    root = _write(tmp_path / "ds", [{"id": "1", "question": "Q?", "answers": ["x"]}], corpus=False)
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text("Title\n\nBody text of the article.\n")
    (root / "dataset.toml").write_text('name = "mine"\ncorpus = "../articles"\n')
    ds = load_dataset(root)
    assert ds.name == "mine" and ds.corpus == (tmp_path / "articles").resolve()
    before = corpus_sha1(ds.corpus)
    (tmp_path / "articles" / "b.txt").write_text("Another\n\nMore text.\n")
    assert corpus_sha1(ds.corpus) != before
    assert ds.questions[0].type == "answerable"
