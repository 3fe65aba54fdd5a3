"""Progress bars: named per step on a terminal, none with --quiet or when stderr is not a terminal."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from helpers import run
from test_run import prd_scenario

from hourcircle import progress
from hourcircle.progress import Bars, named, stage, step


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_a_bar_names_its_step_and_counts_units_on_a_terminal() -> None:
    screen = Terminal()
    assert list(step(Bars(file=screen), [[1, 2], [3, 4, 5]], "sweep 3 of 5: road segments", unit="removal",
                      size=len)) == [[1, 2], [3, 4, 5]]
    shown = screen.getvalue()
    assert "sweep 3 of 5: road segments" in shown
    assert "0/5" in shown and "removal" in shown


def test_a_stage_shows_its_name_while_it_runs() -> None:
    screen = Terminal()
    with stage(Bars(file=screen), "map"):
        assert "map" in screen.getvalue()  # shown before the work ends


def test_no_bar_off_a_terminal_or_when_quiet() -> None:
    log = io.StringIO()  # a file or a pipe: not a terminal
    assert list(step(Bars(file=log), [1, 2], "coverage")) == [1, 2]
    screen = Terminal()
    assert list(step(Bars(enabled=False, file=screen), [1, 2], "coverage")) == [1, 2]
    with stage(Bars(enabled=False, file=screen), "map"):
        pass
    assert log.getvalue() == screen.getvalue() == ""


def test_a_plain_callable_gets_the_items_alone() -> None:
    seen: list[list[int]] = []

    def watch(items: list[int]) -> list[int]:
        seen.append(list(items))
        return items

    wrapped = named(watch, "sweep")
    assert wrapped is not None and list(wrapped([1, 2])) == [1, 2]
    assert seen == [[1, 2]] and named(None, "sweep") is None


def test_run_shows_each_step_on_a_terminal_and_nothing_with_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = prd_scenario(tmp_path / "prd")
    status, _, err = run(["run", str(scenario), "--out", str(tmp_path / "plain")], capsys)
    assert status == 0 and err == ""  # stderr is not a terminal here: no bar
    monkeypatch.setattr(progress, "_terminal", lambda stream: True)
    status, out, err = run(["run", str(scenario), "--out", str(tmp_path / "bars")], capsys)
    assert status == 0, err
    for name in ("coverage", "siting", "sweep 1 of ", "places", "map", "report and tables"):
        assert name in err, name
    assert "coverage" not in out  # bars never go to stdout
    status, _, err = run(["run", str(scenario), "--out", str(tmp_path / "quiet"), "--quiet"], capsys)
    assert status == 0 and err == ""
    status, _, err = run(["disrupt", "--sweep", "--scenario", str(scenario), "-q"], capsys)
    assert status == 0 and err == ""
    status, _, err = run(["disrupt", "--sweep", "--scenario", str(scenario)], capsys)
    assert status == 0 and "sweep 1 of " in err
    assert (tmp_path / "plain" / "critical.csv").read_bytes() == (tmp_path / "bars" / "critical.csv").read_bytes()
