"""Insights: what the labels say about the coverage, and how the annotation went.

``stats`` (density, share, terms, frames per grouping), ``terms`` (one
tokenizer for every count; log-odds), ``process`` (annotation sessions and
per-annotator figures) and ``report`` (one self-contained HTML file). No Qt.
"""
