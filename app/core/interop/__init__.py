"""Readers for what teams already have: WARC crawls, Label Studio, Prodigy, doccano files.

Each reader turns a file into the document records ``thresher import`` reads from JSONL
(``app.core.sources.RecordSource``), plus ``Note``s for what it skipped on purpose.
"""
