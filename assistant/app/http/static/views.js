// Newsdesk page: the timeline and outlets-side-by-side view, a self-contained part of the page
// (its own form and result; it shares only the article panel and the API key box). As in
// app.js, everything from the server goes in with text nodes only, never parsed as HTML.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const form = $("view-form");
  if (!form) return;
  const topicBox = $("view-topic");
  const kindBox = $("view-kind");
  const asOfBox = $("view-as-of");
  const button = $("view-button");
  const statusLine = $("view-status");
  const result = $("view-result");

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
    try { body = await response.json(); } catch (_) { body = null; }
    if (!response.ok) {
      throw new Error(body && body.error && body.error.message
        ? body.error.message : `${response.status} ${response.statusText}`);
    }
    return body;
  }

  async function openCitation(c) {
    const panel = $("panel");
    const body = $("panel-text");
    $("panel-title").textContent = c.title || `article ${c.article_id}`;
    $("panel-meta").textContent = "Loading…";
    body.replaceChildren();
    panel.hidden = false;
    try {
      const article = await api(`/v1/articles/${encodeURIComponent(c.article_id)}` +
        `?highlight=${c.start}:${c.end}`, { headers: headers() });
      const chars = Array.from(article.text);
      const mark = el("mark", { id: "highlight" },
        chars.slice(article.highlight.start, article.highlight.end).join(""));
      body.replaceChildren(
        document.createTextNode(chars.slice(0, article.highlight.start).join("")), mark,
        document.createTextNode(chars.slice(article.highlight.end).join("")));
      $("panel-meta").textContent =
        `[${c.n}] ${[c.source, c.published_at, article.url].filter(Boolean).join(" · ")}`;
      mark.scrollIntoView({ block: "center" });
    } catch (err) {
      $("panel-meta").textContent = `Could not load the article: ${err.message}`;
    }
  }

  function cite(c) {
    const b = el("button", { type: "button", class: "cite", "data-n": String(c.n),
      title: c.title || c.article_id }, `[${c.n}]`);
    b.addEventListener("click", () => openCitation(c));
    return b;
  }

  function showTimeline(tl) {
    if (tl.refused || !tl.events.length) {
      result.replaceChildren(el("p", { class: "not-found" }, tl.message || "No dated events"));
      return;
    }
    const list = el("ol", { class: "timeline" });
    for (const e of tl.events) {
      const c = e.citation;
      list.append(el("li", { class: "event" },
        el("div", { class: "event-date" }, e.date,
          e.date_source === "published" ? el("small", {}, "published") : null),
        el("div", {}, el("span", { class: "event-text" }, e.text), " ", cite(c),
          el("div", { class: "event-outlets" }, e.outlets.join(", ")))));
    }
    result.replaceChildren(list);
  }

  function showOutlets(cmp) {
    if (cmp.refused || !cmp.outlets.length) {
      result.replaceChildren(el("p", { class: "not-found" }, cmp.message || "No coverage"));
      return;
    }
    const byN = new Map(cmp.citations.map((c) => [c.n, c]));
    const grid = el("div", { class: "outlets" });
    for (const o of cmp.outlets) {
      const items = el("ul", {});
      for (const c of o.statements) items.append(el("li", {}, el("q", {}, c.quote), " ", cite(c)));
      grid.append(el("section", { class: "outlet" },
        el("h3", {}, `${o.source} (${o.articles})`), items));
    }
    const findings = el("div", { class: "findings" });
    for (const [title, rows, cls] of [["Agree", cmp.agreements, "agreement"],
      ["Differ", cmp.differences, "difference"]]) {
      if (!rows.length) continue;
      const list = el("ul", {});
      for (const f of rows) {
        const li = el("li", { class: cls }, el("span", { class: "kind" }, f.kind),
          ` — ${f.subject}: `);
        f.claims.forEach((x, i) => {
          if (i) li.append("; ");
          li.append(`${x.source}: ${x.value} `);
          const c = byN.get(x.citation);
          if (c) li.append(cite(c));
        });
        list.append(li);
      }
      findings.append(el("h3", {}, title), list);
    }
    result.replaceChildren(grid, findings);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const question = topicBox.value.trim();
    if (!question) { statusLine.textContent = "Type a topic first."; return; }
    const payload = { question };
    if (asOfBox.value) payload.as_of = asOfBox.value;
    const kind = kindBox.value;
    button.disabled = true;
    statusLine.textContent = "Reading the articles…";
    try {
      const body = await api(kind === "outlets" ? "/v1/outlets" : "/v1/timeline",
        { method: "POST", headers: headers(), body: JSON.stringify(payload) });
      statusLine.textContent = "";
      if (kind === "outlets") showOutlets(body); else showTimeline(body);
    } catch (err) {
      statusLine.textContent = `Error: ${err.message}`;
    } finally {
      button.disabled = false;
    }
  });
})();
