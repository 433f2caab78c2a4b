"""The app's reactive wiring: controls -> scenario -> validated config -> live view -> outputs.

A change first validates the scenario (:meth:`model.app.state.Scenario.load`); a bad
value shows its one-line config error above the view, which keeps the last valid
numbers. A valid config different from the one on screen is simulated on the run's
engine path (:func:`model.app.compute.compute`) and every visible output redraws.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from shiny import App, reactive, render, req, ui

from model.app import compute, figures, views
from model.app.layout import SAMPLE_CHOICES, page
from model.app.state import INFORMATION_LABELS, Scenario, export_toml, prior_table, shifted, toml_literal
from model.config import ConfigError, LoadedConfig, load_config
from model.config.loader import parse_override

PRIOR_META = ("unit", "source", "description")


def _editable(loaded: LoadedConfig, key: str) -> str:
    """The prior at ``key`` as the TOML inline table the user edits (no unit or source)."""
    table = prior_table(loaded, key)
    return toml_literal({k: v for k, v in table.items() if k not in PRIOR_META})


def _brief(literal: str) -> str:
    """An edited prior's TOML without its unit and source, for the list of edits."""
    try:
        _, value = parse_override(f"x={literal}")
    except ConfigError:
        return literal
    if isinstance(value, dict):
        return toml_literal({k: v for k, v in value.items() if k not in PRIOR_META})
    return literal


def _whole(value):
    """A numeric input's value as an int when it is whole (seeds), else as typed."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def run_and_report(loaded: LoadedConfig, runs_dir: Path, reports_dir: Path, jobs: int | None) -> tuple[Path, Path]:
    """``offshore run`` on the view's config, then its full report and briefing deck:
    (run dir, report dir).

    The run directory's ``config.toml`` is the exported TOML (both are the resolved
    config), so the report shows the view's numbers.
    """
    from model.report import render_run_report  # as offshore run renders its report
    from model.runner import start_run

    result = start_run(loaded, compute.execution(jobs), runs_dir)
    return result.path, render_run_report(result.path, reports_dir, pptx=True)


def build_app(
    base: Path | None,
    samples: int | None = None,
    jobs: int | None = None,
    runs_dir: Path = Path("runs"),
    reports_dir: Path = Path("reports"),
) -> App:
    """The Shiny app for config ``base`` (None: the shipped baseline); ``samples`` fixes
    the live sample size (default: adaptive)."""
    start = load_config(base)
    choice = "auto" if samples is None else str(int(samples))
    app_ui = page(start, choice)

    def server(input, output, session) -> None:  # noqa: A002 - Shiny's signature
        sizer = compute.SampleSizer(samples)
        view: reactive.Value[compute.LiveView | None] = reactive.value(None)
        message = reactive.value("")
        priors = reactive.value({})
        pinned_scenarios: reactive.Value[tuple[tuple[str, LoadedConfig], ...]] = reactive.value(())

        @reactive.calc
        def scenario() -> Scenario:
            chosen = input.samples()
            s = Scenario(base=base, information=input.information(), priors=priors())
            s = s.with_policy("policy.us_regime", input.us_regime())
            s = s.with_policy("policy.financing", input.financing())
            share = input.ptrl_share()
            s = s.with_policy("policy.ptrl_share_japan", "" if share is None else share)
            s = s.with_policy("game.selection", input.selection())
            seed = input.seed()
            s = s.with_policy("sampling.seed", "" if seed is None else _whole(seed))
            return replace(s, samples=sizer.samples if chosen == "auto" else int(chosen))

        @reactive.effect
        def _update() -> None:
            s = scenario()
            try:
                loaded = s.load()
            except ConfigError as exc:
                message.set(str(exc))
                return
            message.set("")
            with reactive.isolate():
                shown = view()
            if shown is not None and shown.loaded.hash == loaded.hash:
                return
            try:
                live = compute.compute(loaded, jobs)
            except ValueError as exc:  # statistics overflow: the config's values are too large
                message.set(f"error: {loaded.source}: {exc}")
                return
            sizer.observe(live.worlds, live.seconds)
            view.set(live)

        def current() -> compute.LiveView:
            live = view()
            req(live)
            return live

        @render.ui
        def error():
            text = message()
            return ui.div(text, class_="app-error", id="app-error") if text else None

        @render.ui
        def status():
            live = current()
            return ui.div(
                views.status_line(live, sizer.samples, choice != "auto" or input.samples() != "auto"),
                id="status",
                class_="status",
            )

        @render.ui
        def headline():
            return views.headline_cards(current())

        @reactive.calc
        def run():
            live = current()
            return figures.run_data(live.ds, live.loaded.resolved_dict())

        def chart(name: str):
            uri = figures.chart(name, run())
            return (
                ui.div(ui.img(src=uri, alt=name.replace("_", " ")), class_="chart", id=f"chart-{name}") if uri else None
            )

        @render.ui
        def chart_game_table():
            return chart("game_table")

        @render.ui
        def chart_eq_sets():
            return chart("eq_sets")

        @render.ui
        def chart_burden_distribution():
            return chart("burden_distribution")

        @render.ui
        def chart_burden_components():
            return chart("burden_components")

        @reactive.calc
        def claims_data():
            return compute.claims_frame(current().loaded, jobs)

        @render.ui
        def claims():
            frame = claims_data()
            if frame is None:
                return ui.p("The paper's claims need a structural config.")
            worlds = int(frame["worlds"].iloc[0])
            return ui.TagList(
                ui.p(
                    f"Each measure compares two arms built from this view's config on its first {worlds:,} "
                    "worlds (paired), as the run's report does."
                ),
                ui.div(ui.img(src=figures.claims_chart(frame), alt="the paper's claims"), class_="chart"),
                views.claims_table(figures.claims_rows(frame)),
            )

        # -- priors ------------------------------------------------------------------------

        def _loaded_now() -> LoadedConfig:
            with reactive.isolate():
                live = view()
            return live.loaded if live is not None else start

        def _store(key: str, literal: str) -> None:
            with reactive.isolate():
                candidate = replace(scenario(), priors={**priors(), key: literal})
            try:
                loaded = candidate.load()
            except ConfigError as exc:
                message.set(str(exc))
                return
            priors.set({**priors(), key: literal})
            ui.update_text_area("prior_text", value=_editable(loaded, key))

        @reactive.effect
        @reactive.event(input.prior_key)
        def _fill() -> None:
            key = input.prior_key()
            loaded = _loaded_now()
            if key in loaded.priors():
                ui.update_text_area("prior_text", value=_editable(loaded, key))

        @reactive.effect
        @reactive.event(input.apply_shift)
        def _shift() -> None:
            key = input.prior_key()
            shift, scale = input.shift(), input.scale()
            try:
                table = shifted(
                    prior_table(_loaded_now(), key),
                    float("nan") if shift is None else float(shift),
                    float("nan") if scale is None else float(scale),
                )
            except ConfigError as exc:
                message.set(str(exc))
                return
            _store(key, toml_literal(table))
            ui.update_numeric("shift", value=0.0)
            ui.update_numeric("scale", value=1.0)

        @reactive.effect
        @reactive.event(input.apply_prior)
        def _edit() -> None:
            key, text = input.prior_key(), input.prior_text() or ""
            try:
                _, value = parse_override(f"{key}={text}")  # a TOML literal; never evaluated
            except ConfigError as exc:
                message.set(str(exc))
                return
            if isinstance(value, dict):
                old = prior_table(_loaded_now(), key)
                value = {**{k: old[k] for k in PRIOR_META if k in old}, **value}
                _store(key, toml_literal(value))
            else:
                _store(key, " ".join(text.split()))

        @reactive.effect
        @reactive.event(input.reset_prior)
        def _reset() -> None:
            key = input.prior_key()
            priors.set({k: v for k, v in priors().items() if k != key})
            ui.update_text_area("prior_text", value=_editable(start, key) if key in start.priors() else "")

        @render.ui
        def edits():
            edited = priors()
            if not edited:
                return ui.p("No prior edited.", class_="status")
            return ui.tags.ul(
                *(ui.tags.li(ui.tags.code(f"{k} = {_brief(v)}")) for k, v in edited.items()), class_="status"
            )

        # -- pins --------------------------------------------------------------------------

        @reactive.effect
        @reactive.event(input.pin)
        def _pin() -> None:
            live = view()
            if live is None:
                return
            pinned = pinned_scenarios()
            if len(pinned) >= compute.PIN_LIMIT:
                message.set(f"error: pin: at most {compute.PIN_LIMIT} scenarios; clear the pins first")
                return
            policy = live.loaded.config.policy
            label = (
                f"{len(pinned) + 1}. {policy.us_regime.replace('_', ' ')}, {policy.financing.replace('_', ' ')}, "
                f"α {policy.ptrl_share_japan:g}, {live.loaded.config.game.selection.replace('_', ' ')}, "
                f"{INFORMATION_LABELS[input.information()].lower()}"
                + (f", {len(priors())} prior edit(s)" if priors() else "")
            )
            pinned_scenarios.set((*pinned, (label, live.loaded)))

        @reactive.effect
        @reactive.event(input.clear_pins)
        def _clear() -> None:
            pinned_scenarios.set(())

        @render.ui
        def pins():
            frame = compute.paired_table(pinned_scenarios(), compute.PAIRED_SAMPLES, jobs)
            return views.pins_table(frame, compute.PAIRED_SAMPLES)

        # -- export and report ---------------------------------------------------------------

        @render.ui
        def export():
            return ui.tags.pre(export_toml(current().loaded), id="export-toml", class_="export")

        def _filename() -> str:
            loaded = current().loaded
            return f"{loaded.config.meta.name or 'offshore'}-{loaded.hash}.toml"

        @render.download_button(filename=_filename, media_type="application/toml")
        def download():
            yield export_toml(current().loaded)

        @ui.bind_task_button(button_id="render_report")
        @reactive.extended_task
        async def report_task(loaded: LoadedConfig) -> tuple[Path, Path]:
            return await asyncio.to_thread(run_and_report, loaded, runs_dir, reports_dir, jobs)

        @reactive.effect
        @reactive.event(input.render_report)
        def _report() -> None:
            report_task(current().loaded)

        @render.ui
        def report_status():
            state = report_task.status()
            if state == "initial":
                return None
            if state == "running":
                return ui.p("Running and rendering ...", class_="status")
            try:
                run_dir, report_dir = report_task.result()
            except Exception as exc:  # noqa: BLE001 - shown as one line, like the CLI's
                return ui.div(" ".join(str(exc).split()), class_="app-error")
            deck = report_dir / "briefing.pptx"
            extra = f" · deck: {deck}" if deck.is_file() else ""
            return ui.p(
                f"run: {run_dir} · report: {report_dir / 'report.html'}{extra}", id="report-done", class_="status"
            )

    return App(app_ui, server)


__all__ = ["SAMPLE_CHOICES", "build_app", "run_and_report"]
