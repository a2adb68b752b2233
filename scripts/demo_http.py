"""Demo over HTTP: start `newsdesk serve` on a free loopback port, ask, print the answer, stop."""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time

import httpx


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--question", required=True)
    args = ap.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable,
        "-m",
        "assistant.cli",
        "serve",
        "--data-dir",
        args.data_dir,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    server = subprocess.Popen(cmd)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                print("server did not become ready", file=sys.stderr)
                return 1
            time.sleep(0.3)
        resp = httpx.post(f"{base}/v1/ask", json={"question": args.question}, timeout=60)
        resp.raise_for_status()
        body = resp.json()
        print(f"\nPOST {base}/v1/ask → {body['answer']}")
        for c in body["citations"]:
            where = f"article {c['article_id']} chars {c['start']}-{c['end']}"
            print(f"  [{c['n']}] {where}: {c['quote']!r}")
        print("\nThe web chat page: `make serve`, then open http://127.0.0.1:8000/")
        return 0
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
