"""Plugins by name: one registry object per kind, open to this package and to other distributions.

A registry fills itself on first use, never at import: it imports the modules of its home package (each
registers what it defines with ``@registry.register``), then loads the entry points of its group, which
is how a third-party distribution adds a recognizer, suite, synthesizer or text mode without editing
synthguard. An entry point names an object (registered under the entry point's name unless it registered
itself) or a module (importing it runs its decorators). Plugins registered at run time count from then on:
``generation`` moves, so caches keyed on it (the Presidio analyzer, the policy schema) are rebuilt.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable, Iterator, Mapping
from importlib.metadata import entry_points
from types import ModuleType
from typing import Generic, TypeVar

from synthguard.errors import PolicyError

T = TypeVar("T")

GROUPS = {
    "recognizer": "synthguard.recognizers",
    "validation suite": "synthguard.suites",
    "table generator": "synthguard.generators",
    "text mode": "synthguard.text_modes",
    "LLM backend": "synthguard.llm_backends",
    "engine": "synthguard.engines",
}


class PluginError(PolicyError):
    """A plugin could not be loaded or clashes with another: the policy naming it cannot run."""


class Registry(Mapping[str, T], Generic[T]):
    """Name -> plugin, in the order registered: the home package's modules by name, then entry points by name."""

    def __init__(self, kind: str, package: str | None = None, skip: tuple[str, ...] = (),
                 name_of: Callable[[T], str] = lambda plugin: plugin.name):
        self.kind, self.group = kind, GROUPS[kind]
        self._package, self._skip, self._name_of = package, skip, name_of
        self._plugins: dict[str, T] = {}
        self._loaded = False
        self._lock = threading.RLock()
        self._generation = 0

    def register(self, plugin: T | None = None, *, name: str | None = None):
        """Add ``plugin`` (also usable as a decorator, ``@registry.register``); a name may be taken once."""
        if plugin is None:
            return lambda later: self.register(later, name=name)
        key = name or self._name_of(plugin)
        with self._lock:
            present = self._plugins.get(key)
            if present is not None and present is not plugin:
                raise PluginError(f"{self.kind} {key!r} is registered twice ({_origin(present)} and "
                                  f"{_origin(plugin)})")
            if present is None:
                self._plugins[key] = plugin
                self._generation += 1
        return plugin

    def unregister(self, name: str) -> None:
        """Remove a plugin (tests, and a user replacing a built-in on purpose)."""
        with self._lock:
            self._load()
            if self._plugins.pop(name, None) is not None:
                self._generation += 1

    @property
    def generation(self) -> int:
        """Moves on every change: a cache keyed on it is rebuilt after a plugin registers."""
        self._load()
        return self._generation

    def _load(self) -> None:
        with self._lock:
            if self._loaded:
                return
            self._loaded = True  # before importing: a module that reads its registry must not recurse here
            try:
                self._import_all()
            except BaseException:
                self._loaded = False  # a failed load is tried again, not left half done
                raise

    def _import_all(self) -> None:
        if self._package is not None:
            home = importlib.import_module(self._package)
            for module in pkgutil.iter_modules(home.__path__):
                if module.name not in self._skip and not module.name.startswith("_"):
                    importlib.import_module(f"{self._package}.{module.name}")
        for point in sorted(entry_points(group=self.group), key=lambda p: p.name):
            try:
                plugin = point.load()
            except Exception as error:  # a broken plugin must name itself, not fail somewhere later
                raise PluginError(f"{self.kind} plugin {point.name!r} ({point.value}) failed to load: "
                                  f"{type(error).__name__}: {error}") from None
            if not isinstance(plugin, ModuleType) and plugin not in self._plugins.values():
                self.register(plugin, name=point.name)

    def __getitem__(self, name: str) -> T:
        self._load()
        return self._plugins[name]

    def __iter__(self) -> Iterator[str]:
        self._load()
        return iter(list(self._plugins))

    def __len__(self) -> int:
        self._load()
        return len(self._plugins)

    def __contains__(self, name: object) -> bool:
        self._load()
        return name in self._plugins

    def unknown(self, name: str) -> str:
        """The one-line error for a name nobody registered."""
        return (f"unknown {self.kind} {name!r}; allowed: {', '.join(map(repr, sorted(self)))} (a plugin adds "
                f"more through the entry point group {self.group!r}; docs/extending.md)")


def _origin(plugin: object) -> str:
    return f"{getattr(plugin, '__module__', '?')}.{getattr(plugin, '__qualname__', type(plugin).__name__)}"


# Every registry here, so that the policy's sections resolve names without importing any plugin package:
# the home packages are imported by name on first use. Helper modules of a home package hold no plugins.
_GENERATOR_HELPERS = ("base", "llm", "instructions")
TABLE_GENERATORS: Registry = Registry("table generator", "synthguard.generators", _GENERATOR_HELPERS)
LLM_BACKENDS: Registry = Registry("LLM backend", "synthguard.generators", _GENERATOR_HELPERS)
TEXT_MODES: Registry = Registry("text mode", "synthguard.generators", _GENERATOR_HELPERS)
SUITES: Registry = Registry("validation suite", "synthguard.validators", ("base",))
RECOGNIZERS: Registry = Registry("recognizer", "synthguard.scrub.recognizers", name_of=lambda cls: cls.__name__)
# Where work runs (sampling, scrubbing chunks, chat models, writing partitions): every layer asks ``engine``
# below by the policy's ``engine`` name, so no layer below the engines imports one.
ENGINES: Registry = Registry("engine", "synthguard.engines", ("base",))


def supported_entities(language: str) -> frozenset[str]:
    """The entity names the recognizers of ``language`` find (Presidio's and the registered ones), so that a policy
    naming another entity is refused while it is parsed. Asked of the scrub package by its name, as every registry
    here imports its plugin package: the policy checks names without importing the code behind them."""
    return importlib.import_module("synthguard.scrub.engine").supported_entities(language)


def engine(name: str, settings=None, validate_rows: int = 0):
    """The one place a name (the policy's ``engine``, ``--engine``) becomes where work runs: an
    ``engines.base.Engine``. ``settings``: the policy's ``ray`` section; ``validate_rows``: ``validate.max_rows``
    (the suites' sample on a cluster)."""
    if name not in ENGINES:
        raise PluginError(ENGINES.unknown(name))
    return ENGINES[name](settings, validate_rows)
