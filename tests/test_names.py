"""Name resolution on the bundled dataset."""

from __future__ import annotations

import pytest

from hourcircle import TravelTimes, datasets
from hourcircle.errors import NameLookupError


@pytest.fixture(scope="module")
def times() -> TravelTimes:
    return TravelTimes.for_scenario(datasets.bundled())


@pytest.mark.parametrize("text", ["hefei", "Hefei", "HEFEI", " hefei ", "合肥", "合肥市"])
def test_a_place_by_any_of_its_names(times: TravelTimes, text: str) -> None:
    assert times.resolve(text) == "hefei"


@pytest.mark.parametrize(("text", "expected"), [
    ("huaian", "huaian"), ("Huai'an", "huaian"), ("淮安", "huaian"), ("Ma'anshan", "maanshan"),
    ("苏州", "suzhou_js"), ("宿州市", "suzhou_ah"), ("泰州", "taizhou_js"), ("台州", "taizhou_zj"),
    ("SUZHOU_AH", "suzhou_ah"), ("catl_liyang", "catl_liyang"),
])
def test_ids_punctuation_and_chinese_names(times: TravelTimes, text: str, expected: str) -> None:
    assert times.resolve(text) == expected


@pytest.mark.parametrize(("text", "ids"), [
    ("Suzhou", ("suzhou_js", "suzhou_ah")),
    ("taizhou", ("taizhou_js", "taizhou_zj")),
])
def test_ambiguous_names_list_candidates_with_province(times: TravelTimes, text: str,
                                                       ids: tuple[str, str]) -> None:
    with pytest.raises(NameLookupError) as caught:
        times.resolve(text)
    message = str(caught.value)
    assert "ambiguous" in message and all(i in message for i in ids)
    assert "Jiangsu" in message and ("Anhui" in message or "Zhejiang" in message)


def test_unknown_name_suggests(times: TravelTimes) -> None:
    with pytest.raises(NameLookupError, match=r"no place or site is called 'Hefie' \(did you mean hefei"):
        times.resolve("Hefie")
