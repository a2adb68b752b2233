// Newsdesk page: what the chat (app.js) and the views (views.js) share — building DOM nodes,
// calling the API with the key box's token, and the article panel that shows a citation
// highlighted in its article. Everything that comes from the server is put in the page with
// textContent / text nodes only, never parsed as HTML, so an article containing markup or scripts
// is shown as text and cannot run.
"use strict";

window.NewsdeskPage = (() => {
  const $ = (id) => document.getElementById(id);
  const panel = $("panel");

  // el("p", {class: "x"}, "text", childNode): strings become text nodes, never HTML.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "class") node.className = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function headers() {
    const h = { "Content-Type": "application/json" };
    const keyBox = $("api-key");
    const key = keyBox ? keyBox.value.trim() : "";
    if (key) h.Authorization = "Bearer " + key;
    return h;
  }

  async function api(path, options) {
    const response = await fetch(path, options);
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      body = null;
    }
    if (!response.ok) {
      const message = body && body.error && body.error.message
        ? body.error.message
        : `${response.status} ${response.statusText}`;
      throw new Error(message);
    }
    return body;
  }

  // Metadata comes from articles: a title's bidi controls (U+202E...) are removed and each
  // piece is isolated in a <bdi>, so no title can change how the source or date beside it reads.
  const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
  const plain = (text) => String(text).replace(BIDI_CONTROLS, "");
  const isolated = (text) => el("bdi", {}, plain(text));

  function describe(item) {
    const parts = [];
    if (item.source) parts.push(plain(item.source));
    if (item.published_at) parts.push(plain(item.published_at));
    return parts.join(", ");
  }

  // The article's URL as a link only when it is http(s); anything else stays plain text.
  function urlNode(url) {
    let parsed = null;
    try {
      parsed = new URL(url);
    } catch (_) {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      return isolated(url);
    }
    return el("a", {
      href: parsed.href, target: "_blank", rel: "noopener noreferrer nofollow", id: "panel-url",
    }, plain(url));
  }

  let opener = null; // the [n] button that opened the panel: focus returns to it on close

  function closePanel() {
    if (panel.hidden) return;
    panel.hidden = true;
    document.body.classList.remove("panel-open");
    if (opener && opener.isConnected) opener.focus({ preventScroll: true });
    opener = null;
  }

  // Scroll the panel itself (never the page) so the highlight sits mid-panel while the panel's
  // head — title and close button — stays in view, on a phone as on a desktop.
  function centerInPanel(node) {
    const top = node.offsetTop - (panel.clientHeight - node.offsetHeight) / 2;
    panel.scrollTop = Math.max(0, top);
  }

  async function openCitation(citation, button) {
    const path = `/v1/articles/${encodeURIComponent(citation.article_id)}` +
      `?highlight=${citation.start}:${citation.end}`;
    const body = $("panel-text");
    opener = button || null;
    $("panel-title").replaceChildren(isolated(citation.title || `article ${citation.article_id}`));
    $("panel-meta").textContent = "Loading…";
    body.replaceChildren();
    panel.hidden = false;
    document.body.classList.add("panel-open");
    panel.scrollTop = 0;
    $("panel-close").focus({ preventScroll: true });
    try {
      const article = await api(path, { headers: headers() });
      // Offsets are Unicode code points (Python); Array.from splits by code points too.
      const chars = Array.from(article.text);
      const start = article.highlight.start;
      const end = article.highlight.end;
      const mark = el("mark", { id: "highlight" }, chars.slice(start, end).join(""));
      body.replaceChildren(
        document.createTextNode(chars.slice(0, start).join("")),
        mark,
        document.createTextNode(chars.slice(end).join("")));
      $("panel-title").replaceChildren(isolated(article.title || `article ${article.id}`));
      const meta = describe(article);
      $("panel-meta").replaceChildren(
        `[${citation.n}] `,
        meta ? isolated(meta) : "",
        meta && article.url ? " · " : "",
        article.url ? urlNode(article.url) : "");
      centerInPanel(mark);
    } catch (err) {
      $("panel-meta").textContent = `Could not load the article: ${err.message}`;
    }
  }

  // A [n] button that opens its citation in the panel.
  function citeButton(citation) {
    const b = el("button", {
      type: "button",
      class: "cite",
      "data-n": String(citation.n),
      title: plain(citation.title || citation.article_id),
    }, `[${citation.n}]`);
    b.addEventListener("click", () => openCitation(citation, b));
    return b;
  }

  $("panel-close").addEventListener("click", closePanel);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !panel.hidden) {
      event.preventDefault();
      closePanel();
    }
  });

  return { $, el, headers, api, plain, isolated, describe, citeButton };
})();
