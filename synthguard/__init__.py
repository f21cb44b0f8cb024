"""synthguard: policy-driven synthetic data with a validation gate."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("synthguard")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+local"

from synthguard.errors import DataError, OutputError, PolicyError, SynthguardError  # noqa: E402
from synthguard.pipeline import synthesize  # noqa: E402
from synthguard.policy import Policy, load_policy  # noqa: E402
from synthguard.release import Release  # noqa: E402
from synthguard.report import Report  # noqa: E402

__all__ = [
    "DataError", "OutputError", "Policy", "PolicyError", "Release", "Report", "SynthguardError",
    "__version__", "load_policy", "synthesize",
]
