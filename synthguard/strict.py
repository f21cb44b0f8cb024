"""The base of every policy section."""

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Rejects unknown keys, so a typo in a policy never silently disables a check; an assignment
    (``policy.generate.table.seed = -1`` from the CLI or an ETL job) is checked like a loaded value."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_assignment=True)
