"""report.html in headless Chromium: the page renders, its SVG charts have size, it is not blank."""

from __future__ import annotations

import base64
import shutil
from pathlib import Path

import pytest

from tests.evals.conftest import GoldenRun
from tests.support.browser import CHROMIUM, launch


@pytest.mark.browser
def test_report_html_renders_charts_in_chromium(golden_run: GoldenRun, tmp_path: Path) -> None:
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.skip("Debian chromium is not installed (/usr/bin/chromium)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="Python playwright is not installed"
    )
    url = (golden_run.out / "report.html").resolve().as_uri()
    shot = tmp_path / "report.png"
    with sync_api.sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(url)
            boxes = page.locator("svg.chart").evaluate_all(SIZES)
            bars = page.locator("svg.chart rect.bar").count()
            page.screenshot(path=str(shot), full_page=True)
            # the inline filter script works: typing narrows the question table
            page.fill("#f-text", "February 26th")
            shown = page.locator("#questions tbody tr:visible").count()
            page.select_option("#f-type", "unanswerable")
            unanswerable = page.locator("#questions tbody tr:visible").count()
            page.fill("#f-text", "")
            unanswerable_all = page.locator("#questions tbody tr:visible").count()
            colors = _distinct_colors(page, shot.read_bytes())
        finally:
            browser.close()
    assert all(u.startswith("file://") for u in requests), requests  # nothing fetched from the net
    assert len(boxes) >= 5 and all(w > 100 and h > 50 for w, h in boxes), boxes
    assert bars > 10
    assert shown == 1 and unanswerable == 0 and unanswerable_all == 5
    assert colors > 20  # a blank or unstyled page has a handful


SIZES = "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })"
COUNT_COLORS = """async (src) => {
  const img = new Image();
  img.src = src;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.width; c.height = img.height;
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, c.width, c.height).data;
  const seen = new Set();
  for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
  return seen.size;
}"""


def _distinct_colors(page: object, png: bytes) -> int:
    """Distinct RGB colours in the screenshot, counted by the browser (canvas) itself."""
    src = "data:image/png;base64," + base64.b64encode(png).decode()
    page.set_content("<html><body></body></html>")  # type: ignore[attr-defined]
    return int(page.evaluate(COUNT_COLORS, src))  # type: ignore[attr-defined]
