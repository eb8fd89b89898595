"""Simulated world (placeholder during development)."""
