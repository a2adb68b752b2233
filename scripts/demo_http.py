"""Demo over HTTP: start `newsdesk serve` on a free loopback port, ask, print the answer, stop."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import httpx

from tests.support.serve import start_serve


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--question", required=True)
    args = ap.parse_args()
    try:
        server = start_serve(Path(args.data_dir), log_dir=None, log_level="info")
    except (RuntimeError, TimeoutError) as exc:
        print(f"server did not become ready: {exc}", file=sys.stderr)
        return 1
    with server:
        base = server.url
        resp = httpx.post(f"{base}/v1/ask", json={"question": args.question}, timeout=60)
        resp.raise_for_status()
        body = resp.json()
        print(f"\nPOST {base}/v1/ask → {body['answer']}")
        for c in body["citations"]:
            where = f"article {c['article_id']} chars {c['start']}-{c['end']}"
            print(f"  [{c['n']}] {where}: {c['quote']!r}")
        print("\nThe web chat page: `make serve`, then open http://127.0.0.1:8000/")
        return 0


if __name__ == "__main__":
    sys.exit(main())
