"""GET /: the web chat page (static HTML; its script and stylesheet are under /static/).

Also GET /docs and /redoc: FastAPI's interactive docs load Swagger UI and ReDoc from a CDN, so
offline they were blank pages; they are turned off and these say where the schema is.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, PlainTextResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(include_in_schema=False)


@router.get("/")
async def index() -> FileResponse:
    # The strict Content-Security-Policy is added by SecurityHeadersMiddleware.
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")


DOCS_NOTE = (
    "Newsdesk serves no interactive API docs: Swagger UI and ReDoc load their scripts from a CDN,"
    " and Newsdesk runs offline.\n\nThe OpenAPI schema is at /openapi.json: open it in any"
    " OpenAPI viewer or import it into an API client. The README lists every endpoint.\n"
)


@router.get("/docs")
@router.get("/redoc")
async def docs() -> PlainTextResponse:
    return PlainTextResponse(DOCS_NOTE)
