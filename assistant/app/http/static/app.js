// Newsdesk chat page: the conversation, its answers, sources and passages. As everywhere on the
// page (page.js), everything from the server goes in with text nodes only, never parsed as HTML.
"use strict";

(() => {
  const { $, el, headers, api, isolated, describe, citeButton } = window.NewsdeskPage;
  const form = $("ask-form");
  const questionBox = $("question");
  const asOfBox = $("as-of");
  const button = $("ask-button");
  const statusLine = $("status");
  const transcript = $("transcript");
  // The conversation so far, as chat messages: follow-ups are answered with it (the server makes
  // "and what will replace them?" standalone from the earlier turns, answers included).
  const conversation = [];
  const MAX_MESSAGES = 12;

  // The answer text with each [n] marker turned into a button that opens its source.
  function answerParagraph(text, citations) {
    const byNumber = new Map(citations.map((c) => [c.n, c]));
    const p = el("p", { class: "answer-text" });
    const pieces = text.split(/\[(\d+)\]/);
    pieces.forEach((piece, i) => {
      if (i % 2 === 0) {
        if (piece) p.append(document.createTextNode(piece));
        return;
      }
      const citation = byNumber.get(Number(piece));
      p.append(citation ? citeButton(citation) : document.createTextNode(`[${piece}]`));
    });
    return p;
  }

  function sourcesList(citations) {
    const list = el("ol", { class: "sources" });
    for (const c of citations) {
      const meta = describe(c);
      list.append(el("li", {},
        citeButton(c), " ",
        el("span", { class: "source-title" }, isolated(c.title || `article ${c.article_id}`)),
        meta ? el("span", { class: "source-meta" }, " — ", isolated(meta)) : null,
        el("q", { class: "source-quote" }, c.quote)));
    }
    return list;
  }

  function passagesList(passages) {
    const details = el("details", { class: "passages" },
      el("summary", {}, `Passages retrieved (${passages.length})`));
    const list = el("ol", {});
    for (const p of passages) {
      const meta = describe(p);
      list.append(el("li", { class: "passage" },
        el("div", { class: "passage-meta" },
          el("strong", {}, isolated(p.title || `article ${p.article_id}`)),
          meta ? " — " : null, meta ? isolated(meta) : null),
        el("p", { class: "passage-text" }, p.text)));
    }
    details.append(list);
    return details;
  }

  function addTurn(question) {
    const turn = el("li", { class: "turn pending" },
      el("p", { class: "question" }, question),
      el("div", { class: "reply" }, el("p", { class: "working" }, "Searching the articles…")));
    transcript.append(turn);
    turn.scrollIntoView({ block: "end" });
    return turn;
  }

  function showAnswer(turn, answer) {
    const reply = el("div", { class: "reply" });
    if (answer.refused) {
      turn.classList.add("refused");
      reply.append(el("p", { class: "not-found" }, "Not found in the articles"));
      reply.append(el("p", { class: "answer-text muted" }, answer.answer));
    } else {
      reply.append(answerParagraph(answer.answer, answer.citations));
      if (answer.citations.length) reply.append(sourcesList(answer.citations));
    }
    if (answer.passages && answer.passages.length) reply.append(passagesList(answer.passages));
    turn.replaceChild(reply, turn.querySelector(".reply"));
    turn.classList.remove("pending");
    turn.classList.add("answered");
  }

  function showError(turn, message) {
    const reply = el("div", { class: "reply" }, el("p", { class: "error" }, `Error: ${message}`));
    turn.replaceChild(reply, turn.querySelector(".reply"));
    turn.classList.remove("pending");
    turn.classList.add("failed");
  }

  async function ask(event) {
    event.preventDefault();
    const question = questionBox.value.trim();
    if (!question) {
      statusLine.textContent = "Type a question first.";
      return;
    }
    const messages = conversation.concat([{ role: "user", content: question }])
      .slice(-MAX_MESSAGES);
    while (messages.length && messages[0].role !== "user") messages.shift();
    const payload = { model: "newsdesk", messages };
    if (asOfBox.value) payload.as_of = asOfBox.value;
    const turn = addTurn(question);
    button.disabled = true;
    statusLine.textContent = "";
    try {
      const reply = await api("/v1/chat/completions", {
        method: "POST", headers: headers(), body: JSON.stringify(payload),
      });
      const info = reply.newsdesk;
      showAnswer(turn, {
        answer: info.answer,
        refused: info.refused,
        citations: reply.citations || [],
        passages: info.passages || [],
      });
      conversation.push({ role: "user", content: question });
      conversation.push({ role: "assistant", content: reply.choices[0].message.content });
      questionBox.value = "";
    } catch (err) {
      showError(turn, err.message);
    } finally {
      button.disabled = false;
      questionBox.focus();
    }
  }

  form.addEventListener("submit", ask);
  questionBox.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
})();
