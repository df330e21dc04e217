"""Scoring and routing of papers: keyword rules, a model learned from the catalog, reasons.

The public API is re-exported by ``bot.scorer``.
"""
