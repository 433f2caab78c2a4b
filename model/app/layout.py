"""The page: controls in a sidebar, the live view in tabs (English only).

Shiny serves its JavaScript and CSS from the installed package, charts are PNG
``data:`` URIs, and no font or script is linked from elsewhere, so the page works
offline. Outputs on a hidden tab are not computed (Shiny suspends them), so a change
redraws only what is on screen.
"""

from __future__ import annotations

from shiny import ui

from model.app.state import INFORMATION_LABELS
from model.config import FINANCING_REGIMES, US_REGIMES, LoadedConfig
from model.selection import RULES

SAMPLE_CHOICES = {
    "auto": "auto (adapts to this machine)",
    **{str(n): f"{n:,}" for n in (16_384, 32_768, 65_536, 131_072, 262_144, 524_288, 1_048_576)},
}

CSS = """
.headline { display: flex; flex-wrap: wrap; gap: .6rem; margin: .6rem 0; }
.headline .card-h { border: 1px solid #ddd; border-radius: .4rem; padding: .5rem .8rem; min-width: 12rem; }
.headline .label { font-size: .85rem; color: #555; }
.headline .value { font-size: 1.6rem; font-weight: 600; }
.headline .ci { font-size: .8rem; color: #555; }
.app-error { color: #b00020; font-family: monospace; white-space: pre-wrap; margin: .4rem 0; }
.status { font-size: .85rem; color: #555; }
.chart img { max-width: 100%; height: auto; }
table.live { border-collapse: collapse; font-size: .85rem; margin: .5rem 0; }
table.live th, table.live td { border-bottom: 1px solid #eee; padding: .2rem .5rem; text-align: right; }
table.live th:first-child, table.live td:first-child { text-align: left; }
pre.export { font-size: .75rem; max-height: 28rem; overflow: auto; background: #f7f7f7; padding: .5rem; }
"""


def _choices(values) -> dict[str, str]:
    return {v: v.replace("_", " ") for v in values}


def _sample_choices(chosen: str) -> dict[str, str]:
    choices = dict(SAMPLE_CHOICES)
    if chosen not in choices:
        choices[chosen] = f"{int(chosen):,}"  # a --samples value off the list
    return choices


def page(loaded: LoadedConfig, sample_choice: str = "auto"):
    """The app's page, its controls starting at ``loaded``'s values."""
    cfg = loaded.config
    policy = cfg.policy
    controls = ui.sidebar(
        ui.input_select("us_regime", "US regime", _choices(US_REGIMES), selected=policy.us_regime),
        ui.input_select(
            "financing", "Financing of Taiwan's list", _choices(FINANCING_REGIMES), selected=policy.financing
        ),
        ui.input_numeric(
            "ptrl_share",
            "Japan's PTRL share α (with ptrl japan)",
            policy.ptrl_share_japan,
            min=0,
            max=1,
            step=0.05,
        ),
        ui.input_select("selection", "Equilibrium selection rule", _choices(RULES), selected=cfg.game.selection),
        ui.input_select("information", "Information structure", dict(INFORMATION_LABELS), selected="config"),
        ui.input_select("samples", "Worlds", _sample_choices(sample_choice), selected=sample_choice),
        ui.input_numeric("seed", "Seed", cfg.sampling.seed, min=0, step=1),
        ui.tags.hr(),
        ui.tags.b("Priors"),
        ui.input_select("prior_key", "Parameter", list(loaded.priors())),
        ui.layout_columns(
            ui.input_numeric("shift", "Shift (+)", 0.0, step=1),
            ui.input_numeric("scale", "Scale (×)", 1.0, min=0, step=0.05),
        ),
        ui.input_action_button("apply_shift", "Shift / scale this prior"),
        ui.input_text_area("prior_text", "Or edit its TOML table", rows=4),
        ui.layout_columns(
            ui.input_action_button("apply_prior", "Apply"),
            ui.input_action_button("reset_prior", "Reset"),
        ),
        ui.output_ui("edits"),
        width=360,
        open="always",
    )
    return ui.page_sidebar(
        controls,
        ui.tags.style(CSS),
        ui.output_ui("error"),
        ui.output_ui("status"),
        ui.navset_tab(
            ui.nav_panel(
                "Briefing", ui.output_ui("headline"), ui.output_ui("chart_game_table"), ui.output_ui("chart_eq_sets")
            ),
            ui.nav_panel(
                "Japan's burden", ui.output_ui("chart_burden_distribution"), ui.output_ui("chart_burden_components")
            ),
            ui.nav_panel("The paper's claims", ui.output_ui("claims")),
            ui.nav_panel(
                "Pinned scenarios",
                ui.p("Pin up to four scenarios; each is compared with the first on the same worlds (paired)."),
                ui.input_action_button("pin", "Pin this scenario"),
                ui.input_action_button("clear_pins", "Clear pins"),
                ui.output_ui("pins"),
            ),
            ui.nav_panel(
                "Export",
                ui.p("The current view as a config: offshore run on it reproduces these numbers exactly."),
                ui.download_button("download", "Download config TOML"),
                ui.input_task_button("render_report", "Run it and render the full report"),
                ui.output_ui("report_status"),
                ui.output_ui("export"),
            ),
            id="tabs",
        ),
        title="offshore briefing room",
        window_title="offshore briefing room",
    )


__all__ = ["page"]
