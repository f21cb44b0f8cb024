"""The policy's sections as strict models, below every package that reads them.

The scrubber reads ``scrub``, the text generators ``generate.text``, the suites ``validate.suites``; the
policy (synthguard.policy) composes the sections. Names of plugins (synthesizers, suites, text modes, LLM
backends) are checked against the registries (synthguard.registry) when a policy is parsed, so no section
imports a plugin package.
"""
