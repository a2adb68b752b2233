"""`newsdesk watch` as a user runs it: a real process following a folder and a feed served on
loopback by this test (the feed changes between polls), one log line per poll, stopped by
SIGTERM; `--once` for cron, its exit codes, and bad sources."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from tests.support import cli_command
from tests.support.feeds import Item, rss, wire_stories

STORIES = wire_stories(3, offset=140)


def _item(n: int) -> Item:
    s = STORIES[n]
    return Item(f"cli-{n}", s.title, f"https://wire.example.org/cli/{n}", content=s.text)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli_command(*args), capture_output=True, text=True, timeout=300)


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    record = {"url": "https://wire.example.org/file", "title": "Filed", "text": STORIES[2].text}
    path = inbox / "filed.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    os.utime(path, (time.time() - 60, time.time() - 60))
    return inbox


def test_once_json_and_exit_codes(site, tmp_path: Path) -> None:
    s, base = site
    s.put("/wire.rss", rss([_item(0)]))
    data, inbox, url = str(tmp_path / "data"), _inbox(tmp_path), base + "/wire.rss"

    first = _run("watch", "--once", "--json", "--data-dir", data, str(inbox), url)
    assert first.returncode == 0, first.stderr
    folder, feed = (json.loads(line) for line in first.stdout.splitlines())
    assert (folder["kind"], folder["added"]) == ("folder", 1)
    assert (feed["kind"], feed["status"], feed["added"]) == ("feed", 200, 1)
    assert f"feed {url}: 200, 1 entry" in first.stderr  # the log line of the poll

    again = _run("watch", "--once", "--json", "--data-dir", data, str(inbox), url)
    assert again.returncode == 0, again.stderr
    folder, feed = (json.loads(line) for line in again.stdout.splitlines())
    assert (folder["entries"], feed["outcome"]) == (0, "not modified")

    s.put("/wire.rss", "gone", status=500, content_type="text/plain")
    failing = _run("watch", "--once", "--json", "--data-dir", data, url)
    assert failing.returncode == 1
    assert json.loads(failing.stdout)["error"] == "HTTP 500 Internal Server Error"

    check = _run("check", "--data-dir", data)
    assert check.returncode == 0 and json.loads(check.stdout)["articles"] == 2


def test_bad_sources_fail_at_once(tmp_path: Path) -> None:
    missing = _run("watch", "--data-dir", str(tmp_path / "d"), str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "no such folder or file" in missing.stderr
    scheme = _run("watch", "--data-dir", str(tmp_path / "d"), "ftp://files.example/a.xml")
    assert scheme.returncode == 2 and "only http:// and https://" in scheme.stderr
    slow = _run("watch", "--interval", "0.01", str(tmp_path))
    assert slow.returncode == 2 and "--interval" in slow.stderr


def _wait_for(path: Path, text: str, proc: subprocess.Popen[bytes], timeout_s: float = 90) -> str:
    deadline = time.monotonic() + timeout_s
    while True:
        log = path.read_text(errors="replace")
        if text in log:
            return log
        assert proc.poll() is None, f"the watcher exited ({proc.returncode}): {log[-2000:]}"
        assert time.monotonic() < deadline, f"no {text!r} in: {log[-2000:]}"
        time.sleep(0.1)


def test_follows_a_changing_feed_until_sigterm(site, tmp_path: Path) -> None:
    s, base = site
    url = base + "/wire.rss"
    s.put("/wire.rss", rss([_item(0)]))
    data = str(tmp_path / "data")
    log_path = tmp_path / "watch.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            cli_command("watch", "--interval", "0.5", "--data-dir", data, url),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(log_path, "1 added", proc)
        _wait_for(log_path, "304 not modified", proc)
        # a second watcher on the same data dir is refused while this one runs
        second = _run("watch", "--once", "--data-dir", data, url)
        assert second.returncode == 2 and "another watcher" in second.stderr
        s.put("/wire.rss", rss([_item(1), _item(0)]))
        _wait_for(log_path, "2 entries (1 seen before): 1 added", proc)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = log_path.read_text()
    assert "SIGTERM: stopping after the current poll" in log
    polls = [line for line in log.splitlines() if f"feed {url}:" in line]
    assert len(polls) >= 3 and all(" s; next poll in " in line for line in polls)
    check = _run("check", "--data-dir", data)
    assert json.loads(check.stdout)["articles"] == 2
