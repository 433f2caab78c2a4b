"""The words of a study page in one language (``en`` or ``zh-TW``): labels, values, units, table headers.

Every sentence, title and header of a sweep or sensitivity page comes from the report
locales (``model/report/locales/*.toml``, keys ``study_*``) through
:class:`~model.report.text.Text`; parameter names and units come from
:mod:`model.labels` and output names from :mod:`model.outputs`. Money on study pages is
in USD bn in both languages (十億美元 in Traditional Chinese), as in the study's CSV
tables, so a number on the page is the number in its file.

Tables keep their CSV column names on the English page (they name the files'
columns); the Traditional Chinese page shows translated headers and cells
(:meth:`StudyWords.frame`), the CSV files stay as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from model.equilibria import equilibrium_set_label
from model.labels import LABELS, format_value, key_label, key_symbol, symbol_is_name, unit_label
from model.outputs import MONEY, OUTPUTS, output
from model.report.text import LANGS, Text

PAGE_FILES: dict[str, tuple[str, str, str]] = {
    "en": ("study.html", "summary.md", "charts"),
    "zh-TW": ("study-zh-TW.html", "summary-zh-TW.md", "charts-zh-TW"),
}
"""Per language: the page, its Markdown twin and its chart folder inside the study directory."""
assert set(PAGE_FILES) == set(LANGS)

_LEVEL = re.compile(r"p\d+(?:\.\d+)?")
_CELL_WORDS = ("holds", "US intervenes", "collapse", "threshold", "knee")


class StudyWords:
    """Localised words of one study page."""

    def __init__(self, lang: str = "en") -> None:
        self.tx = Text(lang)
        self.lang = lang
        self.zh = lang == "zh-TW"

    def __call__(self, key: str, **values: object) -> str:
        """The locale string ``study_<key>`` with ``values`` filled in."""
        return self.tx(f"study_{key}", **values)

    # -- units ----------------------------------------------------------------------
    @property
    def usd(self) -> str:
        """The money unit of burdens: USD bn summed over the horizon."""
        return unit_label("USD bn over the horizon", self.lang)

    @property
    def probability(self) -> str:
        return unit_label("probability", self.lang)

    # -- config keys ----------------------------------------------------------------
    def name(self, key: str, priors: Mapping[str, Any] | None = None) -> str:
        return key_label(key, priors, self.lang)[0]

    def unit(self, key: str, priors: Mapping[str, Any] | None = None) -> str:
        return key_label(key, priors, self.lang)[1] or ""

    def axis(self, key: str, priors: Mapping[str, Any] | None, categorical: bool = False, wrap: bool = False) -> str:
        name, unit = key_label(key, priors, self.lang)
        unit = self("unit_category") if categorical else (unit or self("unit_config_value"))
        return f"{name}{chr(10) if wrap else ' '}[{unit}]"

    def value(self, key: str, value: Any) -> str:
        """A config value as a reader sees it: a regime's or rule's name, a number without noise."""
        if isinstance(value, np.generic):
            value = value.item()
        if key == "policy.us_regime":
            return self.tx.regime(str(value))
        if key == "policy.financing":
            return self.tx.get(f"financing_{value}", str(value)).replace("{alpha}", "α").replace(" 的 α", "")
        if key == "game.selection":
            return self.tx.selection(str(value))
        if key == "sampling.sampler":
            return self.tx.sampler(str(value))
        return format_value(value)

    def combo(self, combo: Mapping[str, Any]) -> str:
        """A legend entry for one combination of swept values: ``α = 0.5, Offshore balancing``.

        A key whose legend symbol is a word (US regime, financing) shows its value alone;
        the legend title names it (:meth:`combo_title`).
        """
        parts = [
            self.value(k, v) if symbol_is_name(k) else f"{key_symbol(k, self.lang)} = {self.value(k, v)}"
            for k, v in combo.items()
        ]
        return self("list_sep").join(parts) or self("all_worlds")

    def combo_title(self, combo: Mapping[str, Any], priors: Mapping[str, Any] | None) -> str:
        """The legend title: each key's name, after its symbol when the symbol is mathematical."""
        parts = [
            self.name(k, priors) if symbol_is_name(k) else f"{key_symbol(k, self.lang)}: {self.name(k, priors)}"
            for k in combo
        ]
        return self("list_sep2").join(parts)

    def keys(self, keys, priors: Mapping[str, Any] | None) -> str:
        return self("list_sep").join(self.name(k, priors) for k in keys)

    # -- outputs and equilibria -------------------------------------------------------
    def output(self, name: str) -> str:
        return output(name).short[self.lang]

    def output_label(self, name: str) -> str:
        return output(name).label[self.lang]

    def eq_set(self, label: str) -> str:
        """An equilibrium set's notation, its words (mixed, continuum) translated."""
        if not self.zh:
            return label
        return label.replace("mixed", self.tx("eqset_mixed")).replace("continuum", self.tx("eqset_continuum"))

    def eq_code(self, code: int) -> str:
        return self.eq_set(equilibrium_set_label(int(code)))

    def yes(self, flag: bool) -> str:
        return self("yes") if flag else ""

    # -- tables -------------------------------------------------------------------------
    def header(self, column: str, keys: Mapping[str, Any] | None = None) -> str:
        """A table header: the CSV column name in English, translated in Traditional Chinese."""
        if not self.zh:
            return column
        if keys is not None and column in keys or column in LABELS:
            return self.name(column, keys)
        level = _LEVEL.search(column)
        if level and f"study_col_{column}" not in self.tx.strings:
            pattern = column[: level.start()] + "pN" + column[level.end() :]
            if f"study_col_{pattern}" in self.tx.strings:
                return self(f"col_{pattern}", level=level.group())
        if f"study_col_{column}" in self.tx.strings:
            return self(f"col_{column}")
        se = column.endswith("_se")
        base = column.removesuffix("_se").removesuffix("_usd_bn").removesuffix("_se")
        if base in OUTPUTS:
            name = self.output(base)
            if output(base).unit == MONEY:
                name = f"{name} [{unit_label('USD bn', self.lang)}]"
            return self("col_se", name=name) if se else name
        for prefix in ("played_", "p_played_"):
            if column.startswith(prefix):
                return self("col_played", profile=column.removeprefix(prefix))
        return column

    def cell(self, column: str, value: Any, keys: Mapping[str, Any]) -> Any:
        """A table cell as the Traditional Chinese page shows it (numbers untouched)."""
        if not self.zh or not isinstance(value, str):
            return value
        if column in keys or column in LABELS:
            return self.value(column, value)
        if column == "input":
            return self.name(value, keys)
        if column in ("output", "target") and value in OUTPUTS:
            return self.output(value)
        if "eq_set" in column:
            return self.eq_set(value)
        for word in _CELL_WORDS:
            if word in value:
                value = value.replace(word, self(f"word_{word.replace(' ', '_')}"))
        return value

    def frame(self, frame: pd.DataFrame, priors: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """``frame`` as the page shows it: translated headers and text cells in Traditional Chinese."""
        if not self.zh:
            return frame
        keys = dict(priors or {})
        shown = frame.copy()
        for column in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[column]):
                shown[column] = [self.cell(str(column), v, keys) for v in frame[column]]
        shown.columns = [self.header(str(c), keys) for c in frame.columns]
        return shown
