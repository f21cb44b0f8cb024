"""The base of every policy section."""

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Rejects unknown keys, so a typo in a policy never silently disables a check. Frozen: a loaded policy is
    read, never edited, by everything below the boundary; a change makes a new, checked policy
    (``Policy.updated``, ``Policy.overridden``)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)
