"""GET /: the web chat page (static HTML; its script and stylesheet are under /static/)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

router = APIRouter(include_in_schema=False)


@router.get("/")
async def index() -> FileResponse:
    # The strict Content-Security-Policy is added by SecurityHeadersMiddleware.
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")
