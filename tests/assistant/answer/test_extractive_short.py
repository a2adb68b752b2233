"""The short answer through the real service: a store of its own (embedded Chroma in a tmp dir),
a few articles from different outlets, questions whose answer is a lower-case thing, two names,
or a count written in words — each answered "<short answer> — <quote> [1]" with exact quotes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.models import Query
from assistant.service import Newsdesk
from tests.support import ingest_into, make_settings, open_runtime

ARTICLES = [
    (
        "outlet-a.example",
        "French shoppers face empty shelves",
        "Supermarkets across France are running out of mustard this summer. A drought in Canada,"
        " which grows most of the seeds, cut the harvest. Shoppers in Paris said the shelves had"
        " been bare for weeks.",
    ),
    (
        "outlet-b.example",
        "A condiment crisis in Dijon",
        "French supermarkets are rationing mustard after a poor seed harvest in Canada. Some"
        " stores limit each customer to one jar. Producers expect supplies to recover next year.",
    ),
    (
        "outlet-c.example",
        "NATO opens its doors to two Nordic states",
        "NATO formally invited Sweden and Finland to join the alliance on Wednesday. Leaders"
        " meeting in Madrid agreed after Turkey lifted its objections.",
    ),
    (
        "outlet-d.example",
        "Court extends detention of basketball star",
        "A Russian court ruled that the WNBA star will be detained for six more months pending"
        " her trial. Her lawyers said they would appeal the decision.",
    ),
    (
        "outlet-e.example",
        "Ferry service to return",
        "The Quillon ferry service will restart on March 3, transport minister Elsa Varnum said.",
    ),
    (
        "outlet-f.example",
        "Lighthouse keeper steps down",
        "The Brannock lighthouse keeper retired after forty years, the harbour office said.",
    ),
]


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder) -> Newsdesk:
    root = tmp_path_factory.mktemp("short")
    corpus = root / "corpus.jsonl"
    with corpus.open("w") as f:
        for i, (source, title, text) in enumerate(ARTICLES):
            row = {
                "id": f"a{i}",
                "url": f"https://{source}/story-{i}",
                "title": title,
                "source": source,
                "published_at": "2022-06-15",
                "text": text,
            }
            f.write(json.dumps(row) + "\n")
    rt = open_runtime(make_settings(root / "data"), embedder)
    assert ingest_into(rt, [Path(corpus)]).articles_added == len(ARTICLES)
    return rt.desk


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("Supermarkets in France are struggling to stock which condiment?", "mustard"),
        ("Which two countries did NATO invite to join the alliance?", "Sweden and Finland"),
        ("A Russian court ruled the WNBA star will be detained for how many more months?", "6"),
    ],
)
def test_the_short_answer_leads_and_the_quote_supports_it(
    desk: Newsdesk, question: str, short: str
) -> None:
    ans = desk.ask(Query(question=question, as_of=date(2022, 6, 16)))
    assert not ans.refused
    assert ans.short_answer == short
    assert ans.answer.startswith(f"{short} — ")
    assert ans.citations and "[1]" in ans.answer
    stated = short if short != "6" else "six"
    assert stated in ans.citations[0].quote
    for c in ans.citations:
        article = desk.store.articles([c.article_id])[c.article_id]
        assert article.text[c.start : c.end] == c.quote


def test_a_name_from_a_sentence_about_something_else_does_not_lead(desk: Newsdesk) -> None:
    # The only person named anywhere is the ferry story's minister; the lighthouse article names
    # nobody. A "who" question must not be answered with her name, only with the quote.
    ans = desk.ask(
        Query(question="Who retired from the Brannock lighthouse?", as_of=date(2022, 6, 16))
    )
    assert not ans.refused
    assert ans.short_answer is None
    assert "Varnum" not in ans.answer
    assert "Brannock lighthouse keeper retired" in ans.answer
