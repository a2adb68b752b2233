"""The `newsdesk` command line: ingest, watch, ask, timeline, outlets, story, serve, eval, delete,
check, mcp.

An entry point: it builds settings from the options, asks the runtime (`assistant.runtime`) for
what it needs and prints results. Every expected failure is a `NewsdeskError`, turned into one
short message and exit code 2 by `_fails()`; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from typer.core import TyperGroup

from assistant.errors import BadQueryError, NewsdeskError, NotFoundError
from assistant.settings import Settings, get_settings
from assistant.text import without_bidi_controls

HELP = (
    "Ask questions about your news articles; every answer quotes its sources exactly.\n\n"
    "Start with `newsdesk ingest FILES...` (text, Markdown, JSON/JSONL, HTML, RSS/Atom), then"
    ' `newsdesk ask "your question"`, `newsdesk list` to see what is stored, or `newsdesk serve`'
    " for the web page and the API. Runs offline. Every command takes --data-dir (default:"
    " $NEWSDESK_DATA_DIR or ./.newsdesk)."
)

app = typer.Typer(add_completion=False, no_args_is_help=True, help=HELP)
console = Console(stderr=True)

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", help="where the store lives (default: $NEWSDESK_DATA_DIR or ./.newsdesk)"
    ),
]


def _settings(data_dir: Path | None, **overrides: Any) -> Settings:
    update: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
    if data_dir is not None:
        update["data_dir"] = data_dir
    return get_settings().model_copy(update=update)


def _require_store(settings: Settings) -> None:
    """A command that reads a store fails clearly when there is none at --data-dir (instead of
    creating an empty one there and refusing every question)."""
    if settings.chroma_mode == "embedded" and not settings.chroma_path.is_dir():
        raise NotFoundError(
            f"no store at {settings.data_dir}: ingest articles first (newsdesk ingest --data-dir"
            f" {settings.data_dir} FILES...), or give the --data-dir of an existing store"
        )


def _warn_if_empty(articles: int, settings: Settings) -> None:
    if articles == 0:
        console.print(
            f"[yellow]warning:[/] the store at {settings.data_dir} holds no articles: ingest"
            " some first (newsdesk ingest FILES...)",
            soft_wrap=True,
        )


@contextlib.contextmanager
def _fails(what: str = "error") -> Iterator[None]:
    """Every `NewsdeskError` as one line on stderr and exit code 2 (the one mapping here)."""
    try:
        yield
    except NewsdeskError as exc:
        label = "bad request" if isinstance(exc, BadQueryError) else what
        console.print(f"[red]{label}:[/] {exc}", soft_wrap=True)
        raise typer.Exit(code=2) from exc


def _date_option(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadQueryError(f"{option}: {value!r} is not a date (use YYYY-MM-DD)") from None


@contextlib.contextmanager
def _with_llm(settings: Settings, start: bool, gguf: Path | None = None) -> Iterator[Settings]:
    """The settings, pointed at the bundled local LLM when asked (started now, stopped after)."""
    if not start and gguf is None:
        yield settings
        return
    from assistant.app.local_llm import start_local_server

    with _fails("could not start the local LLM"):
        llm = start_local_server(settings, gguf)
    try:
        yield llm.settings
    finally:
        llm.stop()


def _print_version(shown: bool) -> None:
    if shown:
        from assistant import __version__

        typer.echo(f"newsdesk {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log what happens")] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="files or folders of articles")],
    data_dir: DataDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON summary object")] = False,
    chunk_size: Annotated[int | None, typer.Option(help="characters per chunk")] = None,
    chunk_overlap: Annotated[int | None, typer.Option(help="characters of overlap")] = None,
) -> None:
    """Load, chunk, embed and store articles. Re-running writes only what changed."""
    from assistant.app.progress import ingest_progress
    from assistant.runtime import Runtime
    from ingest.loaders import load_paths

    settings = _settings(data_dir, chunk_size=chunk_size, chunk_overlap=chunk_overlap)
    with _fails("ingest failed"):
        items = list(load_paths(paths))
        with (
            Runtime.open(settings) as rt,
            ingest_progress(len(items), enabled=not as_json and console.is_terminal) as progress,
        ):
            report = rt.ingestor.run(items, progress=progress)
    if as_json:
        typer.echo(json.dumps(report.to_json()))
    else:
        console.print(
            f"articles: {report.articles_added} added, {report.articles_updated} updated,"
            f" {report.articles_unchanged} unchanged; chunks written: {report.chunks_written}"
            + (f"; duplicate ids: {report.duplicates}" if report.duplicates else "")
        )
        for f in report.failed:
            where = (
                f"{f.origin}:{f.line}"
                if f.line and not f.origin.endswith(f":{f.line}")
                else f.origin
            )
            console.print(f"[yellow]skipped[/] {where}: {f.reason}", soft_wrap=True)
        for w in report.warnings:
            console.print(f"[yellow]warning[/] {w.origin}: {w.reason}", soft_wrap=True)
    if report.articles_ingested == 0:
        if not as_json:
            console.print("[red]nothing was ingested[/]")
        raise typer.Exit(code=1)


@app.command()
def watch(
    sources: Annotated[
        list[str],
        typer.Argument(help="folders (new and changed files) and RSS/Atom feed URLs (http[s]://)"),
    ],
    data_dir: DataDir = None,
    interval: Annotated[
        float | None,
        typer.Option(min=0.2, help="seconds between polls of a feed (default 300)"),
    ] = None,
    scan_interval: Annotated[
        float | None,
        typer.Option("--scan-interval", min=0.1, help="seconds between folder scans (default 2)"),
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="poll every source once and exit (1 if a poll failed)")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="one JSON object per poll")] = False,
    stop_with_parent: Annotated[bool, typer.Option(hidden=True)] = False,
) -> None:
    """Follow folders and RSS/Atom feeds: ingest new and changed articles as they arrive, one
    log line per poll. Stops after the current poll on Ctrl-C or SIGTERM."""
    from assistant.app.watching import Stopping
    from assistant.runtime import Runtime
    from ingest.watch import PollReport, classify

    logging.getLogger("ingest.watch").setLevel(logging.INFO)
    settings = _settings(data_dir, watch_interval_s=interval, watch_scan_s=scan_interval)

    def emit(report: PollReport) -> None:
        typer.echo(json.dumps(report.to_json()))

    with _fails("watch failed"):
        classify(sources)  # a bad source fails before any model loads
    # Following: signals are blocked before the runtime starts any thread (see Stopping).
    failed = False
    with contextlib.ExitStack() as stack, _fails("watch failed"):
        stopping = None if once else stack.enter_context(Stopping())
        rt = Runtime.open(settings)
        stack.callback(rt.close)
        watcher = rt.watcher(sources, on_poll=emit if as_json else None)
        stack.callback(watcher.close)
        if stopping is None:
            failed = any(r.outcome == "failed" for r in watcher.poll_once())
        else:
            stopping.run(watcher.run, with_parent=stop_with_parent)
    if failed:
        raise typer.Exit(code=1)


@app.command()
def delete(
    article_ids: Annotated[list[str], typer.Argument(help="article ids to remove")],
    data_dir: DataDir = None,
) -> None:
    """Remove articles and all their chunks."""
    from assistant.runtime import Runtime

    with _fails("delete failed"):
        settings = _settings(data_dir)
        _require_store(settings)
        with Runtime.open(settings) as rt:
            deleted = set(rt.store.delete(article_ids))
    for a in article_ids:
        if a in deleted:
            console.print(f"deleted {a}")
        else:
            console.print(f"[yellow]not found[/] {a}")
    if len(deleted) < len(set(article_ids)):
        raise typer.Exit(code=1)


@app.command()
def check(
    data_dir: DataDir = None,
    repair: bool = typer.Option(False, help="rebuild or re-sync the lexical index"),
) -> None:
    """Cross-check the store: articles, chunks, lexical index; print a JSON report."""
    from assistant.runtime import Runtime

    with _fails("check failed"):
        settings = _settings(data_dir)
        _require_store(settings)
        with Runtime.open(settings) as rt:
            store = rt.store
            if repair:
                if store.check().lexical_errors:
                    store.rebuild_lexical()
                else:
                    store.sync_lexical()
            result = store.check()
    typer.echo(json.dumps({**result.__dict__, "ok": result.ok}, default=str))
    if not result.ok:
        raise typer.Exit(code=1)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="the question")],
    data_dir: DataDir = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD; default today")] = None,
    source: Annotated[list[str] | None, typer.Option("--source", help="only these sources")] = None,
    since: Annotated[str | None, typer.Option(help="published on/after YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option(help="published on/before YYYY-MM-DD")] = None,
    k: Annotated[int | None, typer.Option("-k", help="passages to retrieve")] = None,
    strict_dates: Annotated[
        bool, typer.Option(help="only articles published in the asked window")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the full answer as JSON")] = False,
    answerer: Annotated[
        Literal["extractive", "llm"] | None,
        typer.Option(
            "--answerer",
            help="extractive (offline default) or llm (NEWSDESK_LLM_BASE_URL, or --local-llm)",
        ),
    ] = None,
    local_llm: Annotated[
        bool, typer.Option("--local-llm", help="start the bundled local LLM and answer with it")
    ] = False,
) -> None:
    """Answer a question from the stored articles, with numbered sources."""
    from assistant.models import Filters
    from assistant.runtime import Runtime
    from assistant.service import make_query

    with _with_llm(_settings(data_dir), local_llm) as settings, _fails():
        filters = Filters(
            sources=source or None,
            since=_date_option(since, "--since"),
            until=_date_option(until, "--until"),
        )
        query = make_query(
            question,
            settings,
            as_of=_date_option(as_of, "--as-of"),
            filters=filters,
            k=k,
            strict_dates=strict_dates,
        )
        _require_store(settings)
        with Runtime.open(settings) as rt:
            _warn_if_empty(rt.store.stats().articles, settings)
            answer = rt.desk.ask(query, answerer=rt.answerer(answerer))
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
        return
    typer.echo(answer.answer)
    if answer.fallback:
        console.print(f"[yellow]note:[/] LLM failed ({answer.fallback_reason}); extractive answer")
    if answer.unsupported:
        console.print("[yellow]note:[/] the LLM answer cites no retrieved passage (unsupported)")
    for note in answer.notes:
        console.print(f"[yellow]note:[/] {note}")
    if answer.citations:
        typer.echo("\nSources:")
        for c in answer.citations:
            meta = without_bidi_controls(
                ", ".join(
                    x
                    for x in (c.title, c.source, c.published_at and c.published_at.isoformat())
                    if x
                )
            )
            typer.echo(f"[{c.n}] {meta} — article {c.article_id} chars {c.start}-{c.end}")
            typer.echo(f'    "{c.quote}"')
            if c.also_in:
                typer.echo(f"    also in {_outlets(c.also_in)}")


def _outlets(names: list[str]) -> str:
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return f"{len(names)} outlet{'s' if len(names) != 1 else ''}: {shown}"


def _view_query(
    question: str,
    settings: Settings,
    as_of: str | None,
    since: str | None,
    until: str | None,
    source: list[str] | None,
) -> Any:
    from assistant.models import Filters
    from assistant.service import make_query

    filters = Filters(
        sources=source or None,
        since=_date_option(since, "--since"),
        until=_date_option(until, "--until"),
    )
    return make_query(question, settings, as_of=_date_option(as_of, "--as-of"), filters=filters)


AsOf = Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD; default today")]
Sources = Annotated[list[str] | None, typer.Option("--source", help="only these sources")]
AsJson = Annotated[bool, typer.Option("--json", help="print the result as JSON")]


@app.command()
def timeline(
    query: Annotated[str, typer.Argument(help="the topic, e.g. 'the Yellowstone flooding'")],
    data_dir: DataDir = None,
    as_of: AsOf = None,
    since: Annotated[str | None, typer.Option(help="events on/after YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option(help="events on/before YYYY-MM-DD")] = None,
    source: Sources = None,
    limit: Annotated[int, typer.Option(help="at most this many events", min=1, max=50)] = 20,
    as_json: AsJson = False,
) -> None:
    """Dated events about a topic in chronological order, each with an exact citation."""
    from assistant.runtime import Runtime

    settings = _settings(data_dir)
    with _fails():
        q = _view_query(query, settings, as_of, since, until, source)
        with Runtime.open(settings) as rt:
            tl = rt.desk.timeline(q, limit=limit)
    if as_json:
        typer.echo(tl.model_dump_json(indent=2))
        return
    if tl.refused:
        typer.echo(tl.message or "no events")
        return
    for e in tl.events:
        c = e.citation
        when = e.date.isoformat() + ("" if e.date_source == "text" else " (published)")
        more = f" (also {', '.join(c.also_in)})" if c.also_in else ""
        typer.echo(f"{when}  {e.text}  [{c.n}]")
        where = f"article {c.article_id} chars {c.start}-{c.end}"
        typer.echo(f"            — {c.source}{more}, {where}")
    for note in tl.notes:
        console.print(f"[yellow]note:[/] {note}")


@app.command()
def outlets(
    query: Annotated[str, typer.Argument(help="the story or topic, e.g. 'the Yellowstone floods'")],
    data_dir: DataDir = None,
    story: Annotated[str | None, typer.Option(help="compare the copies of this story id")] = None,
    as_of: AsOf = None,
    since: Annotated[str | None, typer.Option(help="published on/after YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option(help="published on/before YYYY-MM-DD")] = None,
    source: Sources = None,
    as_json: AsJson = False,
) -> None:
    """How outlets reported a story: each one's key statements, agreements, differences."""
    from assistant.runtime import Runtime

    settings = _settings(data_dir)
    with _fails():
        q = _view_query(query, settings, as_of, since, until, source)
        with Runtime.open(settings) as rt:
            cmp = rt.desk.outlets(q, story_id=story)
    if as_json:
        typer.echo(cmp.model_dump_json(indent=2))
        return
    if cmp.refused:
        typer.echo(cmp.message or "no coverage")
        return
    for o in cmp.outlets:
        typer.echo(f"== {o.source} ({o.articles} article{'s' if o.articles != 1 else ''})")
        for c in o.statements:
            typer.echo(f'  [{c.n}] "{c.quote}"')
    for title, found in (("Agree", cmp.agreements), ("Differ", cmp.differences)):
        if found:
            typer.echo(f"\n{title}:")
        for f in found:
            sides = "; ".join(f"{x.source} [{x.citation}]: {x.value[:80]}" for x in f.claims)
            typer.echo(f"  {f.kind} — {f.subject}: {sides}")


@app.command()
def story(
    story_id: Annotated[str, typer.Argument(help="a story id (see a citation's story_id)")],
    data_dir: DataDir = None,
    as_json: AsJson = False,
) -> None:
    """The copies of one story: outlets, dates, titles."""
    from assistant.runtime import Runtime

    with _fails(), Runtime.open(_settings(data_dir)) as rt:
        members = rt.desk.story(story_id)
    if as_json:
        typer.echo(json.dumps([m.__dict__ for m in members], default=str, indent=2))
        return
    for m in members:
        when = m.published.isoformat() if m.published else "undated"
        typer.echo(f"{when}  {m.source or '?'}  {m.title or ''}  ({m.id})")


@app.command("list")
def list_articles(
    data_dir: DataDir = None,
    offset: Annotated[int, typer.Option(min=0, help="skip this many articles")] = 0,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="articles to show")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Show what the store holds: articles (id, date, source, title), sources and dates."""
    from assistant.runtime import Runtime

    with _fails("list failed"):
        settings = _settings(data_dir)
        _require_store(settings)
        with Runtime.open(settings) as rt:
            catalog = rt.store.catalog()
            page = rt.store.list_articles(offset=offset, limit=limit)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "total": catalog.articles,
                    "offset": offset,
                    "articles": [
                        {
                            "id": a.id,
                            "title": a.title,
                            "source": a.source,
                            "published_at": a.published.isoformat() if a.published else None,
                        }
                        for a in page
                    ],
                    "sources": catalog.sources,
                    "earliest": catalog.earliest.isoformat() if catalog.earliest else None,
                    "latest": catalog.latest.isoformat() if catalog.latest else None,
                    "undated": catalog.undated,
                }
            )
        )
        return
    _warn_if_empty(catalog.articles, settings)
    for a in page:
        when = a.published.isoformat() if a.published else "(no date)"
        title = without_bidi_controls(a.title or "(untitled)")
        source = without_bidi_controls(a.source or "(no source)")
        typer.echo(f"{a.id}  {when:<10}  {source}  {title}")
    shown = f"{offset + 1}-{offset + len(page)}" if page else "none"
    typer.echo(f"\narticles {shown} of {catalog.articles}")
    if catalog.sources:
        top = ", ".join(f"{without_bidi_controls(s)} ({n})" for s, n in catalog.sources.items())
        typer.echo(f"sources: {top}")
    if catalog.earliest and catalog.latest:
        typer.echo(f"published: {catalog.earliest.isoformat()} to {catalog.latest.isoformat()}")
    if catalog.undated:
        typer.echo(f"undated: {catalog.undated}")


@app.command()
def serve(
    data_dir: DataDir = None,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="worker processes")] = 1,
    local_llm: Annotated[
        bool, typer.Option("--local-llm", help="start the bundled local LLM and answer with it")
    ] = False,
    gguf: Annotated[
        Path | None, typer.Option("--gguf", help="GGUF model for --local-llm (implies it)")
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
    watch: Annotated[
        list[str] | None,
        typer.Option(
            "--watch",
            help="also follow this folder or RSS/Atom feed URL (repeatable): `newsdesk watch`"
            " runs beside the server, which answers from what it ingests",
        ),
    ] = None,
) -> None:
    """Run the HTTP service: /v1/ask, OpenAI-compatible /v1/chat/completions, the chat page at /."""
    import uvicorn

    from assistant.app.watching import WatchBeside
    from assistant.settings import handed_over

    if watch:
        from ingest.watch import classify

        with _fails("cannot watch"):
            classify(watch)
        logging.getLogger("ingest.watch").setLevel(logging.INFO)  # the watcher's (re)starts
    with _with_llm(_settings(data_dir), local_llm, gguf) as settings, contextlib.ExitStack() as bg:
        if watch:
            # The watcher process reads these settings from the handed-over file.
            bg.enter_context(handed_over(settings))
            bg.enter_context(WatchBeside(watch))
        # X-Forwarded-For names the client only behind a proxy we were told to trust; uvicorn's
        # default trusts it from 127.0.0.1, which let a local client pick its rate-limit bucket.
        proxies = settings.forwarded_allow_ips
        forwarding: dict[str, Any] = {
            "proxy_headers": proxies is not None,
            "forwarded_allow_ips": proxies,
        }
        if workers == 1:
            from assistant.app.http.app import create_app

            uvicorn.run(
                create_app(settings), host=host, port=port, log_level=log_level, **forwarding
            )
            return
        # Each worker process imports the app factory and builds its app from these settings,
        # handed over whole (one file, readable by us only) rather than piece by piece.
        with handed_over(settings):
            uvicorn.run(
                "assistant.app.http.app:create_app",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                log_level=log_level,
                **forwarding,
            )


@app.command()
def mcp(
    data_dir: DataDir = None,
    http: Annotated[
        bool, typer.Option("--http", help="serve streamable HTTP at /mcp, not stdio")
    ] = False,
    host: Annotated[str, typer.Option(help="address for --http")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port for --http")] = 8002,
) -> None:
    """Run the MCP server (tools search_news, ask_news): stdio, or streamable HTTP with --http."""
    from assistant.app.mcp import run_http, run_stdio

    settings = _settings(data_dir)
    if http:
        console.print(f"MCP server (streamable HTTP) at http://{host}:{port}/mcp")
        run_http(settings, host, port)
    else:
        run_stdio(settings)


class _EvalGroup(TyperGroup):
    """`newsdesk eval DATASET ...` means `eval run DATASET ...`; `eval compare A B` compares."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


eval_app = typer.Typer(
    cls=_EvalGroup,
    no_args_is_help=True,
    help="Evaluate on a dataset folder (`newsdesk eval DIR`), or compare two reports"
    " (`newsdesk eval compare A/report.json B/report.json`).",
)
app.add_typer(eval_app, name="eval")


@eval_app.command("run")
def eval_run(
    dataset: Annotated[
        Path, typer.Argument(help="dataset folder (corpus + questions.jsonl), or 'golden'")
    ],
    out: Annotated[
        Path | None, typer.Option("--out", help="write report.json/.md/.html here")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="a seeded sample of N questions")] = None,
    seed: Annotated[
        int, typer.Option(help="seed for --limit sampling and bootstrap intervals")
    ] = 0,
    answerer: Annotated[str, typer.Option(help="extractive or llm")] = "extractive",
    k: Annotated[int | None, typer.Option("--k", "-k", help="passages the answerer sees")] = None,
    thresholds: Annotated[
        Path | None,
        typer.Option(help="TOML of metric minimums (a \\[maximum] table for lower-is-better)"),
    ] = None,
    choices: Annotated[bool, typer.Option(help="also run the shown-choices pass")] = True,
    judge: Annotated[str, typer.Option(help="citation support judge: offline or llm")] = "offline",
    local_llm: Annotated[
        bool, typer.Option("--local-llm", help="start the bundled local LLM, answer with it")
    ] = False,
    gguf: Annotated[
        Path | None, typer.Option("--gguf", help="GGUF model for --local-llm (implies it)")
    ] = None,
    data_dir: DataDir = None,
    store_root: Annotated[
        Path | None,
        typer.Option(
            envvar="NEWSDESK_TEST_CACHE", help="where eval stores live (default DATA_DIR/evals)"
        ),
    ] = None,
) -> None:
    """Ingest the dataset's corpus into its own store (reused when unchanged), ask every question,
    score it, print a summary and write the reports."""
    from assistant.app.progress import ingest_progress, question_progress
    from evals.evaluate import evaluate
    from evals.report import write_reports
    from evals.runner import EvalOptions
    from evals.runner import store_root as default_root
    from evals.thresholds import check, load_thresholds

    shown = console.is_terminal
    with _with_llm(_settings(data_dir), local_llm, gguf) as settings, _fails("eval failed"):
        gate = load_thresholds(thresholds) if thresholds is not None else None
        options = EvalOptions(
            limit=limit,
            seed=seed,
            k=k,
            answerer="llm" if (local_llm or gguf) else answerer,
            choices=choices,
            judge=judge,
        )
        report, _ = evaluate(
            dataset,
            settings,
            options,
            default_root(settings, store_root),
            ingest_progress=(lambda total: ingest_progress(total, True)) if shown else None,
            question_progress=question_progress if shown else None,
        )
    _print_summary(report)
    if out is not None:
        for path in write_reports(report, out):
            console.print(f"wrote {path}", soft_wrap=True)
    if gate is not None:
        shortfalls = check(report["metrics"], gate)
        for s in shortfalls:
            console.print(f"[red]below threshold[/] {s}", soft_wrap=True)
        if shortfalls:
            raise typer.Exit(code=1)
        checked = len(gate.minimum) + len(gate.maximum)
        console.print(f"thresholds met ({checked} checked)", soft_wrap=True)


def _stdout_console() -> Console:
    # Not a terminal (CI logs, pipes): wide enough that metric names are never cut.
    return Console() if sys.stdout.isatty() else Console(width=140)


def _print_summary(report: dict[str, Any]) -> None:
    from rich.table import Table

    from evals.report.markdown import fmt_ci, fmt_value

    c = report["counts"]
    table = Table(
        title=f"{report['identity']['dataset']}: {c['questions']} questions"
        f" ({c['answerable']} answerable, {c['unanswerable']} unanswerable)"
        f" in {report['timings_s']['total']}s"
    )
    for col in ("metric", "value", "95% CI", "n"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for name, m in report["metrics"].items():
        value, ci = fmt_value(m["value"], m["unit"]), fmt_ci(m["ci95"], m["unit"])
        table.add_row(name, value, ci, str(m["n"]))
    _stdout_console().print(table)


@eval_app.command("compare")
def eval_compare(
    a: Annotated[Path, typer.Argument(help="baseline report.json")],
    b: Annotated[Path, typer.Argument(help="candidate report.json")],
    out: Annotated[Path | None, typer.Option("--out", help="write compare.html here")] = None,
) -> None:
    """Per-metric deltas (B − A) with paired bootstrap 95% intervals; writes compare.html."""
    from rich.table import Table

    from evals.compare import compare_reports, identity_differences
    from evals.report import load_report
    from evals.report.compare_html import render_compare_html
    from evals.report.markdown import fmt_value

    with _fails("cannot compare"):
        ra, rb = load_report(a), load_report(b)
    deltas = compare_reports(ra, rb)
    differences = identity_differences(ra, rb)
    table = Table(title="B − A (paired over shared questions)")
    for col in ("metric", "A", "B", "delta", "95% CI", "shared n", "verdict"):
        table.add_column(col, justify="left" if col in ("metric", "verdict") else "right")
    for d in deltas:
        fmt = "{:+.1f}" if d.unit == "ms" else "{:+.3f}"
        table.add_row(
            d.metric,
            fmt_value(d.a, d.unit),
            fmt_value(d.b, d.unit),
            "—" if d.delta is None else fmt.format(d.delta),
            "" if d.ci is None else f"[{fmt.format(d.ci[0])}, {fmt.format(d.ci[1])}]",
            str(d.shared),
            d.verdict,
        )
    _stdout_console().print(table)
    for key, (va, vb) in differences.items():
        console.print(f"[yellow]differs[/] {key}: {va!r} → {vb!r}", soft_wrap=True)
    target = (out or b.parent) / "compare.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_compare_html(ra, rb, deltas, differences), encoding="utf-8")
    console.print(f"wrote {target}", soft_wrap=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
