"""`newsdesk serve` as a user runs it: a real process, answering the README's curl question."""

from __future__ import annotations

from pathlib import Path

import httpx

from assistant.runtime import Runtime
from tests.support import ROOT
from tests.support.api import FEB26
from tests.support.serve import start_serve


def test_serve_command_answers_with_the_cited_quote(api_runtime: Runtime, tmp_path: Path) -> None:
    env = {"NEWSDESK_API_KEYS": "cli-test-key"}
    data_dir = api_runtime.settings.data_dir
    with start_serve(data_dir, tmp_path, env=env, timeout_s=90, cwd=ROOT) as server:
        url = server.url
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
