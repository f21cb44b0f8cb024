"""Ray plumbing below every layer that scales out: starting or joining a cluster, actor pools, and a table held
as partitions (sample, map, gather, write). Imported only when a policy or ``--engine`` asks for ``ray``."""
