"""The lexical index on its own: common-term pruning and its stemming parity with FTS5."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assistant.store.lexical import LexicalIndex, index_term, prune_common
from assistant.store.types import ChunkHit
from assistant.text import content_words

WORDS = [
    "administration", "running", "sanctions", "Russia", "Putin's", "companies", "happily",
    "relational", "conditional", "hopping", "generalization", "oscillators", "Kyiv", "COVID-19",
]  # fmt: skip


def _row(i: int, text: str) -> ChunkHit:
    return ChunkHit(chunk_id=f"c{i}", article_id=f"a{i}", text=text, start=0, end=len(text))


def test_index_term_is_the_term_fts5_stores(tmp_path: Path) -> None:
    idx = LexicalIndex(tmp_path / "lex.sqlite3")
    idx.add([_row(i, w) for i, w in enumerate(WORDS)])
    conn = sqlite3.connect(idx.path)
    conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, 'chunks', 'row')")
    stored = {r[0] for r in conn.execute("SELECT term FROM temp.v")}
    # Possessives are stored as two tokens ("putin", "s"): the lookup uses the first.
    terms = content_words(" ".join(WORDS))  # as queries see them
    assert len(terms) >= len(WORDS)
    assert {index_term(w) for w in terms} <= stored


def test_prune_common_keeps_the_rarest_terms_within_the_budget() -> None:
    df = {"said": 900, "year": 500, "sanction": 12, "oligarch": 3, "bank": 40}
    terms = ["said", "year", "sanctions", "oligarchs", "banks"]
    assert prune_common(terms, df, total=1000, max_df=0.1) == ["sanctions", "oligarchs", "banks"]
    # Only common words: the three rarest stay, in question order.
    assert prune_common(["said", "year", "banks", "sanctions"], df, 1000, 0.01) == [
        "year", "banks", "sanctions"
    ]  # fmt: skip
    assert prune_common(terms, df, total=1000, max_df=1.0) == terms
    # The budget is on the rows the kept terms match together, not per term.
    even = {f"w{i}": 30 for i in range(5)}
    assert prune_common(list(even), even, total=1000, max_df=0.1) == ["w0", "w1", "w2"]
    assert prune_common(list(even), even, total=1000, max_df=0.12) == ["w0", "w1", "w2", "w3"]


def test_search_leaves_out_words_most_chunks_have(tmp_path: Path) -> None:
    rows = [_row(i, f"officials said on day {i} that nothing happened") for i in range(20)]
    rows.append(_row(100, "officials said the oligarchs banks sanctions were widened"))
    rows.append(_row(101, "the sanctions hit oligarchs"))
    pruned = LexicalIndex(tmp_path / "pruned.sqlite3", max_df=0.2)
    full = LexicalIndex(tmp_path / "full.sqlite3")
    for idx in (pruned, full):
        idx.add(rows)
    question = "What did officials say about sanctions on oligarchs and banks?"
    hits = [h.chunk_id for h in pruned.search(question, 50)]
    assert hits[:2] == ["c100", "c101"] and len(hits) == 2  # "officials" is in 21 of 22 rows
    assert len(full.search(question, 50)) == 22


def test_prune_common_caps_the_rows_scored_in_a_large_index() -> None:
    df = {"said": 90_000, "bank": 8_000, "sanction": 1_200, "oligarch": 300, "yacht": 40}
    terms = ["said", "banks", "sanctions", "oligarchs", "yachts"]
    # 10% of 500k chunks would keep "banks" too; 3,000 rows keeps the three rarest.
    assert prune_common(terms, df, total=500_000, max_df=0.1) == [
        "banks", "sanctions", "oligarchs", "yachts"
    ]  # fmt: skip
    assert prune_common(terms, df, total=500_000, max_df=0.1, max_rows=3000) == [
        "sanctions", "oligarchs", "yachts"
    ]  # fmt: skip
    # A small index stays under its share: the cap changes nothing there.
    assert prune_common(terms, df, total=20_000, max_df=0.1, max_rows=3000) == prune_common(
        terms, df, total=20_000, max_df=0.1
    )


def test_pruning_sees_every_write_made_since_its_counts_were_cached(tmp_path: Path) -> None:
    """Document frequencies are cached per connection; a write through this index or through
    another one on the same file (another process, another thread) must move them."""
    path = tmp_path / "lex.sqlite3"
    reader, writer = LexicalIndex(path, max_df=0.3), LexicalIndex(path)
    question = "alpha beta gamma delta"  # four terms: pruning applies above three
    reader.add([_row(i, f"alpha filler {i}") for i in range(8)])
    reader.add([_row(10, "beta"), _row(11, "gamma"), _row(12, "delta")])
    # 11 rows, budget 3.3 rows: "alpha" (8 rows) is left out of the query.
    assert {h.chunk_id for h in reader.search(question, 50)} == {"c10", "c11", "c12"}
    # Another index on the file makes "alpha" rare (1 row of 24): a stale count (8) would
    # still leave it out.
    writer.delete_chunks([f"c{i}" for i in range(1, 8)])
    writer.add([_row(100 + i, f"weather {i}") for i in range(20)])
    assert {h.chunk_id for h in reader.search(question, 50)} == {"c0", "c10", "c11", "c12"}
    # This index's own write makes "beta" common (41 rows): a stale count (1) would keep it.
    reader.add([_row(200 + i, f"beta {i}") for i in range(40)])
    assert {h.chunk_id for h in reader.search(question, 50)} == {"c0", "c11", "c12"}
