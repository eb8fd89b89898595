"""Shared check that a parser refuses a value with the project's structured error.

Importable from any test file (``tests/`` holds the root ``conftest.py``; pytest's default
``prepend`` import mode puts its folder on ``sys.path``), like ``model_panels``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def assert_refuses(func: Callable[..., Any], value: Any, error: type[Exception], reason_part: str,
                   **kwargs: Any) -> Exception:
    """Call ``func(value, **kwargs)``, expect ``error`` naming ``value`` with ``reason_part`` in its reason.

    The ``file``/``row``/``column`` among ``kwargs`` must come back on the error too.

    Returns
    -------
    Exception
        The raised error, for further checks (its class, hint...).
    """
    with pytest.raises(error) as info:
        func(value, **kwargs)
    assert info.value.value == value
    assert reason_part in info.value.reason
    for field in ("file", "row", "column"):
        if field in kwargs:
            assert getattr(info.value, field) == kwargs[field]
    return info.value
