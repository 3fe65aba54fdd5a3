"""Rebuild data/china_nev/places.csv: every prefecture-level unit of mainland China.

Seats, Chinese and English names come from data/china_prefectures.csv (the 2018 division: it
still lists 莱芜 Laiwu, merged into Jinan in 2019, and 那曲 Nagqu under its old code); the
population is the 2020 (7th) census figure from data/sources/cn_prefecture_population_2020.csv.
Laiwu has no 2020 figure of its own (it is counted in Jinan's), so its population is left empty.
GeoNames has no English name for 33 autonomous prefectures and leagues: they are named here in
their usual romanisation. Ids are the English name in lower case; a name two units share gets
its province's abbreviation (suzhou_js 苏州 / suzhou_ah 宿州), as in data/yrd_nev/.

The delta's places (data/yrd_nev/places.csv) get the same census figures.

Run: .venv/bin/python scripts/make_china_places.py
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROVINCES = {  # Chinese name: (English name, id suffix for names shared across provinces)
    "北京市": ("Beijing", "bj"), "天津市": ("Tianjin", "tj"), "河北省": ("Hebei", "he"), "山西省": ("Shanxi", "sx"),
    "内蒙古自治区": ("Inner Mongolia", "nm"), "辽宁省": ("Liaoning", "ln"), "吉林省": ("Jilin", "jl"),
    "黑龙江省": ("Heilongjiang", "hl"), "上海市": ("Shanghai", "sh"), "江苏省": ("Jiangsu", "js"),
    "浙江省": ("Zhejiang", "zj"), "安徽省": ("Anhui", "ah"), "福建省": ("Fujian", "fj"), "江西省": ("Jiangxi", "jx"),
    "山东省": ("Shandong", "sd"), "河南省": ("Henan", "ha"), "湖北省": ("Hubei", "hb"), "湖南省": ("Hunan", "hn"),
    "广东省": ("Guangdong", "gd"), "广西壮族自治区": ("Guangxi", "gx"), "海南省": ("Hainan", "hi"),
    "重庆市": ("Chongqing", "cq"), "四川省": ("Sichuan", "sc"), "贵州省": ("Guizhou", "gz"), "云南省": ("Yunnan", "yn"),
    "西藏自治区": ("Tibet", "xz"), "陕西省": ("Shaanxi", "sn"), "甘肃省": ("Gansu", "gs"), "青海省": ("Qinghai", "qh"),
    "宁夏回族自治区": ("Ningxia", "nx"), "新疆维吾尔自治区": ("Xinjiang", "xj"),
}
ENGLISH = {  # the units GeoNames gives no English name
    "兴安盟": "Hinggan",
    "锡林郭勒盟": "Xilingol",
    "阿拉善盟": "Alxa",
    "延边朝鲜族自治州": "Yanbian",
    "恩施土家族苗族自治州": "Enshi",
    "湘西土家族苗族自治州": "Xiangxi",
    "三沙市": "Sansha",
    "阿坝藏族羌族自治州": "Ngawa",
    "甘孜藏族自治州": "Garze",
    "凉山彝族自治州": "Liangshan",
    "黔西南布依族苗族自治州": "Qianxinan",
    "黔东南苗族侗族自治州": "Qiandongnan",
    "黔南布依族苗族自治州": "Qiannan",
    "楚雄彝族自治州": "Chuxiong",
    "红河哈尼族彝族自治州": "Honghe",
    "文山壮族苗族自治州": "Wenshan",
    "西双版纳傣族自治州": "Xishuangbanna",
    "大理白族自治州": "Dali",
    "德宏傣族景颇族自治州": "Dehong",
    "怒江傈僳族自治州": "Nujiang",
    "迪庆藏族自治州": "Diqing",
    "临夏回族自治州": "Linxia",
    "甘南藏族自治州": "Gannan",
    "海北藏族自治州": "Haibei",
    "黄南藏族自治州": "Huangnan",
    "海南藏族自治州": "Hainan Tibetan",
    "果洛藏族自治州": "Golog",
    "玉树藏族自治州": "Yushu",
    "海西蒙古族藏族自治州": "Haixi",
    "昌吉回族自治州": "Changji",
    "博尔塔拉蒙古自治州": "Bortala",
    "巴音郭楞蒙古自治州": "Bayingolin",
    "克孜勒苏柯尔克孜自治州": "Kizilsu",
}
RENAMED = {"榆林市": "Yulin"}  # GeoNames writes "Yulinshi" to tell it from 玉林 Yulin (Guangxi): the ids do that here
CENSUS_CODE = {"110000": "110100", "120000": "120100", "310000": "310100", "500000": "500100", "542400": "540600"}


def identifier(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")  # Ürümqi: urumqi
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.casefold().replace("'", "")).strip("_")


def main() -> None:
    with (ROOT / "data" / "china_prefectures.csv").open(encoding="utf-8") as handle:
        units = list(csv.DictReader(handle))
    with (ROOT / "data" / "sources" / "cn_prefecture_population_2020.csv").open(encoding="utf-8") as handle:
        census = {row["city_code"]: row["popu_2020"] for row in csv.DictReader(handle)}
    for unit in units:
        unit["name"] = RENAMED.get(unit["name_zh"]) or unit["name_en"].replace("’", "'") or ENGLISH[unit["name_zh"]]
    shared = Counter(identifier(u["name"]) for u in units)
    rows = []
    for unit in units:
        province, suffix = PROVINCES[unit["province_zh"]]
        ident = identifier(unit["name"])
        if shared[ident] > 1:
            ident = f"{ident}_{suffix}"
        code = CENSUS_CODE.get(unit["adcode"], unit["adcode"])
        rows.append({"place_id": ident, "name": unit["name"], "name_zh": unit["name_zh"], "province": province,
                     "lat": unit["lat"], "lon": unit["lon"], "population": census.get(code, "")})
    assert len({r["place_id"] for r in rows}) == len(rows)
    with (ROOT / "data" / "china_nev" / "places.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} places, {sum(1 for r in rows if not r['population'])} without a 2020 population")
    census_of = {row["place_id"]: row["population"] for row in rows}
    delta = ROOT / "data" / "yrd_nev" / "places.csv"
    with delta.open(encoding="utf-8") as handle:
        places = list(csv.DictReader(handle))
    for place in places:
        place["population"] = census_of[place["place_id"]]
    with delta.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, list(places[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(places)
    print(f"set the 2020 census population of the {len(places)} places of {delta.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
