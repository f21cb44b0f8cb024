"""The base of every policy section."""

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Rejects unknown keys, so a typo in a policy never silently disables a check."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
