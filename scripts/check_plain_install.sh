#!/usr/bin/env bash
# A plain `pip install .` as a Python user does it — a clean venv, no lock file, no Makefile —
# must give a `newsdesk` that ingests the sample article (and a small HTML page: the HTML stack
# must be installed too) and answers a question about it, offline.
# Usage: scripts/check_plain_install.sh [WORK_DIR]   (pip's cache is used; the venv is new)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-$(mktemp -d)}"
sample="../shared/corpus/white-house-russia-sanctions.txt"
rm -rf "$work/venv" "$work/data"
python3 -m venv "$work/venv"
# A warning from the build backend (e.g. `project.license` as a table) fails the check.
"$work/venv/bin/pip" install -q . 2>&1 | tee "$work/pip.log"
if grep -qE "BuildBackendWarning|SetuptoolsDeprecationWarning" "$work/pip.log"; then
  echo "check_plain_install: the build backend printed a warning (see above)" >&2
  exit 1
fi
rm -rf build ./*.egg-info  # what setuptools leaves in the source tree
# Run from the work dir, so the repo's own folders cannot stand in for the installed package.
sample="$(realpath "$sample")"
cd "$work"
"$work/venv/bin/newsdesk" --version
cat > "$work/page.html" <<'HTML'
<html><head><title>Harbor bridge opens</title></head><body><article><h1>Harbor bridge opens</h1>
<p>The mayor of Oslo opened the new harbor bridge on Tuesday, after four years of building work
that cost the city more than it had planned.</p></article></body></html>
HTML
"$work/venv/bin/newsdesk" ingest --data-dir "$work/data" "$sample" "$work/page.html"
answer="$("$work/venv/bin/newsdesk" ask --data-dir "$work/data" --json \
  "What did Trump tell reporters on February 26?")"
"$work/venv/bin/python" - "$answer" <<'PY'
import json, sys
answer = json.loads(sys.argv[1])
assert not answer["refused"] and answer["citations"], answer["answer"]
print("plain install answers:", answer["answer"][:120].replace("\n", " "))
PY
