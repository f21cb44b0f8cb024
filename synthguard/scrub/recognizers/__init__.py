"""Healthcare recognizers, one small module each, registered by class name.

A module adds itself with ``@register``; ``build_analyzer`` takes every registered recognizer of its
language, so adding one is adding a file here, or a plugin distribution's ``synthguard.recognizers``
entry point (docs/extending.md). A recognizer's ``ENTITIES`` join the policy's default entity list.
"""

from __future__ import annotations

from synthguard.registry import RECOGNIZERS

register = RECOGNIZERS.register

__all__ = ["RECOGNIZERS", "register"]
