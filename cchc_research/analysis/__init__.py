"""Analyses behind the research notebooks (data preparation and model orchestration)."""
