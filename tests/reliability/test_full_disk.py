"""A full disk, for real: the store on a small tmpfs, filled to the last byte while `newsdesk
serve` runs. Writes are refused clearly (HTTP 507, one CLI line, no traceback), the store stays
readable, and once space is freed a re-run gives exactly the store a clean ingest gives.

Needs root (mount); skipped elsewhere.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.embed.onnx_minilm import MiniLMEmbedder
from tests.support import (
    DEV_CORPUS,
    SAMPLE_ARTICLE,
    cli_command,
    ingest_into,
    make_settings,
    open_runtime,
    stored_chunk_ids,
)
from tests.support.reliability import AUTH, FEB26, FEB26_QUESTION, KEY
from tests.support.serve import start_serve

pytestmark = pytest.mark.slow


@pytest.fixture()
def disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(mount: Path) -> Path:
    """Write zeros until the disk refuses even 4 KB more."""
    filler = mount / "filler"
    with open(filler, "wb", buffering=0) as f:
        for size in (1 << 20, 1 << 12):
            try:
                while True:
                    f.write(b"\0" * size)
            except OSError:
                pass
    return filler


def test_full_disk_is_reported_and_a_rerun_restores_the_store(
    disk: Path, tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    data = disk / "data"
    assert (
        subprocess.run(
            cli_command("ingest", "--data-dir", str(data), str(SAMPLE_ARTICLE))
        ).returncode
        == 0
    )
    with DEV_CORPUS.open(encoding="utf-8") as corpus:
        records = [json.loads(corpus.readline()) for _ in range(4)]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps(r) + "\n" for r in records))
    env = {"NEWSDESK_API_KEYS": KEY, "NEWSDESK_RATE_LIMIT_PER_MINUTE": "0"}
    with (
        start_serve(data, tmp_path / "logs", env=env) as server,
        httpx.Client(base_url=server.url, timeout=120) as client,
    ):
        sample_id = client.get("/v1/articles").json()["articles"][0]["id"]
        filler = _fill(disk)

        r = client.post("/v1/articles", json=records, headers=AUTH)
        assert r.status_code == 507, r.text
        message = r.json()["error"]["message"]
        assert message.startswith("the disk holding the store is full: free some space")
        r = client.delete(f"/v1/articles/{sample_id}", headers=AUTH)
        assert r.status_code == 507 and "disk holding the store is full" in r.text

        cli = subprocess.run(
            cli_command("ingest", "--data-dir", str(data), str(batch)),
            capture_output=True,
            text=True,
        )
        assert cli.returncode == 2 and "Traceback" not in cli.stderr, cli.stderr
        assert "ingest failed: the disk holding the store is full" in cli.stderr

        # still readable while full: the answer, the listing, the article
        answer = client.post("/v1/ask", json=FEB26_QUESTION).json()
        assert not answer["refused"] and answer["citations"][0]["quote"].startswith(FEB26)
        assert client.get(f"/v1/articles/{sample_id}").status_code == 200

        filler.unlink()
        r = client.post("/v1/articles", json=records, headers=AUTH)
        assert r.status_code == 200 and r.json()["articles_added"] == 4, r.text
    check = subprocess.run(
        cli_command("check", "--data-dir", str(data)), capture_output=True, text=True
    )
    assert check.returncode == 0 and json.loads(check.stdout)["ok"], check.stdout

    # exactly the chunks a clean ingest of the same articles makes
    clean = open_runtime(make_settings(tmp_path / "clean"), embedder)
    ingest_into(clean, [SAMPLE_ARTICLE, batch])
    full = open_runtime(make_settings(data), embedder)
    assert stored_chunk_ids(full.store) == stored_chunk_ids(clean.store)
    full.close()
    clean.close()
