"""Following a folder: new files, changed files (replacing what they produced), files still
being written, bad files reported once, a folder that disappears — real store, real embedder."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.runtime import Runtime
from ingest.watch import PollReport, Watcher
from tests.support import SAMPLE_ARTICLE, assert_consistent, make_settings, open_runtime
from tests.support.feeds import wire_stories

STORIES = wire_stories(4, offset=130)


@pytest.fixture()
def rt(tmp_path: Path, embedder: MiniLMEmbedder) -> Iterator[Runtime]:
    runtime = open_runtime(make_settings(tmp_path / "data"), embedder)
    yield runtime
    runtime.close()


@pytest.fixture()
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


@pytest.fixture()
def watcher(rt: Runtime, inbox: Path) -> Iterator[Watcher]:
    w = rt.watcher([str(inbox)])
    yield w
    w.close()


def _settled(path: Path) -> Path:
    """Date the file back a minute: a file just written is still being written for the watcher."""
    past = time.time() - 60
    os.utime(path, (past, past))
    return path


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return _settled(path)


def _scan(w: Watcher) -> PollReport:
    [report] = w.poll_once()
    return report


def _jsonl(n: int) -> str:
    s = STORIES[n]
    record = {"url": f"https://wire.example.org/{n}", "title": s.title, "text": s.text}
    return json.dumps(record) + "\n"


def test_new_and_changed_files(rt: Runtime, inbox: Path, watcher: Watcher) -> None:
    shutil.copy(SAMPLE_ARTICLE, inbox / "sanctions.txt")
    _settled(inbox / "sanctions.txt")
    _write(inbox / "wire.jsonl", _jsonl(0))
    (inbox / ".hidden.txt").write_text("an editor's swap file")
    first = _scan(watcher)
    assert (first.outcome, first.entries, first.added, first.failed) == ("ok", 2, 2, [])

    idle = _scan(watcher)
    assert (idle.entries, idle.added, idle.idle) == (0, 0, True)

    # an appended JSONL file: only the new line is new
    _write(inbox / "wire.jsonl", _jsonl(0) + _jsonl(1))
    appended = _scan(watcher)
    assert (appended.entries, appended.added, appended.unchanged, appended.removed) == (1, 1, 1, 0)

    # an edited text file (its id is its text's): the old version is replaced, not kept beside
    text = SAMPLE_ARTICLE.read_text(encoding="utf-8")
    old_ids = {a.id for a in rt.store.list_articles()}
    _write(inbox / "sanctions.txt", text.replace("Russia", "the Russian Federation", 1))
    edited = _scan(watcher)
    assert (edited.added, edited.removed) == (1, 1)
    assert rt.store.stats().articles == 3
    assert len({a.id for a in rt.store.list_articles()} - old_ids) == 1

    # a new folder with a file in it
    (inbox / "later").mkdir()
    _write(inbox / "later" / "more.jsonl", _jsonl(2))
    assert _scan(watcher).added == 1
    assert rt.store.stats().articles == 4
    assert_consistent(rt.store)


def test_files_being_written_wait_and_bad_files_are_reported_once(
    rt: Runtime, inbox: Path, watcher: Watcher
) -> None:
    (inbox / "fresh.jsonl").write_text(_jsonl(0), encoding="utf-8")  # modified just now
    _write(inbox / "notes.pdf", "%PDF-1.4")
    _write(inbox / "broken.jsonl", '{"title": "cut off", "text": "half a rec')
    first = _scan(watcher)
    assert first.waiting == 1 and first.added == 0
    assert sorted(Path(f.origin.split(":")[0]).name for f in first.failed) == [
        "broken.jsonl", "notes.pdf",
    ]  # fmt: skip
    again = _scan(watcher)
    assert again.failed == [] and again.waiting == 1  # reported once, until they change
    _settled(inbox / "fresh.jsonl")
    assert _scan(watcher).added == 1


def test_a_half_saved_file_deletes_nothing(rt: Runtime, inbox: Path, watcher: Watcher) -> None:
    path = _write(inbox / "wire.jsonl", _jsonl(0) + _jsonl(1))
    assert _scan(watcher).added == 2
    _write(path, _jsonl(0) + '{"url": "https://wire.example.org/1", "tit')  # saved half-way
    broken = _scan(watcher)
    assert len(broken.failed) == 1 and broken.removed == 0
    assert rt.store.stats().articles == 2
    _write(path, _jsonl(0))  # saved properly, without story 1 now
    fixed = _scan(watcher)
    assert (fixed.failed, fixed.removed) == ([], 1)
    assert [a.title for a in rt.store.list_articles()] == [STORIES[0].title]


def test_an_article_another_file_also_holds_is_kept(
    rt: Runtime, inbox: Path, watcher: Watcher
) -> None:
    _write(inbox / "a.jsonl", _jsonl(0) + _jsonl(3))
    _write(inbox / "b.jsonl", _jsonl(3))
    assert _scan(watcher).added == 2
    _write(inbox / "a.jsonl", _jsonl(0))
    report = _scan(watcher)
    assert report.removed == 0  # b.jsonl still holds story 3
    assert rt.store.stats().articles == 2


def test_a_folder_that_disappears_fails_the_scan(
    rt: Runtime, inbox: Path, watcher: Watcher
) -> None:
    _write(inbox / "wire.jsonl", _jsonl(0))
    assert _scan(watcher).added == 1
    shutil.rmtree(inbox)
    gone = _scan(watcher)
    assert gone.outcome == "failed" and "no such folder" in (gone.error or "")
    assert rt.store.stats().articles == 1  # what it held stays


class Killed(BaseException):
    """Stands for the process dying (not an error the watcher would catch)."""


def test_dying_after_the_store_write_before_the_state_commit(
    rt: Runtime, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(inbox / "wire.jsonl", _jsonl(0))
    first = rt.watcher([str(inbox)])
    assert _scan(first).added == 1
    _write(path, _jsonl(1))  # replaced: story 0 is to be removed, story 1 added

    def die(*args: object, **kwargs: object) -> None:
        raise Killed

    monkeypatch.setattr(first.state, "files_read", die)
    with pytest.raises(Killed):
        first.poll_once()
    first.close()
    second = rt.watcher([str(inbox)])
    try:
        again = _scan(second)  # the file is read again: nothing added twice, nothing left over
        assert (again.entries, again.added, again.unchanged) == (1, 0, 1)
        assert [a.title for a in rt.store.list_articles()] == [STORIES[1].title]
        assert _scan(second).idle
    finally:
        second.close()
