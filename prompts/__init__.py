"""Prompt templates for the LLM answerer, and `render(name, **inputs)` to fill them.

Each template is a Markdown file in this folder, `NAME.md`, written with `string.Template`
placeholders: `$question` or `${question}` for an input, `$$` for a literal dollar sign. A
template may open with an HTML comment (`<!-- ... -->`) documenting its inputs; that comment is
not part of the rendered prompt. `render` fails clearly (`PromptError`) on an unknown template, a
missing input or an input the template does not use, so a renamed placeholder cannot silently
drop data from a prompt. Values are substituted once and never re-parsed, so a `$` inside an
article is harmless. This module knows nothing of passages or LLM clients.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from importlib import resources

__all__ = ["PromptError", "inputs_of", "names", "render"]

_LEADING_COMMENT = re.compile(r"\A\s*<!--.*?-->\s*", re.DOTALL)


class PromptError(ValueError):
    """A template is missing, or was rendered with missing or unexpected inputs."""


@lru_cache(maxsize=32)
def _template(name: str) -> string.Template:
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise PromptError(f"bad prompt name {name!r}: use lower-case letters, digits and _")
    path = resources.files(__name__).joinpath(f"{name}.md")
    if not path.is_file():
        raise PromptError(f"no prompt template {name!r} (expected prompts/{name}.md)")
    body = _LEADING_COMMENT.sub("", path.read_text(encoding="utf-8"), count=1)
    tpl = string.Template(body)
    if not tpl.is_valid():
        raise PromptError(f"prompt {name!r}: malformed placeholder (write $$ for a dollar sign)")
    return tpl


def names() -> list[str]:
    """The template names available (file stems), sorted."""
    root = resources.files(__name__)
    return sorted(p.name[: -len(".md")] for p in root.iterdir() if p.name.endswith(".md"))


def inputs_of(name: str) -> set[str]:
    """The input names template `name` expects."""
    return set(_template(name).get_identifiers())


def render(name: str, **inputs: object) -> str:
    """Template `name` filled with `inputs` (converted with `str`); every input exactly once."""
    tpl = _template(name)
    expected = set(tpl.get_identifiers())
    missing = sorted(expected - inputs.keys())
    extra = sorted(inputs.keys() - expected)
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        if extra:
            parts.append(f"unexpected {', '.join(extra)}")
        wanted = ", ".join(sorted(expected))
        raise PromptError(f"prompt {name!r}: {'; '.join(parts)} (expects {wanted})")
    return tpl.substitute({k: str(v) for k, v in inputs.items()}).strip() + "\n"
