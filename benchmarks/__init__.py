"""Reproducible benchmarks; results go to benchmarks/results/ (JSON + Markdown, machine noted)."""
