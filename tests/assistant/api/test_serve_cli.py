"""`newsdesk serve` as a user runs it: a real process, answering the README's curl question."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx

from assistant.runtime import Runtime
from tests.assistant.api.servers import FEB26
from tests.support import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_command_answers_with_the_cited_quote(api_runtime: Runtime) -> None:
    port = _free_port()
    env = {**os.environ, "NEWSDESK_API_KEYS": "cli-test-key"}
    cmd = [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port),
           "--data-dir", str(api_runtime.settings.data_dir), "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
            try:
                if httpx.get(url + "/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "newsdesk serve did not become ready"
            time.sleep(0.2)
        # exactly the README's call: no content type, no as_of
        r = httpx.post(
            url + "/v1/ask", content=b'{"question":"What did Trump say on Feb 26?"}', timeout=60
        )
        assert r.status_code == 200, r.text
        assert r.json()["citations"][0]["quote"].startswith(FEB26)
        # keys from the environment enable writes
        bad = httpx.post(
            url + "/v1/articles", json={"text": "x"}, headers={"Authorization": "Bearer no"}
        )
        assert bad.status_code == 403
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()
