"""Shared fixtures: the 4-city scenario of :mod:`helpers`, written to a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ScenarioMaker, write_scenario


@pytest.fixture
def make_scenario(tmp_path: Path) -> ScenarioMaker:
    """Write the 4-city scenario, with any file replaced (text, or bytes for encodings)."""

    def make(files: dict[str, str | bytes | None] | None = None) -> Path:
        return write_scenario(tmp_path / "scenario", files)

    return make


@pytest.fixture
def four(make_scenario: ScenarioMaker) -> Path:
    """The 4-city scenario as given."""
    return make_scenario()
