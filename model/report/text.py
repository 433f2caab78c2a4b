"""Looking up and formatting every user-visible string of a report (en and zh-TW).

The strings live in one data file per language, ``locales/<lang>.toml``, with the same
keys and the same ``{placeholders}`` in each; :class:`Text` looks strings up, fills in
numbers and formats probabilities, money and intervals the way each language writes
them. Nothing else in :mod:`model.report` writes words a reader sees.

Money: English reports use US$ bn; Traditional Chinese reports use 億美元 (US$ 100
million), the unit Taiwanese readers expect, so every zh-TW number of money is ten
times its US$ bn value (:attr:`Text.money_scale`).
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from functools import cache
from importlib.resources import files

from model.constants import Z95

LANGS: tuple[str, ...] = ("en", "zh-TW")


@cache
def catalogue(lang: str) -> dict:
    """The parsed ``locales/<lang>.toml``: flat strings plus the ``units`` table."""
    return tomllib.loads(files("model.report").joinpath("locales", f"{lang}.toml").read_text(encoding="utf-8"))


def strings(lang: str) -> dict[str, str]:
    """Every string of ``lang`` by key (the ``units`` table left out)."""
    return {k: v for k, v in catalogue(lang).items() if isinstance(v, str)}


EN: dict[str, str] = strings("en")
ZH: dict[str, str] = strings("zh-TW")
STRINGS: dict[str, dict[str, str]] = {"en": EN, "zh-TW": ZH}


class Text:
    """Localised strings and number formats for one report language."""

    def __init__(self, lang: str = "en") -> None:
        if lang not in STRINGS:
            from model.report.errors import ReportError

            raise ReportError(f"error: unknown report language {lang!r}; expected one of {', '.join(LANGS)}")
        self.lang = lang
        self.strings = STRINGS[lang]
        self.units: dict[str, str] = catalogue(lang)["units"]
        self.zh = lang == "zh-TW"

    def __call__(self, key: str, **values: object) -> str:
        text = self.strings[key]
        text = text.format(**values) if values else text
        return tidy_zh(text) if self.zh else text

    def get(self, key: str, default: str) -> str:
        return self.strings.get(key, default)

    # -- money: US$ bn in English, 億美元 (US$ 0.1 bn) in Traditional Chinese --------
    @property
    def money_scale(self) -> float:
        """Factor from US$ bn to the report's money unit."""
        return 10.0 if self.zh else 1.0

    @property
    def money_unit(self) -> str:
        return self("money_unit")

    def money(self, value_bn: float) -> str:
        v = value_bn * self.money_scale
        if self.zh:
            return f"{v:,.0f} 億美元"
        return f"US${v:,.0f} bn" if abs(v) >= 10 else f"US${v:,.1f} bn"

    def money_number(self, value_bn: float) -> str:
        v = value_bn * self.money_scale
        return f"{v:,.0f}" if abs(v) >= 10 else f"{v:,.1f}"

    def money_ci(self, value_bn: float, se_bn: float) -> str:
        if se_bn == 0:  # a deterministic quantity: no interval to print
            return self.money(value_bn)
        lo, hi = value_bn - Z95 * se_bn, value_bn + Z95 * se_bn
        rng = f"{self.money_number(lo)}–{self.money_number(hi)}"
        if self.zh:
            return f"{self.money(value_bn)}（95% 信賴區間 {rng}）"
        return f"{self.money(value_bn)} (95% CI {rng})"

    # -- probabilities -------------------------------------------------------------
    @staticmethod
    def pct(p: float, digits: int | None = None) -> str:
        """A probability (0..1) as a percentage, with more digits when it is small."""
        x = 100.0 * p
        if digits is None:
            digits = 1 if (x == 0 or abs(x) >= 1) else 2
        return f"{x:.{digits}f}%"

    def pp(self, difference: float) -> str:
        """A signed difference of probabilities in percentage points."""
        x = 100.0 * difference
        digits = 1 if x == 0 or abs(x) >= 1 else 2
        return f"{x:+.{digits}f} " + ("個百分點" if self.zh else "pp")

    def pct_ci(self, p: float, se: float) -> str:
        if se == 0:  # a deterministic quantity: no interval to print
            return self.pct(p)
        lo, hi = max(p - Z95 * se, 0.0), min(p + Z95 * se, 1.0)
        digits = 1 if (p == 0 or 100 * p >= 1) and 100 * Z95 * se >= 0.05 else 2
        rng = f"{self.pct(lo, digits)}–{self.pct(hi, digits)}"
        if self.zh:
            return f"{self.pct(p, digits)}（95% 信賴區間 {rng}）"
        return f"{self.pct(p, digits)} (95% CI {rng})"

    @staticmethod
    def count(n: int) -> str:
        return f"{int(n):,}"

    def ratio(self, x: float) -> str:
        return f"{x:.1f}"

    # -- labels --------------------------------------------------------------------
    def country(self, code: str) -> str:
        return self(f"country_{code}")

    def profile(self, code: str) -> str:
        return self(f"profile_{code}")

    def profile_short(self, code: str) -> str:
        return self(f"profile_short_{code}")

    def component(self, code: str) -> str:
        return self(f"component_{code}")

    def game_type(self, label: str) -> str:
        return self.get(f"type_{label}", label)

    def regime(self, code: str) -> str:
        return self.get(f"regime_{code}", code)

    def selection(self, code: str) -> str:
        return self.get(f"selection_{code}", code)

    def sampler(self, code: str) -> str:
        return self.get(f"sampler_{code}", code)

    def financing(self, code: str, alpha: float | str | None = None) -> str:
        try:
            share = self.pct(float(alpha), 0) if alpha is not None else ""
        except ValueError:
            share = str(alpha)
        return self.get(f"financing_{code}", code).format(alpha=share)

    def eq_set(self, label: str, code: int) -> str:
        """Plain description of an equilibrium set plus its set notation."""
        notation = label.replace("mixed", self("eqset_mixed")).replace("continuum", self("eqset_continuum"))
        description = self.get(f"eqset_{int(code)}", "")
        if not description:
            return notation
        return f"{description}  {notation}"

    def years(self, value: float | str) -> str:
        return self("years", years=format_number(value))

    def unit(self, unit: str | None) -> str:
        if not unit:
            return ""
        return self.units.get(unit, unit)

    def parameter(self, key: str) -> str:
        """Readable name of a dotted parameter key."""
        short = key.removeprefix("game.structural.")
        if short.startswith("us."):
            short = "us." + short.rsplit(".", 1)[-1]
        if "noise" in key:
            return f"{self('param_noise')} ({key.rsplit('.', 2)[-2]}, {key.rsplit('.', 1)[-1]})"
        return self.get(f"param_{short}", key)

    def date(self, iso: str) -> str:
        """An ISO timestamp as a date and UTC time."""
        match = re.match(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})", iso or "")
        if not match:
            return iso or "?"
        y, m, d, hh, mm = match.groups()
        if self.zh:
            return f"{int(y)} 年 {int(m)} 月 {int(d)} 日 {hh}:{mm} UTC"
        return f"{y}-{m}-{d} {hh}:{mm} UTC"


_CJK = "\u2e80-\u9fff\uf900-\ufaff"
_FULL_PUNCT = "（）「」『』，。；：、！？"


def tidy_zh(text: str) -> str:
    """Drop the spaces a template leaves between CJK characters or by full-width punctuation."""
    text = re.sub(f"(?<=[{_CJK}])[ ]+(?=[{_CJK}])", "", text)
    text = re.sub(f"(?<=[{_FULL_PUNCT}])[ ]+", "", text)
    return re.sub(f"[ ]+(?=[{_FULL_PUNCT}])", "", text)


def format_number(value: float | str) -> str:
    """A number without a trailing '.0'."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isfinite(x) and x == int(x):
        return str(int(x))
    return f"{x:g}"


def _width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def wrap(text: str, width: int) -> list[str]:
    """Wrap ``text`` to ``width`` columns; CJK characters count two and may break anywhere.

    Latin words break at spaces only; a CJK character may end a line anywhere except
    before closing punctuation.
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        tokens = re.findall(
            r"[\u3000-\u303f\uff00-\uffef]|[\u2e80-\u9fff\uf900-\ufaff]|\s+|[^\s\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+",
            paragraph,
        )
        line, used = "", 0
        for token in tokens:
            if token.isspace():
                if line:
                    line += " "
                    used += 1
                continue
            size = sum(_width(c) for c in token)
            closing = token in "，。、；：！？）」』〉》】"
            if used + size > width and line.strip() and not closing:
                lines.append(line.rstrip())
                line, used = "", 0
            line += token
            used += size
        lines.append(line.rstrip())
    return lines
