"""The strict base of every validated record (scenario files, rows, travel profiles).

Examples
--------
>>> class Point(StrictModel):
...     x: float
>>> Point(x=1.0).x
1.0
"""

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """Base of every validated record.

    Unknown keys are errors, values are not coerced, and records cannot change once made. CSV
    rows, whose cells are text, are validated with ``strict=False``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

