"""The HTTP service: FastAPI app (`app.create_app`), routes, schemas and the web chat page.

A leaf of the import graph: it may use the core, ingest and vendor web libraries; nothing
imports it except the CLI.
"""
