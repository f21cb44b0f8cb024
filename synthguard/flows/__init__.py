"""The flows below ``pipeline.synthesize``, one per kind of input, each returning a ``release.Outcome``:
``table`` (one table), ``relational`` (linked tables), ``instructions`` (an instruction dataset)."""
