"""The `newsdesk` command line: ingest, ask, serve, eval, delete, check, mcp.

A leaf: it wires settings into the runtime and prints results; it holds no logic of its own that
another entry point would need.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.console import Console
from typer.core import TyperGroup

from assistant.settings import Settings, get_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
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


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
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
    from assistant.runtime import Runtime
    from ingest.chunking import Chunker
    from ingest.loaders import load_paths
    from ingest.pipeline import Ingestor
    from ingest.progress import ingest_progress

    settings = _settings(data_dir, chunk_size=chunk_size, chunk_overlap=chunk_overlap)
    items = list(load_paths(paths))
    rt = Runtime.open(settings)
    ingestor = Ingestor(rt.store, rt.embedder, Chunker(settings.chunk_size, settings.chunk_overlap))
    with ingest_progress(len(items), enabled=not as_json and console.is_terminal) as progress:
        report = ingestor.run(items, progress=progress)
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
            console.print(f"[yellow]skipped[/] {where}: {f.reason}")
    if report.articles_ingested == 0:
        if not as_json:
            console.print("[red]nothing was ingested[/]")
        raise typer.Exit(code=1)


@app.command()
def delete(
    article_ids: Annotated[list[str], typer.Argument(help="article ids to remove")],
    data_dir: DataDir = None,
) -> None:
    """Remove articles and all their chunks."""
    from assistant.runtime import Runtime

    rt = Runtime.open(_settings(data_dir))
    missing = [a for a in article_ids if not rt.store.delete_article(a)]
    for a in article_ids:
        if a not in missing:
            console.print(f"deleted {a}")
    for a in missing:
        console.print(f"[yellow]not found[/] {a}")
    if missing:
        raise typer.Exit(code=1)


@app.command()
def check(
    data_dir: DataDir = None, repair: bool = typer.Option(False, help="sync lexical index")
) -> None:
    """Cross-check the store: articles, chunks, lexical index; print a JSON report."""
    from assistant.runtime import Runtime

    rt = Runtime.open(_settings(data_dir))
    if repair:
        rt.store.sync_lexical()
    result = rt.store.check()
    typer.echo(json.dumps({**result.__dict__, "ok": result.ok}, default=str))
    if not result.ok:
        raise typer.Exit(code=1)


def _not_yet(name: str) -> None:
    console.print(f"`newsdesk {name}` is not yet available")
    raise typer.Exit(code=2)


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
    import contextlib

    from pydantic import ValidationError

    from assistant.models import Filters, Query
    from assistant.retrieve.plan import BadQueryError
    from assistant.runtime import Runtime
    from assistant.service import Newsdesk

    settings = _settings(data_dir)
    with contextlib.ExitStack() as stack:
        if local_llm:
            from assistant.llm_server import LocalLLMError, start_local_server

            try:
                settings = stack.enter_context(start_local_server(settings)).settings
            except LocalLLMError as exc:
                console.print(f"[red]could not start the local LLM:[/] {exc}")
                raise typer.Exit(code=2) from exc
            answerer = "llm"
        try:
            query = Query(
                question=question,
                as_of=as_of,  # type: ignore[arg-type]
                filters=Filters(sources=source or None, since=since, until=until),  # type: ignore[arg-type]
                k=k or settings.top_k,
                strict_dates=strict_dates,
            )
            rt = Runtime.open(settings)
            chosen = None
            if (answerer or settings.answerer) == "llm":
                from assistant.answer.llm import LLMAnswerer

                chosen = LLMAnswerer(settings, embedder=rt.embedder)
            answer = Newsdesk(rt).ask(query, answerer=chosen)
        except (ValidationError, BadQueryError, ValueError) as exc:
            # ValueError: --answerer llm without an endpoint (the message says what to set)
            console.print(f"[red]bad request:[/] {exc}")
            raise typer.Exit(code=2) from exc
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
        return
    typer.echo(answer.answer)
    if answer.fallback:
        console.print(f"[yellow]note:[/] LLM failed ({answer.fallback_reason}); extractive answer")
    if answer.unsupported:
        console.print("[yellow]note:[/] the LLM answer cites no retrieved passage (unsupported)")
    if answer.citations:
        typer.echo("\nSources:")
        for c in answer.citations:
            meta = ", ".join(
                x for x in (c.title, c.source, c.published_at and c.published_at.isoformat()) if x
            )
            typer.echo(f"[{c.n}] {meta} — article {c.article_id} chars {c.start}-{c.end}")
            typer.echo(f'    "{c.quote}"')


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
) -> None:
    """Run the HTTP service: /v1/ask, OpenAI-compatible /v1/chat/completions, the chat page at /."""
    import os

    import uvicorn

    settings = _settings(data_dir)
    llm = None
    if local_llm or gguf is not None:
        try:
            from assistant.llm_server import start_local_server
        except ImportError as exc:
            console.print(f"[red]--local-llm is not available in this build:[/] {exc}")
            raise typer.Exit(code=2) from exc
        try:
            llm = start_local_server(settings, gguf)
        except Exception as exc:  # LocalLLMError and friends: say why, do not start half-way
            console.print(f"[red]could not start the local LLM:[/] {exc}")
            raise typer.Exit(code=2) from exc
        settings = llm.settings
    try:
        if workers > 1:
            # Each worker builds its app from the environment (uvicorn imports the factory).
            os.environ["NEWSDESK_DATA_DIR"] = str(settings.data_dir)
            if llm is not None:
                os.environ["NEWSDESK_LLM_BASE_URL"] = str(settings.llm_base_url)
                os.environ["NEWSDESK_LLM_MODEL"] = settings.llm_model
                os.environ["NEWSDESK_ANSWERER"] = settings.answerer
            uvicorn.run(
                "assistant.api.app:create_app",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                log_level=log_level,
            )
        else:
            from assistant.api.app import create_app

            uvicorn.run(create_app(settings), host=host, port=port, log_level=log_level)
    finally:
        if llm is not None:
            llm.stop()


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
    from assistant.mcp import run_http, run_stdio

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
    from evals.datasets import DatasetError
    from evals.evaluate import evaluate
    from evals.report import write_reports
    from evals.runner import EvalOptions
    from evals.runner import store_root as default_root
    from evals.thresholds import check, load_thresholds

    settings = _settings(data_dir)
    gate = None
    llm = None
    try:
        if thresholds is not None:
            gate = load_thresholds(thresholds)
        if local_llm or gguf is not None:
            from assistant.llm_server import start_local_server

            llm = start_local_server(settings, gguf)
            settings, answerer = llm.settings, "llm"
        options = EvalOptions(
            limit=limit, seed=seed, k=k, answerer=answerer, choices=choices, judge=judge
        )
        root = default_root(settings, store_root)
        report, _ = evaluate(dataset, settings, options, root, show_progress=console.is_terminal)
    except (DatasetError, ValueError, OSError, RuntimeError) as exc:
        # RuntimeError: the local LLM could not start (LocalLLMError), or nothing was ingestible
        console.print(f"[red]eval failed:[/] {exc}", soft_wrap=True)
        raise typer.Exit(code=2) from exc
    finally:
        if llm is not None:
            llm.stop()
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

    try:
        ra, rb = load_report(a), load_report(b)
    except (ValueError, OSError) as exc:
        console.print(f"[red]cannot compare:[/] {exc}", soft_wrap=True)
        raise typer.Exit(code=2) from exc
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
