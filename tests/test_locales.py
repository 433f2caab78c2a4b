"""The report's locale files: one per language, the same keys and placeholders in each."""

from __future__ import annotations

import string
import tomllib
from importlib.resources import files

import pytest

from model.report.text import LANGS, Text, catalogue


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def _flat(table: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def test_every_language_has_a_file_that_ships_with_the_package() -> None:
    for lang in LANGS:
        path = files("model.report").joinpath("locales", f"{lang}.toml")
        assert path.is_file(), lang
        tomllib.loads(path.read_text(encoding="utf-8"))


def test_every_language_has_the_same_keys_and_placeholders() -> None:
    english = _flat(catalogue("en"))
    for lang in LANGS:
        other = _flat(catalogue(lang))
        assert other.keys() == english.keys(), lang
        differ = [k for k in english if _placeholders(english[k]) != _placeholders(other[k])]
        assert not differ, (lang, differ)
        assert all(isinstance(v, str) and v for v in other.values()), lang


@pytest.mark.parametrize("lang", LANGS)
def test_every_string_formats_with_its_own_placeholders(lang: str) -> None:
    tx = Text(lang)
    for key, text in tx.strings.items():
        values = dict.fromkeys(_placeholders(text), "1")
        assert "{" not in tx(key, **values).replace("{{", "").replace("}}", ""), key


def test_units_are_translated_and_unknown_units_kept() -> None:
    assert Text("zh-TW").unit("USD bn per year") == "億美元／年"
    assert Text("en").unit("USD bn per year") == "US$ bn per year"
    assert Text("en").unit("furlongs") == "furlongs"


@pytest.mark.parametrize("lang", LANGS)
def test_every_labelled_input_has_a_report_name(lang: str) -> None:
    """Parameter labels are declared once (model/labels.py); the reports' names follow the same keys."""
    from model.labels import PRIORS

    tx = Text(lang)
    unnamed = [key for key in PRIORS if tx.parameter(key) == key]
    assert not unnamed


def test_every_prior_of_every_regime_has_a_label() -> None:
    """Charts, PRIM boxes and study pages name every input the model can sample."""
    from pathlib import Path

    from model.config import load_config
    from model.labels import LABELS

    baseline = Path(__file__).resolve().parents[1] / "configs" / "baseline.toml"
    keys = set()
    for regime in ("integrated_deterrence", "offshore_balancing", "grand_bargain"):
        keys |= set(load_config(baseline, [f'policy.us_regime="{regime}"']).priors())
    assert sorted(k for k in keys if k not in LABELS) == []
