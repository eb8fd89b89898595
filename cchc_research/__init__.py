"""cchc-research: clean, harmonize and model Vietnam's public-administration-reform indicators."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
