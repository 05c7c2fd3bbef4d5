"""Metadata normalisation: one small module per job (outlets, authors, dates, syndication, language).

`parsers.normalise.normalise` is the single entry point that combines them.
"""
