"""Config loading and validation: one-line errors naming file and key, nothing written."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from model.config import ConfigError, load_config
from model.config.loader import parse_override

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
SHIPPED = sorted(p for p in CONFIGS.rglob("*.toml") if "studies" not in p.parts)  # studies: tests/test_sweep.py

BASE = textwrap.dedent(
    """
    [game]
    mode = "structural"
    [game.structural]
    retaliation_dilution = {dist = "uniform", min = 0.5, max = 0.9}
    taiwan_deterrent = {dist = "pert", min = 20, mode = 31, max = 45}
    china_resolve = {dist = "pert", min = 40, mode = 90, max = 200}
    [game.structural.japan]
    balancing_cost = {dist = "pert", min = 20, mode = 45, max = 120}
    retaliation = {dist = "pert", min = 10, mode = 35, max = 120}
    war_loss = 540
    collapse_loss = 800
    [game.structural.korea]
    balancing_cost = {dist = "pert", min = 8, mode = 20, max = 45}
    retaliation = {dist = "pert", min = 5, mode = 15, max = 60}
    war_loss = 435
    collapse_loss = 450
    """
)


def write(tmp_path: Path, text: str, name: str = "x.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize("path", SHIPPED, ids=[p.relative_to(CONFIGS).as_posix() for p in SHIPPED])
def test_every_shipped_config_validates(path: Path) -> None:
    loaded = load_config(path)
    assert loaded.priors(), "a config with no parameters cannot be sampled"


def test_minimal_structural_config_is_valid(tmp_path: Path) -> None:
    loaded = load_config(write(tmp_path, BASE))
    assert loaded.config.game.mode == "structural"
    assert loaded.priors()["game.structural.japan.war_loss"].is_fixed


BAD_CASES = [
    # (replacement in BASE or appended text, expected key, expected message fragment)
    (
        ("min = 20, mode = 45, max = 120", "min = 120, mode = 45, max = 20"),
        "game.structural.japan.balancing_cost",
        "max must exceed min",
    ),
    (
        ("min = 20, mode = 45, max = 120", "min = 20, mode = 150, max = 120"),
        "game.structural.japan.balancing_cost",
        "mode",
    ),
    (("max = 0.9}", "max = 1.4}"), "game.structural.retaliation_dilution", "[0, 1]"),
    (("war_loss = 540", "war_loss = nan"), "game.structural.japan.war_loss", "finite"),
    (("war_loss = 540", "war_loss = inf"), "game.structural.japan.war_loss", "finite"),
    (("war_loss = 540", 'war_loss = "540"'), "game.structural.japan.war_loss", ""),
    (("war_loss = 540", "war_lost = 540"), "game.structural.japan", ""),
    (("war_loss = 540", "war_loss = -5"), "game.structural.japan.war_loss", "non-negative"),
    (('mode = "structural"', 'mode = "strategic"'), "game.mode", ""),
    (("war_loss = 540", 'war_loss = {dist = "normal", mean = 0, sd = -1}'), "game.structural.japan.war_loss", "sd"),
    (("war_loss = 540", 'war_loss = {dist = "zipf", a = 2}'), "game.structural.japan.war_loss", "unknown distribution"),
]


@pytest.mark.parametrize("edit,key,fragment", BAD_CASES)
def test_bad_values_name_file_and_key(tmp_path: Path, edit, key, fragment) -> None:
    old, new = edit
    assert old in BASE
    path = write(tmp_path, BASE.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"error: {path}: {key}")
    assert fragment in message


def test_unknown_top_level_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"x.toml: colour: unknown key"):
        load_config(write(tmp_path, "colour = 'red'\n" + BASE))


def test_policy_share_out_of_range(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"policy.ptrl_share_japan: .*1"):
        load_config(write(tmp_path, BASE + "\n[policy]\nptrl_share_japan = 1.5\n"))


def test_pooled_shares_above_one(tmp_path: Path) -> None:
    text = BASE + "\n[policy.pooled_shares]\njapan = 0.7\nkorea = 0.3\nothers = 0.2\n"
    with pytest.raises(ConfigError, match=r"policy.pooled_shares: shares must not sum to more than 1"):
        load_config(write(tmp_path, text))


@pytest.mark.parametrize(
    "matrix,fragment",
    [
        ("[[1, 0.5], [0.4, 1]]", "symmetric"),
        ("[[1, 1.5], [1.5, 1]]", ""),
        ("[[0.5, 0.2], [0.2, 1]]", "diagonal"),
    ],
)
def test_invalid_correlation_matrix(tmp_path: Path, matrix: str, fragment: str) -> None:
    text = BASE + textwrap.dedent(
        f"""
        [sampling.correlation]
        parameters = ["game.structural.japan.retaliation", "game.structural.korea.retaliation"]
        matrix = {matrix}
        """
    )
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert "sampling.correlation" in str(info.value)
    assert fragment in str(info.value)


def test_not_positive_semidefinite_correlation(tmp_path: Path) -> None:
    names = (
        '["game.structural.japan.retaliation", "game.structural.korea.retaliation", "game.structural.china_resolve"]'
    )
    text = (
        BASE
        + f"\n[sampling.correlation]\nparameters = {names}\nmatrix = [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]\n"
    )
    with pytest.raises(ConfigError, match="semi-definite"):
        load_config(write(tmp_path, text))


def test_correlating_a_fixed_parameter_is_an_error(tmp_path: Path) -> None:
    text = (
        BASE
        + "\n[sampling.correlation]\n"
        + 'parameters = ["game.structural.japan.war_loss", "game.structural.korea.retaliation"]\n'
        + "matrix = [[1, 0.5], [0.5, 1]]\n"
    )
    with pytest.raises(ConfigError, match="fixed"):
        load_config(write(tmp_path, text))


def test_extends_merges_and_overrides(tmp_path: Path) -> None:
    write(tmp_path, BASE, "parent.toml")
    child = write(tmp_path, 'extends = "parent.toml"\n[policy]\nus_regime = "grand_bargain"\n', "child.toml")
    loaded = load_config(child)
    assert loaded.config.policy.us_regime == "grand_bargain"
    assert loaded.config.game.mode == "structural"


def test_extends_missing_and_circular(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="extends: extended file not found"):
        load_config(write(tmp_path, 'extends = "nope.toml"\n', "a.toml"))
    write(tmp_path, 'extends = "c.toml"\n', "b.toml")
    write(tmp_path, 'extends = "b.toml"\n', "c.toml")
    with pytest.raises(ConfigError, match="circular"):
        load_config(tmp_path / "b.toml")


def test_missing_file_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "absent.toml")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(write(tmp_path, "[game\nmode = 1"))


def test_set_overrides_are_toml_literals_never_code(tmp_path: Path) -> None:
    path = write(tmp_path, BASE)
    loaded = load_config(path, ["game.structural.japan.war_loss=600", "sampling.sampler=lhs"])
    assert loaded.priors()["game.structural.japan.war_loss"].value == 600
    assert loaded.config.sampling.sampler == "lhs"
    # A Python expression is just a string, and an invalid one for a number.
    with pytest.raises(ConfigError, match="game.structural.japan.war_loss"):
        load_config(path, ["game.structural.japan.war_loss=__import__('os').getcwd()"])
    assert parse_override("a.b=[1, 2]") == (["a", "b"], [1, 2])
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_override("novalue")


def test_hash_is_stable_and_sensitive(tmp_path: Path) -> None:
    path = write(tmp_path, BASE)
    assert load_config(path).hash == load_config(path).hash
    assert load_config(path).hash != load_config(path, ["sampling.seed=1"]).hash


def test_sobol_needs_power_of_two_chunks(tmp_path: Path) -> None:
    path = write(tmp_path, BASE)
    with pytest.raises(ConfigError, match="sampling: chunk_size must be a power of two"):
        load_config(path, ["sampling.sampler=sobol", "sampling.chunk_size=1000"])


def test_an_empirical_prior_on_a_bounded_key_is_checked_against_its_data(tmp_path: Path) -> None:
    """The family reports its own support, so a bounded key checks an empirical prior's
    data range like any other prior's: one-line error when it leaves [0, 1], fine inside."""
    from model.config import ConfigError, load_config

    baseline = Path(__file__).resolve().parents[1] / "configs" / "baseline.toml"
    for values, ok in (([0.2, 0.5, 0.9], True), ([0.2, 1.5], False)):
        (tmp_path / "rho.csv").write_text("rho\n" + "\n".join(map(str, values)) + "\n")
        prior = f'{{dist="empirical", file="{tmp_path / "rho.csv"}", column="rho", unit="fraction", source="test"}}'
        if ok:
            load_config(baseline, [f"game.structural.retaliation_dilution={prior}"])
        else:
            with pytest.raises(ConfigError, match=r"retaliation_dilution: must lie in \[0, 1\]"):
                load_config(baseline, [f"game.structural.retaliation_dilution={prior}"])
