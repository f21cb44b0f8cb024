"""Measures shared by the suites, the text modes, the engines and the report: record distances and exact-copy
keys, column-pair associations, memorization, entailment (NLI), sentence embeddings, note re-identification
and text metrics. Public and plugin-free: no registry imports this package, so a module here needs no
underscore, and an underscore elsewhere means private to its package.
"""
