"""Finding and replacing PII/PHI: Presidio set-up, identifier columns, Faker surrogates.

The package is also the function ``synthguard.scrub(data, policy=None, text_columns=(), key=None)``
(scrub/table.py): its module object is callable, so the name serves both without one hiding the other.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
import types


class _CallablePackage(types.ModuleType):
    def __call__(self, data, policy=None, text_columns: tuple[str, ...] = (), key: bytes | None = None):
        """Scrub a DataFrame, a table file or folder, or a ``ray.data.Dataset`` (see ``scrub.table.scrub``)."""
        from synthguard.scrub.table import scrub

        return scrub(data, policy, text_columns, key)


sys.modules[__name__].__class__ = _CallablePackage


class _PresidioWithoutDeepLearning(importlib.abc.MetaPathFinder):
    """Imports ``presidio_analyzer`` with ``transformers`` and ``torch`` hidden, when neither is loaded yet.

    Presidio imports both at start-up for engines synthguard never builds (its transformers and stanza NLP
    engines, its GPU detector): 4.8 s of a 13 s ``synthguard scrub`` of 400 notes, measured with
    ``python -X importtime``; hidden, Presidio takes its own "not installed" branch and imports in 1.8 s. They
    are only hidden while Presidio's package runs, so a later ``import torch`` loads it as usual.
    """

    HIDDEN = ("transformers", "torch")

    def find_spec(self, name, path=None, target=None):
        if name != "presidio_analyzer":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or any(m in sys.modules for m in self.HIDDEN):
            return spec
        spec.loader = _Hiding(spec.loader, self.HIDDEN)
        return spec


class _Hiding(importlib.abc.Loader):
    def __init__(self, loader, hidden: tuple[str, ...]):
        self.loader, self.hidden = loader, hidden

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        for name in self.hidden:
            sys.modules[name] = None  # an import of it raises ImportError
        try:
            self.loader.exec_module(module)
        finally:
            for name in self.hidden:
                if sys.modules.get(name, 0) is None:
                    del sys.modules[name]


if "presidio_analyzer" not in sys.modules:
    sys.meta_path.insert(0, _PresidioWithoutDeepLearning())
