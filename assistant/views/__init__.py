"""Views over many articles: a dated timeline of a topic, and outlets side by side.

`statements` (sentences of retrieved passages, located in their articles, scored against the
topic; numbers, names and who is quoted), `timeline` (dated events in chronological order),
`outlets` (each outlet's key statements, what they agree on, where they differ). Pure functions
over passages and stories: retrieval and citation validation stay in `assistant.service`.
"""
