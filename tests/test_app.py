"""``offshore app``: the config-editing layer, the live computation, and the page in Chromium.

The browser test starts the app in a subprocess on a free localhost port, drives
headless Chromium through the shared DevTools driver (tests/browser.py), changes
controls the way a user does (DOM ``change`` events that Shiny's input bindings
hear), and checks the headline against ``offshore run`` on the same config and seed,
and on the TOML the app exports, bit for bit.
"""

from __future__ import annotations

import importlib.util
import inspect
import json
import math
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest
import xarray as xr

import model
from model.app.state import INFORMATION, Scenario, export_toml, prior_table, shifted, toml_literal
from model.config import ConfigError, load_config

HAS_SHINY = importlib.util.find_spec("shiny") is not None
needs_shiny = pytest.mark.skipif(not HAS_SHINY, reason="shiny is not installed (pip install -e '.[app]')")
SMALL = 16_384


# -- the config-editing layer ---------------------------------------------------------------


def test_controls_become_validated_overrides():
    s = Scenario(samples=SMALL, seed=5).with_policy("policy.us_regime", "integrated_deterrence")
    s = s.with_policy("policy.financing", "ptrl_japan").with_policy("policy.ptrl_share_japan", 0.5)
    loaded = s.load()
    expected = load_config(
        None,
        [
            'policy.us_regime="integrated_deterrence"',
            'policy.financing="ptrl_japan"',
            "policy.ptrl_share_japan=0.5",
            f"sampling.samples={SMALL}",
            "sampling.seed=5",
        ],
    )
    assert loaded.hash == expected.hash
    assert loaded.config.policy.ptrl_share_japan == 0.5
    assert loaded.config.sampling.samples == SMALL


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("policy.ptrl_share_japan", 1.5),
        ("policy.us_regime", "isolationism"),
        ("game.selection", "coin_toss"),
        ("sampling.seed", -1),
        ("policy.ptrl_share_japan", "0.5"),
    ],
)
def test_bad_control_value_is_the_cli_one_line_error(key, value):
    with pytest.raises(ConfigError) as app_error:
        Scenario().with_policy(key, value).load()
    with pytest.raises(ConfigError) as cli_error:
        load_config(None, [f"{key}={toml_literal(value)}"])
    assert str(app_error.value) == str(cli_error.value)
    assert "\n" not in str(app_error.value)
    assert str(app_error.value).startswith(f"error: --set: {key}: ")


@pytest.mark.parametrize(
    "text",
    [
        '{dist = "pert", min = 50, mode = 40, max = 100}',  # mode outside [min, max]
        '__import__("os").system("touch pwned")',  # not TOML: a plain string, never run
        '{dist = "uniform", min = 1, max = 1e300}',  # beyond the limits
        '"0.5"',  # numbers are never read from text
    ],
)
def test_bad_prior_edit_is_one_line_and_nothing_runs(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    key = "game.structural.china_resolve"
    with pytest.raises(ConfigError) as exc:
        Scenario().with_prior(key, text).load()
    message = str(exc.value)
    assert message.startswith(f"error: --set: {key}") and "\n" not in message
    assert not (tmp_path / "pwned").exists()


def test_information_presets_match_the_shipped_scenarios():
    complete = Scenario(information="complete").load()
    shipped = load_config(Path("configs/scenarios/offshore_complete_information.toml"))
    for key in INFORMATION["complete"]:
        dotted = key.split("=")[0]
        mine, theirs = complete.priors()[dotted], shipped.priors()[dotted]
        assert (mine.dist, mine.value) == (theirs.dist, theirs.value) == ("fixed", 0.0)
    gap = Scenario(information="perception_gap").load()
    assert not gap.priors()["game.structural.beliefs.korea.collapse_loss_bias"].is_fixed


def test_information_presets_on_an_ordinal_config_say_why_in_one_line():
    paper = Path("configs/paper_table.toml")
    assert Scenario(base=paper).load().config.game.mode == "ordinal"
    with pytest.raises(ConfigError) as exc:
        Scenario(base=paper, information="complete").load()
    assert (
        str(exc.value) == "error: information: game.mode: the information structure applies to structural configs only"
    )


def test_shift_and_scale_move_the_prior_affinely():
    loaded = load_config(None)
    key = "game.structural.china_resolve"
    table = prior_table(loaded, key)
    moved = shifted(table, shift=-10.0, scale=0.9)
    for name in ("min", "mode", "max"):
        assert moved[name] == pytest.approx(table[name] * 0.9 - 10.0)
    edited = Scenario().with_prior(key, toml_literal(moved)).load()
    old, new = loaded.priors()[key], edited.priors()[key]
    assert new.expected_value() == pytest.approx(old.expected_value() * 0.9 - 10.0)
    assert shifted(table) == table  # the identity map changes nothing, not even the source
    with pytest.raises(ConfigError, match="scale: must be a positive"):
        shifted(table, scale=0.0)
    lognormal = {"dist": "lognormal", "median": 2.0, "sigma": 0.5}
    assert shifted(lognormal, scale=3.0)["median"] == 6.0
    with pytest.raises(ConfigError, match="scaled but not shifted"):
        shifted(lognormal, shift=1.0)


def test_toml_literals_read_back_as_written():
    value = {"dist": "uniform", "min": 0.1, "max": 1e-7 + 3, "unit": 'a "quoted" 億 unit', "flags": [True, 2]}
    assert tomllib.loads(f"v = {toml_literal(value)}")["v"] == value
    with pytest.raises(ValueError):
        toml_literal(float("nan"))


def test_exported_toml_reproduces_the_live_numbers_exactly(tmp_path):
    from model.app.compute import compute

    s = Scenario(samples=SMALL, information="complete").with_policy("policy.financing", "ptrl_japan")
    live = compute(s.with_policy("policy.ptrl_share_japan", 0.25).load(), jobs=2)
    exported = tmp_path / "exported.toml"
    exported.write_text(export_toml(live.loaded))
    ds = model.simulate(exported)
    assert load_config(exported).hash == live.loaded.hash
    for name in ("p_collapse", "played", "burden", "burden_se", "eq_set_freq"):
        np.testing.assert_array_equal(ds[name].values, live.ds[name].values)


@needs_shiny
def test_report_button_runs_the_exported_config(tmp_path):
    from model.app.compute import compute
    from model.app.server import run_and_report
    from model.report.render import render_run_report

    live = compute(Scenario(samples=SMALL).with_policy("game.selection", "payoff_dominance").load(), jobs=1)
    run_dir, report_dir = run_and_report(live.loaded, tmp_path / "runs", tmp_path / "reports", jobs=1)
    assert (run_dir / "config.toml").read_text() == export_toml(live.loaded)
    with xr.open_dataset(run_dir / "results.nc") as ds:
        np.testing.assert_array_equal(ds["played"].values, live.ds["played"].values)
        assert float(ds["p_collapse"]) == float(live.ds["p_collapse"])
    assert (report_dir / "report.html").is_file()
    assert (report_dir / "briefing.pptx").is_file() == ("pptx" in inspect.signature(render_run_report).parameters)


def test_sample_sizer_follows_the_machine_and_a_fixed_size_never_moves():
    from model.app.compute import DEFAULT_SAMPLES, MIN_SAMPLES, SampleSizer

    sizer = SampleSizer()
    assert sizer.samples == DEFAULT_SAMPLES
    assert sizer.observe(DEFAULT_SAMPLES, 5.0) == DEFAULT_SAMPLES // 2
    assert sizer.observe(DEFAULT_SAMPLES, 5.0) == DEFAULT_SAMPLES // 2  # a stale view does not count
    assert sizer.observe(DEFAULT_SAMPLES // 2, 0.01) == DEFAULT_SAMPLES
    for _ in range(20):
        sizer.observe(sizer.samples, 9.0)
    assert sizer.samples == MIN_SAMPLES
    fixed = SampleSizer(1000)
    assert fixed.observe(1000, 100.0) == 1000


def test_pins_are_paired_against_the_first():
    from model.app.compute import paired_table

    base = Scenario(samples=SMALL)
    pins = [
        ("offshore", base.load()),
        ("list", base.with_policy("policy.financing", "ptrl_japan").load()),
    ]
    frame = paired_table(pins, samples=SMALL, jobs=1)
    assert set(frame["pin"]) == {"offshore", "list"}
    burden = frame[frame["output"] == "japan_burden"].set_index("pin")
    assert math.isnan(burden.loc["offshore", "difference"])
    d = burden.loc["list"]
    assert d["difference"] == pytest.approx(d["value"] - burden.loc["offshore", "value"], rel=1e-9)
    assert d["difference_low"] < d["difference"] < d["difference_high"]
    # paired on common random numbers: the difference is far more precise than two independent estimates
    independent = math.hypot(burden.loc["offshore", "se"], d["se"])
    assert d["difference_se"] < independent


def test_core_import_and_help_leave_shiny_out():
    code = (
        "import sys\nfrom click.testing import CliRunner\nimport model.cli\n"
        "r = CliRunner().invoke(model.cli.main, ['--help'])\n"
        "assert r.exit_code == 0 and 'app' in r.output, r.output\n"
        "assert 'shiny' not in sys.modules and 'uvicorn' not in sys.modules\n"
        "import model.app, model.app.state, model.app.compute\n"
        "assert 'shiny' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_app_without_the_extra_is_one_line_exit_2(cli, monkeypatch):
    import model.app
    from model.cli import main

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "shiny" else real(name, *a))
    result = cli.invoke(main, ["app"])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: {model.app.EXTRA_HINT}"


@needs_shiny
@pytest.mark.parametrize("samples", [None, 12_345, 65_536])
def test_app_builds_with_adaptive_or_fixed_sample_size(samples):
    from model.app.layout import page
    from model.app.server import build_app

    build_app(None, samples)
    chosen = "auto" if samples is None else str(samples)
    html = str(page(load_config(None), chosen))
    assert html.count(f'<option value="{chosen}" selected') == 1
    assert html.count("selected") >= 4  # regime, financing, rule, information start at the config's


@needs_shiny
def test_app_bad_config_is_one_line_exit_2(cli, tmp_path):
    from browser import free_port

    from model.cli import main

    bad = tmp_path / "bad.toml"
    bad.write_text('extends = "nowhere.toml"\n')
    result = cli.invoke(main, ["app", str(bad), "--port", str(free_port())])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "extends" in result.output


@needs_shiny
def test_app_on_a_busy_port_is_one_line_exit_1(cli):
    from model.cli import main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = cli.invoke(main, ["app", "--port", str(port)])
    assert result.exit_code == 1
    assert result.output.strip() == f"error: --port: 127.0.0.1:{port} is in use or cannot be bound; choose another port"


# -- the page in headless Chromium ----------------------------------------------------------


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Page:
    """One tab of headless Chromium on the app, read and driven through Runtime.evaluate."""

    def __init__(self, browser, url: str) -> None:
        self.browser = browser
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Network"):
            browser.call(f"{domain}.enable", session=self.session)
        browser.call("Page.navigate", {"url": url}, session=self.session)

    def js(self, expression: str):
        reply = self.browser.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=self.session
        )
        return reply["result"].get("value")

    def headline(self, name: str) -> str | None:
        return self.js(f"(document.getElementById('headline-{name}') || {{dataset: {{}}}}).dataset.value || null")

    def change(self, input_id: str, value) -> None:
        """Set a control the way typing or picking does, then fire the events Shiny listens to."""
        element, text = json.dumps(input_id), json.dumps(str(value))
        self.js(
            f"(() => {{ const el = document.getElementById({element}); el.value = {text};"
            " el.dispatchEvent(new Event('input', {bubbles: true}));"
            " el.dispatchEvent(new Event('change', {bubbles: true})); })()"
        )

    def show_tab(self, label: str) -> None:
        self.js(
            "Array.from(document.querySelectorAll('.nav-link'))"
            f".find(a => a.textContent.trim() === {json.dumps(label)}).click()"
        )

    def requests(self) -> list[str]:
        urls = []
        for event in self.browser.events:
            if event.get("sessionId") != self.session:
                continue
            if event["method"] == "Network.requestWillBeSent":
                urls.append(event["params"]["request"]["url"])
            elif event["method"] == "Network.webSocketCreated":
                urls.append(event["params"]["url"])
        return urls


def _offshore_run(tmp_path: Path, *args: str) -> xr.Dataset:
    """``offshore run ... --no-report --quiet`` through the real command line; its Dataset."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "model.cli",
            "run",
            *args,
            "--no-report",
            "--quiet",
            "--runs-dir",
            str(tmp_path / "runs"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    with xr.open_dataset(Path(done.stdout.strip().splitlines()[-1]) / "results.nc") as handle:
        return handle.load()


@needs_shiny
def test_app_in_chromium_matches_offshore_run_and_its_export(tmp_path):
    from browser import DevTools, chromium_path, serving_app

    executable = chromium_path()
    browser = None
    with serving_app("--samples", str(SMALL), "--jobs", "2", cwd=tmp_path) as url:
        port = urlsplit(url).port
        try:
            browser = DevTools(executable, timeout=60)
            page = Page(browser, url)
            first = _wait(lambda: page.headline("p_collapse"), 90, "the first headline")
            prior = _wait(lambda: page.js("document.getElementById('prior_text').value"), 30, "the prior editor")
            assert (
                tomllib.loads(f"v = {prior}")["v"]["dist"]
                == load_config(None).priors()[page.js("document.getElementById('prior_key').value")].dist
            )

            # 1. a control changes; the headline becomes what offshore run gives for that config and seed
            page.change("us_regime", "integrated_deterrence")
            second = _wait(lambda: (v := page.headline("p_collapse")) != first and v, 90, "the headline to change")
            ds = _offshore_run(tmp_path, "--set", 'policy.us_regime="integrated_deterrence"', "--samples", str(SMALL))
            assert float(second) == float(ds["p_collapse"])  # bit for bit (repr round-trips a float)
            burden = float(ds["burden"].sel(country="japan", component="total"))
            assert float(_wait(lambda: page.headline("japan_burden"), 30, "Japan's burden")) == burden

            # 2. a bad value shows the config error's one line; the view keeps its numbers
            page.change("ptrl_share", "1.5")
            message = _wait(
                lambda: page.js("(document.getElementById('app-error') || {}).textContent"), 60, "the error"
            )
            with pytest.raises(ConfigError) as cli_error:
                load_config(None, ["policy.ptrl_share_japan=1.5"])
            assert message.strip() == str(cli_error.value)
            assert page.headline("p_collapse") == second

            # 3. Japan pays half the list; the exported TOML reproduces the new headline exactly
            page.change("financing", "ptrl_japan")
            page.change("ptrl_share", "0.5")
            third = _wait(lambda: (v := page.headline("japan_burden")) != str(burden) and v, 90, "the PTRL view")
            assert page.js("(document.getElementById('app-error') || {textContent: ''}).textContent").strip() == ""
            page.show_tab("Export")
            text = _wait(
                lambda: page.js("(document.getElementById('export-toml') || {}).textContent"), 60, "the export"
            )
            config = tomllib.loads(text)
            assert config["policy"] == {**config["policy"], "financing": "ptrl_japan", "ptrl_share_japan": 0.5}
            assert config["sampling"]["samples"] == SMALL
            exported = tmp_path / "exported.toml"
            exported.write_text(text)
            ds = _offshore_run(tmp_path, str(exported))
            assert float(third) == float(ds["burden"].sel(country="japan", component="total"))
            assert float(page.headline("p_collapse")) == float(ds["p_collapse"])

            # 4. nothing was fetched from anywhere but the app itself (and data: URIs)
            urls = page.requests()
            assert urls, "no requests recorded"
            outside = [u for u in urls if not u.startswith((url, f"ws://127.0.0.1:{port}/", "data:"))]
            assert not outside, outside
        finally:
            if browser is not None:
                browser.close()
