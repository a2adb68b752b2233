// Newsdesk page: the timeline and outlets-side-by-side view, a self-contained part of the page
// (its own form and result; the article panel and the API key box are page.js's). As everywhere
// on the page, everything from the server goes in with text nodes only, never parsed as HTML.
"use strict";

(() => {
  const { $, el, headers, api, isolated, citeButton } = window.NewsdeskPage;
  const form = $("view-form");
  if (!form) return;
  const topicBox = $("view-topic");
  const kindBox = $("view-kind");
  const asOfBox = $("view-as-of");
  const button = $("view-button");
  const statusLine = $("view-status");
  const result = $("view-result");

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
        el("div", {}, el("span", { class: "event-text" }, e.text), " ", citeButton(c),
          el("div", { class: "event-outlets" }, isolated(e.outlets.join(", "))))));
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
      for (const c of o.statements) items.append(el("li", {}, el("q", {}, c.quote), " ", citeButton(c)));
      grid.append(el("section", { class: "outlet" },
        el("h3", {}, isolated(o.source), ` (${o.articles})`), items));
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
          li.append(isolated(x.source), `: ${x.value} `);
          const c = byN.get(x.citation);
          if (c) li.append(citeButton(c));
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
