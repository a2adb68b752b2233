"""Run an ASGI app under a real uvicorn server on a free loopback port, in a background thread.

The one way tests serve an app in-process (the API under test, fake LLM or embedding endpoints,
the MCP streamable-HTTP app). A real server process is `tests.support.serve`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


@contextmanager
def serving(app: Any, start_timeout_s: float = 60.0, **options: Any) -> Iterator[str]:
    """Yield the base URL (http://127.0.0.1:PORT) while uvicorn serves `app`.

    `options` go to `uvicorn.Config` (e.g. `log_config=None, access_log=True` so caplog sees
    the access log).
    """
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        **{"log_level": "warning", "ws": "none", "lifespan": "on", **options},
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout_s
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the test server failed to start (see the log above)")
        if time.monotonic() > deadline:
            raise TimeoutError(f"the test server did not start within {start_timeout_s} s")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
