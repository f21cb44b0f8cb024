"""Execution engines beyond one process. ``local`` needs nothing here; ``ray`` lives in
``ray_engine`` and is imported only when a policy or ``--engine`` asks for it."""
