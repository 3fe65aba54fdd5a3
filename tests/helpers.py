"""Shared test helpers: a hand-checkable 4-city scenario and an in-process CLI runner.

The four cities lie on a line; with truck speed 60 km/h (1 km a minute), detour 1 and no
terminal minutes, times equal the km on the links:

    A --100-- B --50-- C --60-- D        and a slow direct A --200-- C
                                          rail: A --45 min-- C

Sites: battery at B, chips at C, software at D; an assembly plant at A.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hourcircle.cli import main
from hourcircle.profiles import ProfileName
from hourcircle.travel.times import TravelTimes

TOML = """\
[scenario]
name = "four cities"
budget_hours = 4.0
places = "places.csv"
sites = "sites.csv"
links = "links.csv"

[product]
name = "test product"
plant_category = "assembly"
categories = ["battery", "chips", "software"]

[travel.truck]
speed_kmh = 60
detour = 1.0
access_speed_kmh = 60
terminal_minutes = 0

[travel.car]
speed_kmh = 120
detour = 1.0
access_speed_kmh = 60
terminal_minutes = 0

[travel.rail]
station_minutes = 0
boarding_minutes = 0
"""

PLACES = """\
place_id,name,name_zh,province,lat,lon,population
a,Alpha,甲市,East,30.0,120.0,1000
b,Beta,乙市,East,30.0,120.4,
c,Gamma,丙市,West,30.0,121.0,2000
d,Delta,丁市,West,30.0,121.5,
"""

SITES = """\
site_id,name,company,category,place_id,lat,lon,precision,source
plant_a,Plant A,Maker,assembly,a,30.0,120.0,city,test
cells_b,Cells B,CellCo,battery,b,30.0,120.4,city,test
fab_c,Fab C,ChipCo,chips,c,30.0,121.0,site,test
code_d,Code D,SoftCo,software,d,30.0,121.5,city,test
"""

LINKS = """\
from_place,to_place,mode,km,minutes,name,source
a,b,road,100,,R1,test
b,c,road,50,,R2,test
a,c,road,200,,R3 slow,test
c,d,road,60,,R4,test
a,c,rail,,45,T1,test
"""

ScenarioMaker = Callable[..., Path]
FILES = {"scenario.toml": TOML, "places.csv": PLACES, "sites.csv": SITES, "links.csv": LINKS}


def write_scenario(folder: Path, files: dict[str, str | bytes | None] | None = None) -> Path:
    """Write the 4-city scenario into ``folder``, with any file replaced (text, or bytes for
    encodings) or removed (``None``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in (FILES | (files or {})).items():
        path = folder / name
        if content is None:
            path.unlink(missing_ok=True)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit status, stdout, stderr)."""
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


REGION = ["shanghai", "suzhou_js", "wuxi", "changzhou", "jiaxing", "huzhou", "nantong"]  # on OpenStreetMap roads


def region_places(ids: list[str] = REGION) -> str:
    """places.csv of some of the delta's cities (their real seats)."""
    import pandas as pd

    from hourcircle import datasets

    places = pd.read_csv(datasets.bundled() / "places.csv", dtype=str).set_index("place_id").loc[ids]
    return places.reset_index().to_csv(index=False, lineterminator="\n")


REGION_TOML = """\
[scenario]
name = "small region on OpenStreetMap roads"
budget_hours = {hours}
places = "places.csv"
sites = "sites.csv"
{extra}
[product]
name = "test product"
plant_category = "assembly"
categories = ["battery", "chips"]

[roads]
source = "osm"
margin_km = 20
"""


def write_region(folder: Path, sites: str, hours: float = 1.5, extra: str = "",
                 files: dict[str, str | bytes | None] | None = None) -> Path:
    """A scenario of :data:`REGION` on OpenStreetMap roads, with the given sites."""
    contents: dict[str, str | bytes | None] = {"scenario.toml": REGION_TOML.format(hours=hours, extra=extra),
                                               "places.csv": region_places(), "sites.csv": sites,
                                               "links.csv": None}
    return write_scenario(folder, contents | (files or {}))


def place_matrix(times: TravelTimes, mode: ProfileName = "truck") -> pd.DataFrame:
    """Trip minutes between every pair of places, unrounded: zero on the diagonal, NaN where no route."""
    ids = list(times.scenario.places.index)
    minutes = times.trip_minutes(ids, ids, mode)
    np.fill_diagonal(minutes, 0.0)
    minutes[~np.isfinite(minutes)] = np.nan
    return pd.DataFrame(minutes, index=pd.Index(ids, name="from"), columns=pd.Index(ids, name="to"))
