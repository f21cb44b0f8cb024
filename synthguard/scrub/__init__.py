"""Finding and replacing PII/PHI: Presidio set-up, identifier columns, Faker surrogates."""
