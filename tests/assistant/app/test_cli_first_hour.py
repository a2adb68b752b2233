"""The first hour of a new user on the command line, run as they run it (`newsdesk ...` as a
subprocess over a real store): version and help, clear messages for bad options, a missing or
empty store, sources in any case, what is stored (`newsdesk list`), and ingest reports."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.runtime import Runtime
from tests.support import SAMPLE_ARTICLE, cli_command, make_settings

DATED = {
    "id": "cli-dated",
    "title": "Harbor bridge opens",
    "source": "Harbor.Example",
    "published_at": "2025-02-20",
    "text": "The mayor of Oslo opened the new harbor bridge on February 19, 2025, after four"
    " years of building work, the city said.",
}


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(*args), capture_output=True, text=True, env={**os.environ, **(env or {})}
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample article and a dated one, ingested with the CLI."""
    root = tmp_path_factory.mktemp("cli-first-hour")
    (root / "dated.jsonl").write_text(json.dumps(DATED) + "\n")
    data = root / "data"
    done = _cli("ingest", "--data-dir", str(data), str(SAMPLE_ARTICLE), str(root / "dated.jsonl"))
    assert done.returncode == 0, done.stderr
    return data


def test_version_and_a_help_written_for_users() -> None:
    from assistant import __version__

    version = _cli("--version")
    assert version.returncode == 0 and version.stdout.strip() == f"newsdesk {__version__}"
    shown = _cli("--help").stdout
    assert "Ask questions about your news articles" in shown
    assert "entry point" not in shown and "NewsdeskError" not in shown and "_fails" not in shown
    assert "list" in shown  # the new command is there


def test_bad_options_get_one_short_line(store: Path) -> None:
    data = str(store)
    for args, expected in [
        (["--as-of", "2022-13-45"], "--as-of: '2022-13-45' is not a date (use YYYY-MM-DD)"),
        (["-k", "0"], "k: must be between 1 and 50, got 0"),
        (["-k", "-3"], "k: must be between 1 and 50, got -3"),
        (["-k", "1000"], "k: 1000 is more than the limit of 50"),
    ]:
        res = _cli("ask", "--data-dir", data, "What did Trump say?", *args)
        assert res.returncode == 2, (args, res.stdout)
        assert expected in res.stderr and "Traceback" not in res.stderr, res.stderr
        assert "pydantic" not in res.stderr and "http" not in res.stderr


def test_a_missing_store_is_an_error_and_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-store"
    for command in (["ask", "What did Trump say?"], ["list"], ["check"], ["delete", "x"]):
        res = _cli(command[0], "--data-dir", str(missing), *command[1:])
        assert res.returncode == 2, (command, res.stderr)
        assert f"no store at {missing}" in res.stderr and "newsdesk ingest" in res.stderr
    assert not missing.exists()


def test_an_empty_store_is_warned_about(tmp_path: Path, embedder: MiniLMEmbedder) -> None:
    settings = make_settings(tmp_path / "empty")
    Runtime.open(settings, embedder=embedder).close()  # a store with nothing in it
    res = _cli("ask", "--data-dir", str(settings.data_dir), "What did Trump say?")
    assert res.returncode == 0 and "holds no articles" in res.stderr


def test_the_calendar_end_as_of_answers(store: Path) -> None:
    for as_of in ("9999-12-31", "0001-01-01"):
        res = _cli("ask", "--data-dir", str(store), "When did the bridge open?", "--as-of", as_of)
        assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr


def test_sources_match_in_any_case_and_unknown_ones_list_the_known(store: Path) -> None:
    question = ["ask", "--data-dir", str(store), "When did the harbor bridge open?", "--json"]
    found = json.loads(_cli(*question, "--source", "HARBOR.example").stdout)
    assert not found["refused"] and found["citations"][0]["source"] == "Harbor.Example"
    res = _cli(*question[:-1], "--source", "CNN.com")
    assert "no stored article is from 'CNN.com'" in res.stderr and "Harbor.Example" in res.stderr


def test_list_shows_what_is_stored(store: Path) -> None:
    listed = json.loads(_cli("list", "--data-dir", str(store), "--json").stdout)
    assert listed["total"] == 2 and {a["id"] for a in listed["articles"]} >= {"cli-dated"}
    assert listed["sources"]["Harbor.Example"] == 1
    assert listed["earliest"] == listed["latest"] == "2025-02-20" and listed["undated"] == 1
    page = json.loads(_cli("list", "--data-dir", str(store), "--json", "--limit", "1").stdout)
    assert len(page["articles"]) == 1
    text = _cli("list", "--data-dir", str(store)).stdout
    assert "cli-dated  2025-02-20  Harbor.Example  Harbor bridge opens" in text
    assert "articles 1-2 of 2" in text and "published: 2025-02-20 to 2025-02-20" in text


def test_ingest_reports_bad_records_and_dates_and_keeps_the_rest(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    lines = [
        json.dumps({"id": "s1", "title": "T \ud800", "text": "A broken title here."}),
        json.dumps({"id": "s2", "authors": ["A \udfff"], "text": "Broken authors here."}),
        json.dumps({"id": "ok", "title": "Fine", "text": "The ferry runs again from Monday."}),
        json.dumps({"id": "s3", "text": "Broken \ud800 text here."}),
    ]
    (corpus / "records.jsonl").write_text("\n".join(lines) + "\n")
    for name, date in [("feb30", "2022-02-30"), ("month13", "2022-13-01"), ("zero", "0000-00-00")]:
        (corpus / f"{name}.md").write_text(
            f"---\ntitle: {name}\ndate: {date}\n---\nThe {name} article tells of a harbor.\n"
        )
    (corpus / "good.md").write_text("---\ntitle: good\ndate: 2022-02-03\n---\nA dated one.\n")
    (corpus / "huge.txt").write_text("Huge headline\n\n" + "word " * 3000)
    data = str(tmp_path / "data")
    res = _cli(
        "ingest", "--json", "--data-dir", data, str(corpus),
        env={"NEWSDESK_MAX_ARTICLE_CHARS": "10000"},
    )  # fmt: skip
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    report = json.loads(res.stdout)
    assert report["articles_added"] == 5  # ok + 3 kept with unknown dates + good
    failed = [(Path(f["origin"]).name, f["line"], f["reason"]) for f in report["failed"]]
    assert sorted((name, line) for name, line, r in failed if "lone surrogate" in r) == [
        ("records.jsonl", 1),
        ("records.jsonl", 2),
        ("records.jsonl", 4),
    ]
    assert [r for name, _, r in failed if name == "huge.txt"] == [
        "article text is 15,015 characters, more than the limit of 10,000"
        " (NEWSDESK_MAX_ARTICLE_CHARS)"
    ]
    warned = {w["origin"].rsplit("/", 1)[-1]: w["reason"] for w in report["warnings"]}
    assert set(warned) == {"feb30.md", "month13.md", "zero.md"}
    assert all("unknown publication date" in r for r in warned.values())
    listed = json.loads(_cli("list", "--data-dir", data, "--json").stdout)
    assert listed["undated"] == 4 and listed["earliest"] == "2022-02-03"


def test_symlinks_are_followed_only_within_the_given_folders(tmp_path: Path) -> None:
    corpus, outside = tmp_path / "corpus", tmp_path / "outside"
    (corpus / "sub").mkdir(parents=True)
    outside.mkdir()
    (corpus / "a.txt").write_text("Headline A\n\nThe mayor of Oslo opened the bridge.\n")
    (corpus / "sub" / "c.txt").write_text("Headline C\n\nThe mayor of Tromso opened a school.\n")
    (outside / "b.txt").write_text("Headline B\n\nThe mayor of Bergen opened a museum.\n")
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "outlink").symlink_to(outside)
    (corpus / "inside.txt").symlink_to(corpus / "sub" / "c.txt")
    (corpus / "sublink").symlink_to(corpus / "sub")
    (corpus / "broken.txt").symlink_to(corpus / "nowhere.txt")
    (corpus / "loop1.txt").symlink_to(corpus / "loop2.txt")
    (corpus / "loop2.txt").symlink_to(corpus / "loop1.txt")
    (corpus / "sub" / "up").symlink_to(corpus)
    data = str(tmp_path / "data")
    report = json.loads(_cli("ingest", "--json", "--data-dir", data, str(corpus)).stdout)
    assert report["articles_added"] == 2  # a.txt and sub/c.txt (once, though linked twice)
    reasons = {Path(f["origin"]).name: f["reason"] for f in report["failed"]}
    assert "outside the folders being ingested" in reasons["passwd.txt"]
    assert "outside the folders being ingested" in reasons["outlink"]
    assert "broken symlink" in reasons["broken.txt"]
    assert "symlink loop" in reasons["loop1.txt"] and "symlink loop" in reasons["loop2.txt"]
    assert "already being ingested" in reasons["up"]
    listed = json.loads(_cli("list", "--data-dir", data, "--json").stdout)
    assert sorted(a["title"] for a in listed["articles"]) == ["Headline A", "Headline C"]
    # a link given explicitly is the user's choice: followed
    explicit = json.loads(
        _cli("ingest", "--json", "--data-dir", data, str(corpus / "outlink" / "b.txt")).stdout
    )
    assert explicit["articles_added"] == 1
