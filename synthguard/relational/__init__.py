"""Linked tables (patients → admissions → ICU stays, diagnoses, ...) synthesized and released together."""
