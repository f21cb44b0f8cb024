"""synthguard: policy-driven synthetic data with a validation gate."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("synthguard")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+local"

from synthguard.errors import (  # noqa: E402
    DataError,
    GenerationError,
    ModelError,
    OutputError,
    PolicyError,
    ScrubSetupError,
    SynthguardError,
)
from synthguard.pipeline import synthesize  # noqa: E402
from synthguard.policy import Policy, load_policy  # noqa: E402
from synthguard.release import Release  # noqa: E402
from synthguard.report import Report  # noqa: E402

# Binds the name ``scrub`` to the function, over the subpackage of the same name (DESIGN.md's
# contract is ``synthguard.scrub(data, policy)``); submodules stay importable by path.
from synthguard.scrub.table import Scrubbed, scrub  # noqa: E402

__all__ = [
    "DataError", "GenerationError", "ModelError", "OutputError", "Policy", "PolicyError", "Release", "Report",
    "ScrubSetupError", "Scrubbed", "SynthguardError",
    "__version__", "load_policy", "scrub", "synthesize",
]
