"""The installed version, in a leaf module: the report stamps it and the CLI prints it without importing the
rest of the package."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("synthguard")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+local"
