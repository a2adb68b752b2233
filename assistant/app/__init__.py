"""The entry points: the `newsdesk` CLI, the HTTP service (`http/`), the MCP server, and what only
they need (the local LLM process, terminal progress). Nothing imports this package; it asks the
composition root (`assistant.runtime`) for every part it uses."""
