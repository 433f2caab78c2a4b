"""``offshore app``: time from a control change to updated figures (target: <= 1 s on 2 cores).

Two measurements at the app's default sample size (adaptive, starting at 131,072 worlds):

* in process - each step of an update on its own: validating the edited config, the
  simulation (the run's engine path), the headline cards, and the report charts of the
  Briefing tab (the 2x2 table and the equilibrium sets) and of the Japan's-burden tab;
* in the browser - the app started as ``offshore app`` and driven in headless Chromium
  (tests/browser.py): the wall time from dispatching a control's ``change`` event to the
  moment the headline and both Briefing charts have been replaced on the page.

Run on demand:  python benchmarks/bench_app.py [--repeat 3] [--no-browser]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from machine import cpu_model  # benchmarks/machine.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parents[1]
CHANGES = (
    ("us_regime", "integrated_deterrence"),
    ("financing", "ptrl_japan"),
    ("ptrl_share", "0.5"),
    ("selection", "payoff_dominance"),
    ("information", "complete"),
    ("us_regime", "offshore_balancing"),
    ("ptrl_share", "0.25"),
    ("information", "perception_gap"),
)


def _policy_key(control: str) -> str:
    return {
        "us_regime": "policy.us_regime",
        "financing": "policy.financing",
        "ptrl_share": "policy.ptrl_share_japan",
        "selection": "game.selection",
    }[control]


def in_process(repeat: int, jobs: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from dataclasses import replace

    from model.app import compute, figures, views
    from model.app.state import Scenario

    scenario = Scenario(samples=compute.DEFAULT_SAMPLES)
    compute.compute(scenario.load(), jobs)  # warm-up: imports, fonts
    steps: dict[str, list[float]] = {k: [] for k in ("validate", "simulate", "headline", "briefing charts", "burden")}
    for _ in range(repeat):
        for control, value in CHANGES:
            if control == "information":
                scenario = replace(scenario, information=value)
            else:
                scenario = scenario.with_policy(
                    _policy_key(control), float(value) if control == "ptrl_share" else value
                )
            t0 = time.perf_counter()
            loaded = scenario.load()
            t1 = time.perf_counter()
            live = compute.compute(loaded, jobs)
            t2 = time.perf_counter()
            str(views.headline_cards(live))
            run = figures.run_data(live.ds, loaded.resolved_dict())
            t3 = time.perf_counter()
            figures.chart("game_table", run)
            figures.chart("eq_sets", run)
            t4 = time.perf_counter()
            figures.chart("burden_distribution", run)
            figures.chart("burden_components", run)
            t5 = time.perf_counter()
            for key, seconds in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
                steps[key].append(seconds)
    n = compute.DEFAULT_SAMPLES
    print(f"in process, {n:,} worlds, {jobs} thread(s), median of {len(steps['simulate'])} changes (s):")
    for key, values in steps.items():
        print(f"  {key:<16} {statistics.median(values):7.3f}   (max {max(values):.3f})")
    parts = [steps[k] for k in ("validate", "simulate", "headline", "briefing charts")]
    briefing = [sum(v) for v in zip(*parts, strict=True)]
    print(f"  {'Briefing tab':<16} {statistics.median(briefing):7.3f}   (validate + simulate + headline + 2 charts)")


def in_browser(repeat: int, jobs: int) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import DevTools, chromium_path, serving_app

    try:
        executable = chromium_path()
    except BaseException:  # noqa: BLE001 - pytest.skip outside pytest
        print("in the browser: skipped (Chromium not found)")
        return
    browser = None
    with serving_app("--jobs", str(jobs), cwd=ROOT) as url:
        try:
            browser = DevTools(executable, timeout=60)
            target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            browser.call("Page.enable", session=session)
            browser.call("Page.navigate", {"url": url}, session=session)

            def js(expression: str):
                reply = browser.call(
                    "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session
                )
                return reply["result"].get("value")

            ready = "['#headline-p_collapse', '#chart-game_table img', '#chart-eq_sets img']"
            fresh = f"{ready}.every(s => {{ const e = document.querySelector(s); return e && !e.dataset.old; }})"
            mark = f"{ready}.forEach(s => document.querySelector(s).dataset.old = '1')"

            def wait(expression: str, seconds: float) -> None:
                end = time.monotonic() + seconds
                while not js(expression):
                    if time.monotonic() > end:
                        raise RuntimeError(f"timed out waiting for {expression}")
                    time.sleep(0.01)

            wait(fresh, 120)
            time.sleep(1.0)
            times, worlds = [], []
            for _ in range(repeat):
                for control, value in CHANGES:
                    if js(f"document.getElementById('{control}').value") == value:
                        continue  # already set (a later pass): no change, so nothing to time
                    js(mark)
                    start = time.perf_counter()
                    js(
                        f"(() => {{ const el = document.getElementById('{control}'); el.value = '{value}';"
                        " el.dispatchEvent(new Event('change', {bubbles: true})); })()"
                    )
                    try:
                        wait(fresh, 60)
                    except RuntimeError:
                        status = js("document.getElementById('status').textContent")
                        raise RuntimeError(f"{control}={value}: no update within 60 s (status: {status})") from None
                    times.append(time.perf_counter() - start)
                    worlds.append(js("document.getElementById('status').textContent.split(' worlds')[0]"))
                    time.sleep(0.3)
            print(
                f"in the browser, adaptive sample size ({', '.join(dict.fromkeys(worlds))} worlds), {jobs} thread(s):"
            )
            print(
                f"  control change -> headline and Briefing charts updated: median {statistics.median(times):.3f} s, "
                f"max {max(times):.3f} s over {len(times)} changes"
            )
        finally:
            if browser is not None:
                browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=2, help="Passes over the list of control changes.")
    parser.add_argument("--jobs", type=int, default=None, help="Threads per view (default: all cores).")
    parser.add_argument("--no-browser", action="store_true", help="Only the in-process timings.")
    args = parser.parse_args()
    from model.execution import default_jobs

    jobs = args.jobs or default_jobs()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"CPU: {cpu_model()}, {os.cpu_count()} logical cores; load average {load:.2f} at start")
    if not args.no_browser:
        in_browser(args.repeat, jobs)  # first: Chromium is started before this process has worker threads
    in_process(args.repeat, jobs)


if __name__ == "__main__":
    main()
