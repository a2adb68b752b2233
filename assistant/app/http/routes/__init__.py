"""The API's routers, one module per domain: ask/search, chat, articles, health, metrics,
page, views (stories, timeline, outlets)."""
