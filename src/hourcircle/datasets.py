"""Find the datasets that ship with hourcircle.

They live in the package (``hourcircle/data``) once installed; in a source checkout they are
read from the repository's ``data/`` folder.

Examples
--------
>>> (bundled() / "scenario.toml").is_file()
True
>>> sorted(p.name for p in available())[:1]
['yrd_nev']
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEFAULT = "yrd_nev"


def data_root() -> Path:
    """The folder holding the bundled data."""
    installed = Path(str(resources.files("hourcircle"))) / "data"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / "data"


def bundled(name: str = DEFAULT) -> Path:
    """The folder of a bundled scenario, e.g. ``bundled("yrd_nev")``."""
    return data_root() / name


def available() -> list[Path]:
    """Every bundled scenario folder (those holding a ``scenario.toml``)."""
    return sorted(p.parent for p in data_root().glob("*/scenario.toml"))


def china_prefectures() -> Path:
    """CSV of all 338 prefecture-level units of mainland China (for national-scale work)."""
    return data_root() / "china_prefectures.csv"
