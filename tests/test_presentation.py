"""The shared presentation layer: fixed colours, the chart writer, the atomic directory writer, the HTML base."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.colors import to_hex

from model.atomic import atomic_directory
from model.config.schema import US_REGIMES
from model.constants import LEDGER, PROFILES
from model.report import theme
from model.report.chartfiles import render_chart, write_chart
from model.report.htmlpage import render_page

REGIME = theme.REGIME_KEY


def _hex(colours) -> list[str]:
    return [to_hex(c) for c in colours]


def test_every_regime_country_and_profile_has_its_own_fixed_colour() -> None:
    for table, names in (
        (theme.REGIME_COLOURS, US_REGIMES),
        (theme.COUNTRY_COLOURS, LEDGER),
        (theme.PROFILE_COLOURS, PROFILES),
    ):
        assert set(table) == set(names)
        assert len(set(_hex(table.values()))) == len(names)  # distinct within each kind


def test_a_regimes_colour_does_not_depend_on_the_page() -> None:
    """The same regime takes the same colour whichever regimes a sweep shows, in whatever order."""
    pages = [
        ["offshore_balancing", "grand_bargain"],
        ["grand_bargain", "integrated_deterrence", "offshore_balancing"],
        ["offshore_balancing"],
        ["integrated_deterrence", "offshore_balancing"],
    ]
    seen: dict[str, set[str]] = {}
    for regimes in pages:
        colours = theme.series_colours([{REGIME: r} for r in regimes])
        for regime, colour in zip(regimes, _hex(colours), strict=True):
            seen.setdefault(regime, set()).add(colour)
    assert all(len(colours) == 1 for colours in seen.values()), seen
    assert {r: c.pop() for r, c in seen.items()} == {r: to_hex(c) for r, c in theme.REGIME_COLOURS.items()}


def test_a_regime_keeps_its_hue_when_other_keys_vary_too() -> None:
    combos = [{REGIME: r, "policy.ptrl_share_japan": a} for r in US_REGIMES for a in (0.0, 0.5, 1.0)]
    colours = _hex(theme.series_colours(combos))
    assert len(set(colours)) == len(combos)
    for i, regime in enumerate(US_REGIMES):
        assert colours[3 * i] == to_hex(theme.REGIME_COLOURS[regime])  # the first line of each regime: its colour


def test_other_lines_take_the_palette_in_order() -> None:
    combos = [{"policy.ptrl_share_japan": a} for a in (0.0, 0.5)]
    assert _hex(theme.series_colours(combos)) == _hex(theme.PALETTE[:2])
    assert len(theme.series_colours([{"x": i} for i in range(14)])) == 14


def test_the_chart_writer_saves_png_svg_and_csv_together(tmp_path: Path) -> None:
    with theme.theme("en"):
        fig, ax = theme.new_figure("A title", "A subtitle")
        ax.plot([0, 1], [1, 0])
        first = render_chart(fig, "01-line", "x,y\n0,1\n")
        again = render_chart(fig, "01-line", "x,y\n0,1\n")
    assert first == again  # deterministic bytes
    assert first.png.startswith(b"\x89PNG") and b"<svg" in first.svg
    write_chart(first, tmp_path / "figures", tmp_path / "tables")
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == ["01-line.png", "01-line.svg"]
    assert (tmp_path / "tables" / "01-line.csv").read_text() == "x,y\n0,1\n"
    with pytest.raises(ValueError, match="tables directory"):
        write_chart(first, tmp_path / "other")


def test_atomic_directory_replaces_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out"
    with atomic_directory(target) as tmp:
        (tmp / "a.txt").write_text("first")
    assert (target / "a.txt").read_text() == "first"
    with pytest.raises(RuntimeError), atomic_directory(target) as tmp:
        (tmp / "a.txt").write_text("second")
        raise RuntimeError("interrupted")
    assert (target / "a.txt").read_text() == "first"
    with atomic_directory(target) as tmp:
        (tmp / "b.txt").write_text("third")
    assert sorted(p.name for p in target.iterdir()) == ["b.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing left beside it


def test_study_and_report_pages_share_the_base() -> None:
    page = render_page("study.html", lang="en", html_lang="en", title="T <&>", meta=["m"], sections=[])
    assert page.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "<title>T &lt;&amp;&gt;</title>" in page  # escaped


@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_atomic_outputs_follow_the_umask(tmp_path: Path, mask: int) -> None:
    """Outputs are readable by the group and others exactly as the umask allows
    (temporary files start at 0600)."""
    import os
    import stat

    from model.atomic import atomic_directory, atomic_write_bytes

    old = os.umask(mask)
    try:
        atomic_write_bytes(tmp_path / "f.txt", b"x")
        with atomic_directory(tmp_path / "d") as d:
            (d / "g.txt").write_text("y")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "f.txt").stat().st_mode) == 0o666 & ~mask
    assert stat.S_IMODE((tmp_path / "d").stat().st_mode) == 0o777 & ~mask
