"""Errors that cross the API boundary.

Every message is one line that names the problem (a key path, a column, a file) and
never carries a value read from the data: a CSV cell can be a patient's name.
"""


class SynthguardError(Exception):
    """Base class: bad usage or bad input, mapped to exit code 2 by the CLI."""


class PolicyError(SynthguardError):
    """The policy file is malformed, has an unknown key, a wrong type or a bad value."""


class DataError(SynthguardError):
    """The input data cannot be used as the policy says (unreadable, empty, missing column)."""


class OutputError(SynthguardError):
    """The release folder cannot be written where asked."""
