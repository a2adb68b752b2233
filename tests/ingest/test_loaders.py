"""Article loaders: every format, the shared robustness rules, and the real data files."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

import ingest.loaders.text as loader_text
from assistant.models import Article, LoadError, article_id_for
from ingest.loaders import SUPPORTED_SUFFIXES, iter_files, load_file, load_paths
from ingest.loaders.headline import guess_headline, source_from_headline
from ingest.loaders.html import html_to_text
from ingest.loaders.jsonl import article_from_record
from tests.support import DEV_CORPUS, SAMPLE_ARTICLE

BODY = (
    "A powerful storm hit the coast on Wednesday, forcing thousands of residents to evacuate "
    "their homes as winds reached 120 miles per hour, officials said."
)


def load(path: Path) -> list[Article | LoadError]:
    return list(load_file(path))


def one_article(path: Path) -> Article:
    items = load(path)
    assert len(items) == 1, items
    assert isinstance(items[0], Article), items[0]
    return items[0]


def one_error(path: Path) -> LoadError:
    items = load(path)
    assert len(items) == 1, items
    assert isinstance(items[0], LoadError), items[0]
    assert items[0].origin == str(path)
    return items[0]


def split(items: list[Article | LoadError]) -> tuple[list[Article], list[LoadError]]:
    return (
        [i for i in items if isinstance(i, Article)],
        [i for i in items if isinstance(i, LoadError)],
    )


# --------------------------------------------------------------------------------------------
# plain text and Markdown


def test_sample_article_text_is_the_file_and_the_headline_is_found() -> None:
    article = one_article(SAMPLE_ARTICLE)
    content = SAMPLE_ARTICLE.read_bytes().decode("utf-8")
    assert article.text == content  # exact: citations quote offsets of this text
    assert article.title == (
        "The White House wants to lift some of the sanctions against Russia - Reuters"
    )
    assert article.source == "Reuters"
    assert article.url is None
    assert article.published_at is None  # the file has no date metadata: never invented
    assert article.authors == []
    assert article.id == article_id_for(None, content)
    assert article.origin == str(SAMPLE_ARTICLE)
    start = article.text.index("On February 26, Trump told reporters")
    assert content[start : start + 15] == "On February 26,"


def test_text_keeps_everything_but_crlf_and_bom(tmp_path: Path) -> None:
    raw = (
        "\ufeffStorm hits the coast overnight\r\n\r\n"
        f"{BODY}\r\n  Indented line\u200b with zero\u2011width and \u202eRTL\u202c marks.\t\n\n\n"
    )
    path = tmp_path / "storm.txt"
    path.write_bytes(raw.encode("utf-8"))
    article = one_article(path)
    assert article.text == raw.removeprefix("\ufeff").replace("\r\n", "\n")
    assert article.title == "Storm hits the coast overnight"
    assert article.source is None  # no url, no source suffix in the headline


def test_text_starting_with_a_paragraph_has_no_title(tmp_path: Path) -> None:
    path = tmp_path / "para.txt"
    path.write_text(f"{BODY}\n\nMore text follows here.\n", encoding="utf-8")
    article = one_article(path)
    assert article.title is None
    assert article.text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Politics\n\nThe White House wants to lift sanctions - Reuters\n\nBody.", None),
        ("World News\nMarkets tumble as rates rise\n\n" + BODY, "Markets tumble as rates rise"),
        ("Politics\n\n" + BODY, None),
        ("# Storm hits the coast\n\n" + BODY, "Storm hits the coast"),
        ("Is the war finally over?\n\n" + BODY, "Is the war finally over?"),
        ("Officials said the plan worked.\n\n" + BODY, None),
        ("CNN —\n\n" + BODY, None),
        ("\n\n   \n", None),
    ],
)
def test_headline_heuristic(text: str, title: str | None) -> None:
    expected = title
    if expected is None and text.startswith("Politics\n\nThe White House"):
        expected = "The White House wants to lift sanctions - Reuters"
    assert guess_headline(text) == expected


@pytest.mark.parametrize(
    ("headline", "source"),
    [
        ("The White House wants to lift some sanctions - Reuters", "Reuters"),
        ("Rates rise again in Europe | BBC News", "BBC News"),
        ("Rates rise again in Europe — The New York Times", "The New York Times"),
        ("Rates rise again in Europe - cnn.com", "cnn.com"),
        ("Trump meets Putin in Helsinki - live updates", None),
        ("Ukraine - Russia talks", None),
        ("No separator in this headline", None),
    ],
)
def test_source_from_headline_suffix(headline: str, source: str | None) -> None:
    assert source_from_headline(headline) == source


def test_front_matter_is_metadata_and_text_is_the_body(tmp_path: Path) -> None:
    body = f"Storm hits the coast\n\n{BODY}\n"
    path = tmp_path / "storm.md"
    path.write_text(
        "---\n"
        "title: Storm hits coast, thousands flee\n"
        "url: https://www.example.com/2022/09/14/storm\n"
        "authors: [Jane Doe, John Roe]\n"
        "published: 2022-09-14\n"
        "---\n\n" + body,
        encoding="utf-8",
    )
    article = one_article(path)
    assert article.text == body
    assert article.title == "Storm hits coast, thousands flee"
    assert article.url == "https://www.example.com/2022/09/14/storm"
    assert article.source == "example.com"  # host of the url, without "www."
    assert article.authors == ["Jane Doe", "John Roe"]
    assert article.published_at == date(2022, 9, 14)
    assert article.id == article_id_for(article.url, body)


def test_front_matter_spellings_and_rfc822_date_with_zone_name(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        "---\nsource: Example Wire\nauthor: Jane Doe\ndate: Wed, 14 Sep 2022 08:00:00 EST\n---\n"
        "Storm hits the coast overnight\n\n" + BODY,
        encoding="utf-8",
    )
    article = one_article(path)
    assert article.source == "Example Wire"
    assert article.authors == ["Jane Doe"]
    assert article.published_at == date(2022, 9, 14)
    assert article.title == "Storm hits the coast overnight"  # no title given: heuristic
    assert article.text.startswith("Storm hits the coast overnight\n\n")


def test_unparseable_front_matter_date_stays_none(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("---\ntitle: A title here\ndate: sometime soon\n---\n" + BODY, encoding="utf-8")
    article = one_article(path)
    assert article.published_at is None


def test_invalid_front_matter_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: ok\nauthors: [unclosed\n---\n" + BODY, encoding="utf-8")
    error = one_error(path)
    assert "front matter" in error.reason
    assert error.line is not None and error.line >= 3


def test_front_matter_with_wrong_types_or_no_body(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.md"
    wrong.write_text("---\ntitle: [a, list]\n---\n" + BODY, encoding="utf-8")
    assert "'title' must be a string" in one_error(wrong).reason
    empty = tmp_path / "empty-body.md"
    empty.write_text("---\ntitle: Only metadata here\n---\n\n  \n", encoding="utf-8")
    assert "no article text" in one_error(empty).reason


def test_markdown_rule_that_is_not_front_matter_keeps_the_text(tmp_path: Path) -> None:
    content = "---\nJust a rule and a heading\n---\n\n" + BODY + "\n"
    path = tmp_path / "rule.md"
    path.write_text(content, encoding="utf-8")
    assert one_article(path).text == content


# --------------------------------------------------------------------------------------------
# JSON and JSON Lines

RECORD = {
    "id": "abc123",
    "url": "https://www.cnn.com/2022/09/14/storm",
    "title": "Storm hits coast",
    "source": "cnn.com",
    "published_at": "2022-09-14",
    "authors": ["Jane Doe"],
    "text": BODY,
}


def test_json_single_object(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(RECORD), encoding="utf-8")
    article = one_article(path)
    assert article.id == "abc123"
    assert article.text == BODY
    assert article.title == "Storm hits coast"
    assert article.source == "cnn.com"
    assert article.published_at == date(2022, 9, 14)
    assert article.authors == ["Jane Doe"]
    assert article.origin == str(path)


def test_json_list_with_other_spellings_and_a_bad_item(tmp_path: Path) -> None:
    items = [
        RECORD,
        {"url": "https://www.bbc.co.uk/news/x", "author": "John Roe", "body": "Body text.",
         "published": "Wed, 14 Sep 2022 08:00:00 GMT"},
        {"title": "no text at all"},
        {"content": "Just content.", "date": "2022-09-15T10:00:00Z", "authors": "A; B"},
    ]  # fmt: skip
    path = tmp_path / "many.json"
    path.write_text(json.dumps(items, indent=2), encoding="utf-8")
    articles, errors = split(load(path))
    assert [a.text for a in articles] == [BODY, "Body text.", "Just content."]
    second, third = articles[1], articles[2]
    assert second.id == article_id_for("https://www.bbc.co.uk/news/x", "Body text.")
    assert second.source == "bbc.co.uk"
    assert second.authors == ["John Roe"]
    assert second.published_at == date(2022, 9, 14)
    assert third.authors == ["A", "B"]
    assert third.published_at == date(2022, 9, 15)
    assert third.source is None and third.url is None
    assert third.id == article_id_for(None, "Just content.")
    [error] = errors
    assert error.reason.startswith("item 3: missing article text")
    doc = path.read_text(encoding="utf-8").split("\n")
    for article in articles:  # origins point at the line where each item starts
        line = int(article.origin.rsplit(":", 1)[1])  # type: ignore[union-attr]
        assert doc[line - 1].strip() == "{"
    assert error.line is not None and doc[error.line - 1].strip() == "{"


def test_json_container_object_and_bad_documents(tmp_path: Path) -> None:
    container = tmp_path / "wrapped.json"
    container.write_text(json.dumps({"status": "ok", "articles": [RECORD]}), encoding="utf-8")
    assert one_article(container).id == "abc123"

    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "text": "x",\n  oops\n}', encoding="utf-8")
    error = one_error(broken)
    assert error.reason.startswith("invalid JSON") and error.line == 3

    scalar = tmp_path / "scalar.json"
    scalar.write_text("42", encoding="utf-8")
    assert "got number" in one_error(scalar).reason

    empty_list = tmp_path / "none.json"
    empty_list.write_text("[]", encoding="utf-8")
    assert "empty" in one_error(empty_list).reason


def test_jsonl_bad_lines_are_reported_and_the_rest_loads(tmp_path: Path) -> None:
    lines = [
        json.dumps(RECORD),  # 1
        '{"text": "unterminated',  # 2: bad JSON
        "",  # 3: blank, skipped
        json.dumps(["not", "an", "object"]),  # 4
        json.dumps({"title": "no text"}),  # 5
        json.dumps({"text": "   "}),  # 6
        json.dumps({"text": 42}),  # 7
        json.dumps({"text": "ok", "authors": 5}),  # 8
        json.dumps({"text": "ok", "id": ["x"]}),  # 9
        json.dumps({"text": "Last good one.", "url": "https://apnews.com/a"}),  # 10
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, errors = split(load(path))
    assert [a.origin for a in articles] == [f"{path}:1", f"{path}:10"]
    assert articles[1].source == "apnews.com"
    assert [e.line for e in errors] == [2, 4, 5, 6, 7, 8, 9]
    assert all(e.origin == str(path) for e in errors)
    reasons = dict(zip([e.line for e in errors], [e.reason for e in errors], strict=True))
    assert reasons[2].startswith("invalid JSON")
    assert reasons[4] == "expected a JSON object, got array"
    assert reasons[5].startswith("missing article text")
    assert reasons[6].startswith("empty article text")
    assert reasons[7] == "'text' must be a string, got number"
    assert "'authors' must be a string or a list of strings" in reasons[8]
    assert reasons[9] == "'id' must be a string, got array"


def test_jsonl_line_with_bad_bytes_is_one_error(tmp_path: Path) -> None:
    good = json.dumps({"text": "Caf\u00e9 society returns."}, ensure_ascii=False).encode("utf-8")
    bad = b'{"text": "caf\xc3\xa9 na\xc3\xafve \xff broken"}'
    path = tmp_path / "bytes.jsonl"
    path.write_bytes(good + b"\n" + bad + b"\n" + good + b"\n")
    articles, errors = split(load(path))
    assert len(articles) == 2 and articles[0].text == "Caf\u00e9 society returns."
    assert [e.line for e in errors] == [2]


def test_article_from_record_is_public_and_raises_clear_value_errors() -> None:
    article = article_from_record({"text": "Hello\r\nworld", "id": 7}, origin="api")
    assert article.text == "Hello\nworld" and article.id == "7" and article.origin == "api"
    with pytest.raises(ValueError, match="expected a JSON object, got array"):
        article_from_record([1, 2], origin="api")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="missing article text"):
        article_from_record({"title": "x"}, origin="api")
    with pytest.raises(ValueError, match="'url' must be a string, got number"):
        article_from_record({"text": "x", "url": 3}, origin="api")
    with pytest.raises(ValueError, match="control characters"):
        article_from_record({"text": "\x01\x02\x03\x04 x"}, origin="api")


@pytest.mark.slow
def test_the_dev_corpus_loads_completely() -> None:
    if not DEV_CORPUS.exists():
        pytest.skip(f"dev corpus not found at {DEV_CORPUS}")
    articles, errors = split(list(load_paths([DEV_CORPUS])))
    assert errors == []
    assert len(articles) == 1086
    with DEV_CORPUS.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh]
    assert [a.id for a in articles] == [r["id"] for r in records]
    assert len({a.id for a in articles}) == 1086
    for article, record in zip(articles, records, strict=True):
        assert article.text == record["text"]
        assert article.url == record["url"]
        assert article.authors == record["authors"]
        assert article.source == record["source"]
        expected = date.fromisoformat(record["published_at"]) if record["published_at"] else None
        assert article.published_at == expected


# --------------------------------------------------------------------------------------------
# HTML

HOSTILE_HTML = f"""<!doctype html>
<html><head>
<title>Storm hits coast - Example News</title>
<link rel="canonical" href="https://www.example.com/2022/09/14/storm.html">
<meta property="og:site_name" content="Example News">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2022-09-14T08:00:00Z">
<script>alert(1)</script>
<style>body {{ color: red }}</style>
</head>
<body onload="steal()">
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Storm hits coast</h1>
<p onclick="alert('clicked')">{BODY}</p>
<p>Officials said <a href="javascript:alert(3)">the emergency plan</a> worked as designed
and no deaths were reported by Thursday morning, according to the state governor.</p>
<script>document.write("injected")</script>
<p>Power was restored to most homes by the weekend, the utility company said in a statement.</p>
</article>
</body></html>
"""


def test_html_text_has_no_markup_scripts_or_handlers(tmp_path: Path) -> None:
    path = tmp_path / "storm.html"
    path.write_text(HOSTILE_HTML, encoding="utf-8")
    article = one_article(path)
    for bad in ("alert", "<script", "script>", "onclick", "onload", "javascript:", "injected",
                "steal", "color: red", "<p", "<a "):  # fmt: skip
        assert bad not in article.text, bad
    assert BODY in article.text
    assert "the emergency plan worked as designed" in article.text
    assert "\n\n" in article.text  # paragraphs are separated by blank lines
    assert article.title is not None and article.title.startswith("Storm hits coast")
    assert article.url == "https://www.example.com/2022/09/14/storm.html"
    assert article.source == "Example News"
    assert article.authors == ["Jane Doe"]
    assert article.published_at == date(2022, 9, 14)
    assert article.id == article_id_for(article.url, article.text)


def test_html_fallback_and_pages_without_text(tmp_path: Path) -> None:
    plain = tmp_path / "plain.htm"
    plain.write_text("just a few words in a file without any tags", encoding="utf-8")
    assert one_article(plain).text == "just a few words in a file without any tags"

    scripts = tmp_path / "scripts.html"
    scripts.write_text("<html><body><script>alert(1)</script></body></html>", encoding="utf-8")
    assert "no text" in one_error(scripts).reason


def test_html_declared_charset_is_honoured(tmp_path: Path) -> None:
    words = "Санкции против России могут быть смягчены, сообщают источники в Вашингтоне."
    page = (
        '<html><head><meta charset="windows-1251"><title>Санкции</title></head>'
        f"<body><article><p>{words}</p><p>{words}</p></article></body></html>"
    )
    path = tmp_path / "ru.html"
    path.write_bytes(page.encode("cp1251"))
    assert words in one_article(path).text


def test_html_to_text_renders_blocks_and_drops_non_content() -> None:
    markup = (
        "<div>First <b>bold</b>   words<br>next line</div><!-- hidden comment -->"
        "<style>p{}</style><p>Second &amp; last</p><ul><li>one</li><li>two</li></ul>"
        "<table><tr><td>a</td><td>b</td></tr></table><noscript>enable js</noscript>"
    )
    assert (
        html_to_text(markup) == "First bold words\nnext line\n\nSecond & last\n\none\n\ntwo\n\na b"
    )
    assert html_to_text("") == ""
    assert html_to_text("plain\n\n  text  here ") == "plain\n\ntext here"


# --------------------------------------------------------------------------------------------
# feeds

RSS = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Example Wire</title><link>https://wire.example.org/</link>
<item>
  <title>Storm hits coast</title>
  <link>https://wire.example.org/storm</link>
  <author>jane@example.org (Jane Doe)</author>
  <pubDate>Wed, 14 Sep 2022 08:00:00 GMT</pubDate>
  <description>&lt;p&gt;{BODY}&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;
    &lt;p onclick="x()"&gt;Second paragraph.&lt;/p&gt;</description>
</item>
<item><title>Nothing to read</title><link>https://wire.example.org/empty</link></item>
<item><title>Plain summary</title><description>Short plain summary text.</description></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom News</title>
<entry>
  <title type="html">Rates &lt;em&gt;rise&lt;/em&gt; again</title>
  <link href="https://www.atom.example.com/rates"/>
  <id>urn:uuid:1</id>
  <updated>2022-09-15T10:00:00Z</updated>
  <author><name>John Roe</name></author><author><name>Ann Poe</name></author>
  <summary>Short summary.</summary>
  <content type="html">&lt;p&gt;The central bank raised rates by half a point.&lt;/p&gt;
  &lt;p&gt;Markets &lt;a href="javascript:alert(1)"&gt;fell&lt;/a&gt; sharply.&lt;/p&gt;</content>
</entry>
</feed>
"""


def test_rss_feed_one_article_per_entry(tmp_path: Path) -> None:
    path = tmp_path / "wire.rss"
    path.write_text(RSS, encoding="utf-8")
    articles, errors = split(load(path))
    assert len(articles) == 2
    first = articles[0]
    assert first.text == f"{BODY}\n\nSecond paragraph."
    assert first.title == "Storm hits coast"
    assert first.url == "https://wire.example.org/storm"
    assert first.source == "Example Wire"
    assert first.authors == ["Jane Doe"]
    assert first.published_at == date(2022, 9, 14)
    assert first.origin == str(path)
    assert articles[1].text == "Short plain summary text." and articles[1].url is None
    [error] = errors
    assert error.reason.startswith("entry 2 ('Nothing to read'): no text")


def test_atom_feed(tmp_path: Path) -> None:
    path = tmp_path / "news.atom"
    path.write_text(ATOM, encoding="utf-8")
    article = one_article(path)
    assert article.text == "The central bank raised rates by half a point.\n\nMarkets fell sharply."
    assert article.title == "Rates rise again"
    assert article.url == "https://www.atom.example.com/rates"
    assert article.source == "Atom News"
    assert article.authors == ["John Roe", "Ann Poe"]
    assert article.published_at == date(2022, 9, 15)


def test_xml_is_loaded_only_when_it_is_a_feed(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(ATOM, encoding="utf-8")
    assert one_article(feed).source == "Atom News"
    other = tmp_path / "config.xml"
    other.write_text('<?xml version="1.0"?>\n<!-- c --><config><a>1</a></config>', "utf-8")
    assert "not an RSS or Atom feed" in one_error(other).reason


def test_bozo_feed_that_still_parses_and_a_non_feed(tmp_path: Path) -> None:
    bozo = tmp_path / "bozo.rss"
    bozo.write_text(
        "<rss><channel><title>Loose</title><item><title>A & B</title>"
        "<link>https://www.loose.example/x</link><description>Text & more text.</description>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    article = one_article(bozo)
    assert article.text == "Text & more text."
    assert article.title == "A & B"

    garbage = tmp_path / "garbage.rss"
    garbage.write_text("this is not a feed at all", encoding="utf-8")
    assert "not a valid RSS/Atom feed" in one_error(garbage).reason


def test_feed_content_that_is_a_path_is_not_opened(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.rss"
    target.write_text(RSS, encoding="utf-8")
    path = tmp_path / "pointer.rss"
    path.write_text(str(target), encoding="utf-8")
    assert "not a valid RSS/Atom feed" in one_error(path).reason


def test_feed_source_falls_back_to_the_link_host(tmp_path: Path) -> None:
    path = tmp_path / "untitled.rss"
    path.write_text(
        "<rss version='2.0'><channel><item><link>https://www.news.example.net/a</link>"
        "<description>Body of the entry.</description></item></channel></rss>",
        encoding="utf-8",
    )
    assert one_article(path).source == "news.example.net"


# --------------------------------------------------------------------------------------------
# robustness shared by every loader

ALL_KINDS = [".txt", ".md", ".json", ".jsonl", ".html", ".rss", ".xml"]


@pytest.mark.parametrize("suffix", ALL_KINDS)
@pytest.mark.parametrize("content", [b"", b"  \n\r\n\t "])
def test_empty_files(tmp_path: Path, suffix: str, content: bytes) -> None:
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(content)
    assert "empty" in one_error(path).reason


@pytest.mark.parametrize("suffix", ALL_KINDS)
def test_binary_files(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"image{suffix}"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)))
    assert "binary" in one_error(path).reason


def test_mostly_control_characters_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "noise.txt"
    path.write_bytes(b"\x01\x02\x03\x04\x05\x06\x07\x08abc\x0e\x0f\x10\x11\x12")
    assert "control characters" in one_error(path).reason


def test_a_few_control_characters_are_kept_as_read(tmp_path: Path) -> None:
    content = "Storm hits the coast overnight\n\nA bell\x07 rang\x0c twice.\n"
    path = tmp_path / "bell.txt"
    path.write_text(content, encoding="utf-8")
    assert one_article(path).text == content


def test_cp1252_file_is_decoded(tmp_path: Path) -> None:
    content = "Caf\u00e9 owners \u201cwelcome\u201d the new rules\n\nPrices rose 5\u20ac today.\n"
    path = tmp_path / "legacy.txt"
    path.write_bytes(content.encode("cp1252"))
    article = one_article(path)
    assert article.text == content
    assert article.title == "Caf\u00e9 owners \u201cwelcome\u201d the new rules"


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    content = "Storm hits the coast overnight\n\n" + BODY
    path = tmp_path / "wide.txt"
    path.write_bytes(content.encode("utf-16"))  # with BOM
    assert one_article(path).text == content


@pytest.mark.parametrize(
    "data",
    [
        "Mostly UTF-8: caf\u00e9, na\u00efve, d\u00e9j\u00e0 vu \u2014 ".encode() + b"\xff bad\n",
        b"Undefined in cp1252 too: \x81\x8d\x8f\x90\x9d\n",
    ],
)
def test_undecodable_files_are_reported(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    assert "invalid UTF-8" in one_error(path).reason


def test_unreadable_and_too_large_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Some headline here\n\n" + BODY, encoding="utf-8")
    monkeypatch.setattr("ingest.loaders.common.MAX_FILE_BYTES", 10)
    assert "too large" in one_error(path).reason
    monkeypatch.undo()

    def deny(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", deny)
    assert one_error(path).reason == "cannot read file: Permission denied"


def test_unexpected_loader_failure_becomes_a_load_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(path: Path) -> list[Article | LoadError]:
        raise RuntimeError("boom")

    monkeypatch.setattr(loader_text, "load", explode)
    path = tmp_path / "a.txt"
    path.write_text(BODY, encoding="utf-8")
    assert one_error(path).reason == "unexpected error: RuntimeError: boom"


# --------------------------------------------------------------------------------------------
# files and folders


def test_folder_with_mixed_files(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "nested" / "deeper").mkdir(parents=True)
    (corpus / ".git").mkdir()
    (corpus / ".git" / "HEAD.txt").write_text("ref: refs/heads/main", encoding="utf-8")
    (corpus / ".hidden.txt").write_text("Hidden headline here\n\n" + BODY, encoding="utf-8")
    (corpus / "b.txt").write_text("Second headline here\n\n" + BODY, encoding="utf-8")
    (corpus / "a.json").write_text(json.dumps(RECORD), encoding="utf-8")
    (corpus / "nested" / "c.md").write_text("# Markdown headline\n\n" + BODY, encoding="utf-8")
    (corpus / "nested" / "deeper" / "d.rss").write_text(RSS, encoding="utf-8")
    (corpus / "nested" / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    (corpus / "README").write_text("no suffix", encoding="utf-8")
    missing = tmp_path / "missing.txt"

    files = list(iter_files([corpus, missing]))
    assert files == [
        corpus / "README",
        corpus / "a.json",
        corpus / "b.txt",
        corpus / "nested" / "c.md",
        corpus / "nested" / "deeper" / "d.rss",
        corpus / "nested" / "notes.pdf",
        missing,
    ]
    assert list(iter_files([corpus / "b.txt", str(corpus / "b.txt")])) == [corpus / "b.txt"]

    articles, errors = split(list(load_paths([str(corpus), missing])))
    assert [a.title for a in articles] == [
        "Storm hits coast",
        "Second headline here",
        "Markdown headline",
        "Storm hits coast",
        "Plain summary",
    ]
    by_origin = {e.origin: e.reason for e in errors}
    assert by_origin[str(corpus / "README")].startswith("unsupported file type without a suffix")
    assert by_origin[str(corpus / "nested" / "notes.pdf")].startswith(
        'unsupported file type ".pdf"'
    )
    assert by_origin[str(missing)] == "no such file"
    assert by_origin[str(corpus / "nested" / "deeper" / "d.rss")].startswith("entry 2")
    assert len(errors) == 4
    assert not any("hidden" in (a.origin or "").lower() for a in articles)


def test_load_file_on_a_folder_and_suffix_case(tmp_path: Path) -> None:
    assert "is a folder" in one_error(tmp_path).reason
    upper = tmp_path / "STORY.TXT"
    upper.write_text("Upper case suffix here\n\n" + BODY, encoding="utf-8")
    assert one_article(upper).title == "Upper case suffix here"


def test_supported_suffixes() -> None:
    assert {".txt", ".md", ".json", ".jsonl", ".html", ".htm", ".rss", ".atom", ".xml"} <= (
        SUPPORTED_SUFFIXES
    )
    assert all(s.startswith(".") and s == s.lower() for s in SUPPORTED_SUFFIXES)


# --------------------------------------------------------------------------------------------
# bad records, bad dates, the lazily imported HTML stack


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ({"id": "x", "text": "Broken \ud800 text."}, "text"),
        ({"id": "x", "title": "T \udfff", "text": "Fine text."}, "title"),
        ({"id": "x", "authors": ["A \ud800"], "text": "Fine text."}, "authors"),
        ({"id": "x", "source": "S \ud800", "text": "Fine text."}, "source"),
        ({"id": "x\ud800", "text": "Fine text."}, "id"),
    ],
)
def test_lone_surrogates_are_a_clear_record_error(record: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=f"'{field}' is not valid Unicode: a lone surrogate"):
        article_from_record(record, "test")


def test_ids_are_bounded_and_free_of_control_characters() -> None:
    with pytest.raises(ValueError, match="the limit is 256"):
        article_from_record({"id": "x" * 300, "text": "Fine text."}, "test")
    with pytest.raises(ValueError, match="control characters"):
        article_from_record({"id": "a\nb", "text": "Fine text."}, "test")
    assert article_from_record({"id": "a/b:c", "text": "Fine text."}, "t").id == "a/b:c"


@pytest.mark.parametrize("value", ["2022-02-30", "2022-13-01", "0000-00-00", "not a date"])
def test_front_matter_with_an_impossible_date_keeps_the_article(tmp_path: Path, value: str) -> None:
    path = tmp_path / "a.md"
    path.write_text(f"---\ntitle: Storm\ndate: {value}\nsource: x.example\n---\n{BODY}\n")
    (article,) = load(path)
    assert isinstance(article, Article)
    assert article.published_at is None and article.title == "Storm" and article.text == BODY + "\n"
    assert article.notes == [
        f"'date' {value!r} is not a date: kept with an unknown publication date"
    ]
    path.write_text(f"---\ntitle: Storm\ndate: 2022-02-03\n---\n{BODY}\n")
    (dated,) = load(path)
    assert isinstance(dated, Article)
    assert dated.published_at == date(2022, 2, 3) and dated.notes == []


def test_text_and_jsonl_ingests_never_import_the_html_stack(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "a", "text": BODY}) + "\n")
    script = (
        "import sys\n"
        "from ingest.loaders import load_paths\n"
        "import assistant.app.cli, assistant.runtime\n"
        f"items = list(load_paths([{str(SAMPLE_ARTICLE)!r}, {str(tmp_path / 'a.jsonl')!r}]))\n"
        "assert len(items) == 2 and all(hasattr(i, 'text') for i in items), items\n"
        "print(sorted(m for m in ('trafilatura', 'lxml', 'feedparser', 'justext')"
        " if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    (tmp_path / "p.html").write_text(
        "<html><body><article><p>" + BODY + "</p></article></body></html>"
    )
    articles, errors = split(load(tmp_path / "p.html"))
    assert not errors and BODY in articles[0].text  # and the HTML stack loads when asked for
