"""Finding and replacing PII/PHI: Presidio set-up, identifier columns, Faker surrogates.

The package is also the function ``synthguard.scrub(data, policy=None, text_columns=(), key=None)``
(scrub/table.py): its module object is callable, so the name serves both without one hiding the other.
"""

from __future__ import annotations

import sys
import types


class _CallablePackage(types.ModuleType):
    def __call__(self, data, policy=None, text_columns: tuple[str, ...] = (), key: bytes | None = None):
        """Scrub a DataFrame, a table file or folder, or a ``ray.data.Dataset`` (see ``scrub.table.scrub``)."""
        from synthguard.scrub.table import scrub

        return scrub(data, policy, text_columns, key)


sys.modules[__name__].__class__ = _CallablePackage
