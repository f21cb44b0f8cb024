"""The validation report: a JSON model and its HTML rendering."""

from synthguard.report.model import SCHEMA_VERSION, Report

__all__ = ["SCHEMA_VERSION", "Report"]
