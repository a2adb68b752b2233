"""Running a watcher from the command line: until a signal, and beside `newsdesk serve`.

`Stopping().run(loop)` runs the watcher loop in a thread while the main thread waits for
SIGINT/SIGTERM (blocked for every thread, taken with `sigtimedwait`, so no handler ever runs
inside a lock): the first asks the loop to stop after its current poll, a second one exits at
once (safe: every write is crash-safe). With `with_parent`, it also stops when the process
that started it is gone — how a `serve --watch` child never outlives its server, even one
killed with `kill -9`.

`WatchBeside(sources)` is `serve --watch`: `newsdesk watch SOURCES` as a child process in its
own session (a terminal's Ctrl-C reaches the server, which then stops it), restarted with
backoff if it exits, stopped (SIGTERM, then SIGKILL) with the server. It reads the server's
settings from the handed-over settings file (`assistant.settings.handed_over`), which must be
in place while it runs. A separate process, so the watcher's parsing and embedding never hold
the server's interpreter; the store serves its writes to the server within `store_refresh_s`.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from types import TracebackType

log = logging.getLogger("ingest.watch")

_SIGNALS = {signal.SIGINT, signal.SIGTERM}
PARENT_CHECK_S = 1.0
RESTART_MIN_S = 1.0
RESTART_MAX_S = 60.0
HEALTHY_S = 60.0
STOP_GRACE_S = 30.0


class Stopping:
    """While entered, SIGINT and SIGTERM are blocked in this thread and in every thread started
    from it — enter it before anything starts threads (the embedder's, the store's) — and
    `run(loop)` takes them with `sigtimedwait`, so no signal handler ever runs inside a lock."""

    def __enter__(self) -> Stopping:
        self._previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.pthread_sigmask(signal.SIG_SETMASK, self._previous)

    def run(self, loop: Callable[[threading.Event], None], with_parent: bool = False) -> None:
        """Run `loop(stop)` in a thread until it returns. The first signal sets `stop` (the
        loop finishes its current poll), a second exits at once; with `with_parent`, `stop` is
        also set when the parent process is gone. An exception of `loop` is raised here."""
        stop = threading.Event()
        failure: list[BaseException] = []

        def target() -> None:
            try:
                loop(stop)
            except BaseException as exc:  # handed to this thread, which raises it
                failure.append(exc)

        # daemon: after a second signal the process exits without waiting for the poll
        worker = threading.Thread(target=target, name="watcher", daemon=True)
        worker.start()
        parent = os.getppid()
        while worker.is_alive():
            got = signal.sigtimedwait(_SIGNALS, PARENT_CHECK_S)
            if got is not None:
                name = signal.Signals(got.si_signo).name
                if stop.is_set():
                    log.warning("second %s: exiting now", name)
                    raise SystemExit(128 + got.si_signo)
                log.info("%s: stopping after the current poll", name)
                stop.set()
            elif with_parent and not stop.is_set() and os.getppid() != parent:
                log.warning("the process that started this watcher (%d) is gone: stopping", parent)
                stop.set()
        worker.join()
        if failure:
            raise failure[0]


class WatchBeside:
    """`newsdesk watch --stop-with-parent SOURCES` as a supervised child process."""

    def __init__(self, sources: list[str]) -> None:
        self.command = [
            sys.executable, "-m", "assistant.app.cli", "watch", "--stop-with-parent", *sources,
        ]  # fmt: skip
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._proc: subprocess.Popen[bytes] | None = None
        self._supervisor: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        with self._lock:
            return None if self._proc is None else self._proc.pid

    def _spawn(self) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(self.command, start_new_session=True)
        log.info("watcher started (pid %d): %s", proc.pid, " ".join(self.command[5:]))
        return proc

    def __enter__(self) -> WatchBeside:
        with self._lock:
            self._proc = self._spawn()
        self._supervisor = threading.Thread(
            target=self._supervise, name="watch-supervisor", daemon=True
        )
        self._supervisor.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _supervise(self) -> None:
        delay = RESTART_MIN_S
        while True:
            with self._lock:
                proc = self._proc
            if proc is None:
                return
            started = time.monotonic()
            code = proc.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - started > HEALTHY_S:
                delay = RESTART_MIN_S
            log.error(
                "the watcher (pid %d) exited with code %s; restarting it in %.0f s",
                proc.pid,
                code,
                delay,
            )
            if self._stopping.wait(delay):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                self._proc = self._spawn()
            delay = min(delay * 2, RESTART_MAX_S)

    def stop(self) -> None:
        """Stop the watcher (it finishes its current poll; killed after `STOP_GRACE_S`)."""
        self._stopping.set()
        with self._lock:
            proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._supervisor is not None:
            self._supervisor.join(timeout=5)
