"""Errors that cross the API boundary.

Every message is one line that names the problem (a key path, a column, a file) and
never carries a value read from the data: a CSV cell can be a patient's name.
"""

import os
from contextlib import contextmanager


class SynthguardError(Exception):
    """Base class: bad usage or bad input, mapped to exit code 2 by the CLI."""


class PolicyError(SynthguardError):
    """The policy file is malformed, has an unknown key, a wrong type or a bad value."""


class DataError(SynthguardError):
    """The input data cannot be used as the policy says (unreadable, empty, missing column)."""


class OutputError(SynthguardError):
    """The release folder cannot be written where asked."""


class GenerationError(SynthguardError):
    """The generator failed on this data; the message carries the error type, never a row."""


@contextmanager
def opaque_errors(what: str, error_type: type[SynthguardError] = SynthguardError):
    """Engines (SDV, SDMetrics, Presidio) may quote data rows in their messages; only the
    error's type crosses unless SYNTHGUARD_DEBUG=1 asks for the original."""
    try:
        yield
    except SynthguardError:
        raise
    except Exception as error:
        if os.environ.get("SYNTHGUARD_DEBUG") == "1":
            raise
        raise error_type(f"{what} failed ({type(error).__name__}); set SYNTHGUARD_DEBUG=1 to see "
                         "the engine's own message, which may quote data") from None


class ModelError(SynthguardError):
    """The policy's language model cannot be loaded or reached; the message names it and the fix."""


class ScrubSetupError(SynthguardError):
    """The PII engine cannot be built here (a model is missing)."""
