"""A plugin for synthguard that lives outside it: nothing in synthguard names these classes."""
