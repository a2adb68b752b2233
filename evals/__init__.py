"""The evaluation suite: datasets, a runner over the real service, metrics, reports, gates.

`newsdesk eval DATASET_DIR` (see `evals.evaluate`) and `newsdesk eval compare A B` (see
`evals.compare`) are the entry points. Evals drive `ingest` and `assistant`; nothing there
imports evals.
"""
