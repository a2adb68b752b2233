"""`newsdesk ingest` of the stories corpus, then `ask`, `timeline`, `outlets`, `story` as
subprocesses (the way users run them)."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.support import cli_command
from tests.support.stories import (
    AS_OF,
    OUTLETS_QUESTION,
    TIMELINE_QUESTION,
    WIRE_URLS,
    write_corpus,
)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli_command(*args), capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("cli-stories")
    data = str(root / "d")
    done = _cli("ingest", "--json", "--data-dir", data, str(write_corpus(root / "c.jsonl")))
    assert done.returncode == 0, done.stderr
    return data


def test_timeline_command(data_dir: str) -> None:
    res = _cli("timeline", TIMELINE_QUESTION, "--as-of", AS_OF, "--data-dir", data_dir, "--json")
    assert res.returncode == 0, res.stderr
    tl = json.loads(res.stdout)
    days = [e["date"] for e in tl["events"]]
    assert len(days) >= 3 and days == sorted(days) and "2022-06-13" in days
    text = _cli("timeline", TIMELINE_QUESTION, "--as-of", AS_OF, "--data-dir", data_dir)
    lines = [line for line in text.stdout.splitlines() if line[:4] == "2022"]
    assert [line[:10] for line in lines] == days and all("[" in line for line in lines)
    bad = _cli("timeline", "x", "--since", "June", "--data-dir", data_dir)
    assert bad.returncode == 2 and "--since" in bad.stderr


def test_outlets_and_story_commands(data_dir: str) -> None:
    res = _cli("outlets", OUTLETS_QUESTION, "--as-of", AS_OF, "--data-dir", data_dir, "--json")
    assert res.returncode == 0, res.stderr
    cmp = json.loads(res.stdout)
    assert "gazette.example" in {o["source"] for o in cmp["outlets"]}
    assert any(d["kind"] == "number" for d in cmp["differences"])
    text = _cli("outlets", OUTLETS_QUESTION, "--as-of", AS_OF, "--data-dir", data_dir).stdout
    assert "== gazette.example" in text and "Differ:" in text

    ask = _cli("ask", "How high did the Aster River crest?", "--as-of", AS_OF,
               "--data-dir", data_dir, "--json")  # fmt: skip
    answer = json.loads(ask.stdout)
    story = next(c["story_id"] for c in answer["citations"] if c["url"] in WIRE_URLS)
    shown = _cli("story", story, "--data-dir", data_dir, "--json")
    assert shown.returncode == 0, shown.stderr
    assert {m["url"] for m in json.loads(shown.stdout)} == WIRE_URLS
    plain = _cli("ask", "How high did the Aster River crest?", "--as-of", AS_OF,
                 "--data-dir", data_dir).stdout  # fmt: skip
    assert "also in 2 outlets" in plain or "also in 3 outlets" in plain
    missing = _cli("story", "s-nope", "--data-dir", data_dir)
    assert missing.returncode == 2 and "no story" in missing.stderr
