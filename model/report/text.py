"""Every user-visible string of a report, in English and Traditional Chinese (zh-TW).

One dict per language with the same keys; :class:`Text` looks strings up, fills in
numbers and formats probabilities, money and intervals the way each language writes
them. Nothing else in :mod:`model.report` writes words a reader sees.

Money: English reports use US$ bn; Traditional Chinese reports use 億美元 (US$ 100
million), the unit Taiwanese readers expect, so every zh-TW number of money is ten
times its US$ bn value (:attr:`Text.money_scale`).
"""

from __future__ import annotations

import math
import re
import unicodedata

from model.summary import Z95

LANGS: tuple[str, ...] = ("en", "zh-TW")

EN: dict[str, str] = {
    # report frame
    "html_lang": "en",
    "report_title": "Japan–Korea burden sharing over Taiwan: risk report",
    "compare_title": "Japan–Korea burden sharing over Taiwan: scenario comparison",
    "subtitle_structural": "{regime} · {financing} · {worlds} simulated worlds",
    "subtitle_ordinal": "The source paper's ordinal game · {worlds} simulated worlds",
    "subtitle_compare": "{runs} runs side by side",
    "run_ordinal": "Paper's ordinal game ({name})",
    "section_summary": "Executive summary",
    "section_key_figures": "Key figures",
    "section_charts": "Charts",
    "section_assumptions": "Assumptions that drive the result",
    "section_priors": "Uncertain inputs",
    "section_differences": "What differs between the runs",
    "section_runs": "Runs compared",
    "section_repro": "Reproducibility",
    "data_table": "Data behind this chart",
    "files_note": ("Each chart is also in figures/ (PNG at 300 dpi and SVG) and its data in tables/ (CSV)."),
    "interval_note": (
        "Ranges in brackets are 95% Monte Carlo confidence intervals (estimate ± 1.96 standard "
        "errors). They measure how precisely the worlds were sampled, not how uncertain the "
        "assumptions are."
    ),
    "frequency_note": (
        "Probabilities are shares of simulated worlds drawn from the assumptions below. They are not forecasts."
    ),
    "page_continued": "{title} (continued)",
    "page_of": "page {page}",
    # reproducibility
    "repro_line": (
        "Config hash {hash} · seed {seed} · {worlds} worlds · sampler {sampler} · "
        "offshore {version} · run {run_id} · {date}"
    ),
    "repro_commit": "git commit {commit}",
    "repro_rerun": "Reproduce with: offshore run {config}",
    "field_config_hash": "Config hash",
    "field_seed": "Seed",
    "field_worlds": "Worlds",
    "field_version": "Version",
    "field_date": "Date",
    "field_run": "Run",
    "field_sampler": "Sampler",
    "field_selection": "Selection rule",
    "field_regime": "US regime",
    "field_financing": "Financing",
    "field_mode": "Payoff mode",
    "field_horizon": "Horizon",
    "field_key": "Setting",
    "field_value": "Value",
    # key-figure table
    "col_quantity": "Quantity",
    "col_estimate": "Estimate",
    "col_interval": "95% interval",
    "col_run": "Run",
    "col_parameter": "Input",
    "col_median": "Median",
    "col_range": "Central 80% range",
    "col_unit": "Unit",
    "col_distribution": "Distribution",
    "kf_played": "Probability played: {profile}",
    "kf_holds": "Probability deterrence holds",
    "kf_us": "Probability the US intervenes",
    "kf_collapse": "Probability the balance collapses",
    "kf_burden": "{country}'s expected burden",
    "kf_var": "{country}'s 95% value at risk",
    "kf_cvar": "{country}'s 95% conditional value at risk",
    "kf_korea_passes": "Korea passes the buck once Japan commits to balance",
    "kf_commit_best": "Committing to balance is Japan's best move",
    "kf_pd": "Both partners face a Prisoner's Dilemma",
    # moves, profiles, countries
    "country_japan": "Japan",
    "country_korea": "Korea",
    "profile_BB": "both balance",
    "profile_BP": "Japan balances, Korea passes the buck",
    "profile_PB": "Korea balances, Japan passes the buck",
    "profile_PP": "both pass the buck",
    "profile_short_BB": "Both balance (B, B)",
    "profile_short_BP": "Japan alone balances (B, P)",
    "profile_short_PB": "Korea alone balances (P, B)",
    "profile_short_PP": "Both pass the buck (P, P)",
    "row_B": "Japan balances (B)",
    "row_P": "Japan passes the buck (P)",
    "col_B": "Korea balances (B)",
    "col_P": "Korea passes the buck (P)",
    # outcomes and components
    "outcome_holds": "deterrence holds",
    "outcome_us": "the US intervenes",
    "outcome_collapse": "the regional balance collapses",
    "outcome_label_holds": "Deterrence holds",
    "outcome_label_us": "US intervenes",
    "outcome_label_collapse": "Balance collapses",
    "component_defence": "Extra defence spending",
    "component_retaliation": "Chinese retaliation",
    "component_ptrl": "PTRL payments",
    "component_war": "War (US intervenes)",
    "component_collapse": "Collapse of the balance",
    "component_total": "Total",
    # policy settings
    "regime_integrated_deterrence": "Integrated deterrence",
    "regime_offshore_balancing": "Offshore balancing",
    "regime_grand_bargain": "US–China grand bargain",
    "financing_none": "no Taiwan requirements list",
    "financing_drawdown": "US drawdown pays the list",
    "financing_purl_pooled": "pooled PTRL (PURL-style)",
    "financing_ptrl_japan": "Japan funds {alpha} of the PTRL",
    "financing_full_pass_through": "partners fund the whole PTRL (Japan {alpha})",
    "selection_risk_dominance": "risk dominance (Harsanyi–Selten)",
    "selection_payoff_dominance": "payoff dominance",
    "selection_mixed": "the mixed equilibrium",
    "selection_uniform": "equal weight on every equilibrium",
    "selection_japan_best": "the equilibrium best for Japan",
    "selection_japan_worst": "the equilibrium worst for Japan",
    "sampler_mc": "pseudo-random",
    "sampler_lhs": "Latin hypercube",
    "sampler_sobol": "scrambled Sobol",
    "mode_structural": "structural (payoffs in US$ from costs and risks)",
    "mode_ordinal": "ordinal (the paper's table of ranks)",
    "years": "{years} years",
    # game types
    "type_Prisoner's Dilemma": "Prisoner's Dilemma",
    "type_Deadlock": "Deadlock",
    "type_Harmony": "Harmony",
    "type_B dominant, PP preferred": "Balancing dominant, prefers (P, P)",
    "type_Stag Hunt": "Stag Hunt",
    "type_coordination, PP preferred": "Coordination, prefers (P, P)",
    "type_Chicken": "Chicken",
    "type_anti-coordination, PP preferred": "Anti-coordination, prefers (P, P)",
    "type_tie": "Tie (indifferent)",
    # equilibrium sets
    "eqset_1": "Only both balance",
    "eqset_2": "Only Japan balances alone",
    "eqset_4": "Only Korea balances alone",
    "eqset_8": "Only both pass the buck",
    "eqset_16": "Only a mixed equilibrium",
    "eqset_22": "One balances alone (either), or mixed",
    "eqset_25": "Both balance or both pass, or mixed",
    "eqset_other": "Other set",
    "eqset_mixed": "mixed",
    "eqset_continuum": "continuum",
    # chart titles and captions
    "chart_game_table": "How the Japan–Korea game is played",
    "chart_game_table_sub": ("Each cell: chance it is played (95% CI), how often it is an equilibrium, mean burdens"),
    "chart_game_table_sub_ordinal": (
        "Each cell: chance it is played (95% CI), how often it is an equilibrium, mean payoffs"
    ),
    "cap_game_table": (
        "The Monte Carlo version of the paper's 2×2 table. Rows are Japan's move, columns "
        "Korea's. Shading and the large number give the probability that the cell is played "
        "under {rule}; below it, the share of worlds in which the cell is a pure Nash "
        "equilibrium and each partner's mean burden in that cell."
    ),
    "cap_game_table_ordinal": (
        "The Monte Carlo version of the paper's 2×2 table. Rows are Japan's move, columns "
        "Korea's. Shading and the large number give the probability that the cell is played "
        "under {rule}; below it, the share of worlds in which the cell is a pure Nash "
        "equilibrium and each partner's mean payoff (rank, 4 = best)."
    ),
    "cell_played": "Chance it is played",
    "cell_ci": "95% CI {lo}–{hi}",
    "cell_equilibrium": "Equilibrium in {p} of worlds",
    "cell_burden": "Mean burden, {years}-year total",
    "cell_payoff": "Mean payoff (rank, 4 = best)",
    "cell_country_value": "{country}  {value}",
    "h_played": "Probability played",
    "h_pure_ne": "Share of worlds where it is a pure equilibrium",
    "h_burden": "Mean burden of {country}",
    "h_payoff": "Mean payoff (rank) of {country}",
    "chart_eq_sets": "Which equilibria arise, and how often",
    "cap_eq_sets": (
        "Share of worlds by the set of Nash equilibria of the world's game, with 95% "
        "confidence intervals. Sets that never occurred are left out."
    ),
    "chart_game_types": "Which game Japan and Korea are playing",
    "cap_game_types": (
        "Share of worlds by each partner's type of game (its own best responses and whether it "
        "prefers mutual balancing to mutual buck-passing). Types that never occur are left out."
    ),
    "axis_japan_type": "Japan's game type",
    "axis_korea_type": "Korea's game type",
    "chart_burden_dist": "Japan's burden: the whole range and the bad tail",
    "cap_burden_dist": (
        "Distribution of Japan's total burden. The bars show {sample}; the mean, the 95% value "
        "at risk (VaR: exceeded in 5% of worlds) and the conditional value at risk (CVaR: the "
        "mean of the worst 5%) are from all {worlds} worlds of the run."
    ),
    "sample_kept": "the {n} worlds kept in samples.nc",
    "sample_first": "the expected burden in the first {n} worlds of the run",
    "legend_mean": "Mean {v}",
    "legend_median": "Median {v}",
    "legend_var": "95% VaR {v}",
    "legend_cvar": "95% CVaR {v}",
    "legend_tail": "Worst 5% of worlds",
    "chart_components": "What each partner bears, by component",
    "cap_components": (
        "Expected burden of each partner over the {years}-year horizon, split into its "
        "components; the figure at the end of each bar is the total with its 95% interval."
    ),
    "chart_commitment": "If Japan commits to balance first",
    "cap_commitment": (
        "The simultaneous game against two sequential games: Japan bound to balance with "
        "Korea best-responding, and Japan as a leader choosing its commitment. Bars show "
        "95% confidence intervals."
    ),
    "panel_profiles": "How the game is played",
    "panel_outcomes": "What happens",
    "panel_burden": "Expected total burden",
    "legend_simultaneous": "Simultaneous game",
    "legend_commit": "Japan commits to balance",
    "legend_leader": "Japan leads (chooses its move)",
    "chart_convergence": "Are the estimates stable? Convergence with the number of worlds",
    "cap_convergence": (
        "Headline estimates recomputed on the run's own first worlds ({worlds} worlds, "
        "{chunks} chunks) as more worlds are added, with 95% bands. The dashed line is the "
        "full run's estimate."
    ),
    "legend_band": "95% confidence band",
    "legend_full_run": "Full run ({worlds} worlds)",
    "conv_p_collapse": "Probability the balance collapses",
    "conv_played_PP": "Probability both pass the buck",
    "conv_burden_japan": "Japan's expected burden",
    "conv_pure_PP": "(P, P) is an equilibrium",
    "conv_korea_passes": "Korea passes after Japan commits",
    # axes
    "axis_share_worlds": "Share of worlds (%)",
    "axis_probability": "Probability (%)",
    "axis_burden": "Expected burden ({unit}, 2025 prices, {years}-year total)",
    "axis_burden_japan": "Japan's burden ({unit}, 2025 prices, {years}-year total)",
    "axis_density": "Share of worlds in each bin (%)",
    "axis_worlds_log": "Simulated worlds (log scale)",
    "axis_rank": "Mean payoff (rank, 4 = best)",
    "money_unit": "US$ bn",
    # comparison charts
    "chart_cmp_outcomes": "What happens in each scenario",
    "cap_cmp_outcomes": "Outcome probabilities per run, with 95% confidence intervals.",
    "chart_cmp_played": "How the Japan–Korea game is played in each scenario",
    "cap_cmp_played": ("Probability each cell of the 2×2 game is played, per run (bars add up to 100%)."),
    "chart_cmp_burden": "Expected burden in each scenario",
    "cap_cmp_burden": (
        "Expected total burden of Japan and Korea per run, with 95% intervals; the hollow "
        "marker is the 95% value at risk."
    ),
    "chart_cmp_components": "Japan's burden by component in each scenario",
    "cap_cmp_components": "Japan's expected burden per run, split into its components.",
    "chart_cmp_commitment": "Korea's response to a Japanese commitment, by scenario",
    "cap_cmp_commitment": (
        "Probability that Korea passes the buck once Japan has committed to balance, and "
        "probability that both pass the buck in the simultaneous game, per run (95% intervals)."
    ),
    "legend_korea_passes": "Korea passes after Japan commits",
    "legend_both_pass": "Both pass the buck (simultaneous)",
    "legend_var_marker": "95% VaR",
    # tables (CSV headers)
    "t_estimate": "estimate",
    "t_se": "standard error",
    "t_low": "95% CI low",
    "t_high": "95% CI high",
    "t_label": "label",
    "t_code": "code",
    "t_unit": "unit",
    "t_percent": "%",
    "t_worlds": "worlds",
    "t_bin_low": "bin from",
    "t_bin_high": "bin to",
    "t_share": "share of worlds (%)",
    "t_marker": "marker",
    "t_series": "series",
    "t_run": "run",
    "t_panel": "panel",
    "t_country": "country",
    "t_country_code": "country code",
    "t_component": "component",
    "t_component_code": "component code",
    "t_chunks": "chunks",
    # executive summary sentences
    "s_outcomes": (
        "Across {worlds} simulated worlds under {regime} with {financing}, the regional "
        "balance collapses in {collapse} of worlds; deterrence holds in {holds} and the "
        "United States intervenes in {us}."
    ),
    "s_most_likely": "The most likely outcome of the Japan–Korea game is that {profile}: {p}.",
    "s_others_bb": "Both balance with probability {bb}.",
    "s_others_pp": "Both pass the buck with probability {pp}.",
    "s_others_both": ("Both balance with probability {bb} and both pass the buck with probability {pp}."),
    "s_equilibrium": (
        "Mutual buck-passing is an equilibrium in {pp} of worlds; the paper's "
        "Prisoner's Dilemma, with both partners in that game, arises in {pd}."
    ),
    "s_common_types": (
        "The most common pairing of games is {japan} for Japan with {korea} for Korea, in {p} of worlds."
    ),
    "s_burden": (
        "Japan's expected burden over {years} years is {japan}, {ratio} times Korea's "
        "{korea}; {share} of Japan's burden comes from {component}."
    ),
    "s_burden_korea_larger": (
        "Japan's expected burden over {years} years is {japan}, against Korea's {korea}; "
        "{share} of Japan's burden comes from {component}."
    ),
    "s_tail": (
        "In the worst 5% of worlds Japan bears {cvar} on average; in 95% of worlds it bears no more than {var}."
    ),
    "s_commit": (
        "If Japan commits to balance first, Korea passes the buck in {korea} of worlds; the "
        "probability of collapse moves from {before} to {after} and Japan's expected burden "
        "from {burden_before} to {burden_after}."
    ),
    "s_commit_ordinal": ("If Japan commits to balance first, Korea passes the buck in {korea} of worlds."),
    "s_commit_best": "Committing to balance is Japan's best move in {p} of worlds.",
    "s_selection": (
        "Where several equilibria coexist ({share} of worlds) the choice among them matters: "
        "Japan's expected burden is {best} if the equilibrium best for Japan is always played "
        "and {worst} if the worst is."
    ),
    "s_precision": (
        "Every range given is a 95% Monte Carlo interval; it reflects sampling precision, "
        "not the uncertainty of the assumptions, which the priors below carry."
    ),
    "s_cmp_collapse": (
        "The balance is most likely to collapse under {worst} ({worst_p}) and least likely under {best} ({best_p})."
    ),
    "s_cmp_burden": (
        "Japan's expected burden is highest under {worst} ({worst_v}) and lowest under {best} ({best_v})."
    ),
    "s_cmp_korea": (
        "Once Japan commits to balance, Korea passes the buck in between {lo} ({lo_run}) and {hi} ({hi_run}) of worlds."
    ),
    "s_cmp_played": ("Both partners pass the buck with probability {lo} ({lo_run}) to {hi} ({hi_run})."),
    "s_cmp_identical": "All runs give the same value.",
    # assumptions
    "a_regime": "US regime: {regime}. {explain}",
    "a_regime_integrated_deterrence": (
        "US forces stand in front of the partners and the US requires no minimum partner "
        "contribution before it acts, so every failure of deterrence brings the US in."
    ),
    "a_regime_offshore_balancing": (
        "No US forces stand in front; the US steps in as lender of last resort only when "
        "local deterrence fails and the partners' contribution reaches its threshold."
    ),
    "a_regime_grand_bargain": "The US never intervenes: every failure of deterrence is a collapse.",
    "a_financing": "Financing of Taiwan's requirements list: {financing}.",
    "a_horizon": (
        "Money is in US$ at 2025 prices, summed over a {years}-year contingency horizon; "
        "war and collapse losses are totals over it."
    ),
    "a_selection": "Where several equilibria coexist, the game is played as {rule} selects.",
    "a_information": (
        "Inside each world both partners know every payoff and choose once, simultaneously; "
        "the US and China follow fixed rules, and Taiwan has no choice."
    ),
    "a_ordinal": (
        "Payoffs are the paper's ordinal table (4 = best) plus noise with standard deviation {noise} in every cell."
    ),
    "a_priors": (
        "The uncertain inputs below are drawn independently{corr}; several (China's resolve, "
        "collapse losses, the US threshold) are judgment rather than data."
    ),
    "a_priors_corr": " except for the stated correlations",
    "a_forecast": "Results are frequencies over the assumed ranges, not forecasts of events.",
    # parameter names
    "param_japan.balancing_cost": "Japan: extra defence outlay per year",
    "param_japan.retaliation": "Japan: Chinese retaliation per year",
    "param_japan.war_loss": "Japan: loss in a war with the US in",
    "param_japan.collapse_loss": "Japan: loss if the balance collapses",
    "param_korea.balancing_cost": "Korea: extra defence outlay per year",
    "param_korea.retaliation": "Korea: Chinese retaliation per year",
    "param_korea.war_loss": "Korea: loss in a war with the US in",
    "param_korea.collapse_loss": "Korea: loss if the balance collapses",
    "param_retaliation_dilution": "Retaliation each suffers when both balance",
    "param_ptrl_retaliation": "Retaliation per US$ paid into the PTRL",
    "param_taiwan_deterrent": "Taiwan's own deterrent per year",
    "param_china_resolve": "China's resolve (deterrent needed)",
    "param_ptrl_value": "Value of Taiwan's requirements list per year",
    "param_delivery_efficiency": "Capability per financed US$",
    "param_ptrl_leverage": "Weight of PTRL money in the US threshold",
    "param_us.deterrent": "US forward-deployed deterrent per year",
    "param_us.threshold": "US intervention threshold per year",
    "param_noise": "Payoff noise",
}

ZH: dict[str, str] = {
    "html_lang": "zh-Hant-TW",
    "report_title": "台海情勢下的日韓責任分擔：風險評估報告",
    "compare_title": "台海情勢下的日韓責任分擔：情境比較報告",
    "subtitle_structural": "{regime}・{financing}・{worlds} 個模擬世界",
    "subtitle_ordinal": "原論文的序數賽局・{worlds} 個模擬世界",
    "subtitle_compare": "並列比較 {runs} 次模擬",
    "run_ordinal": "原論文序數賽局（{name}）",
    "section_summary": "重點摘要",
    "section_key_figures": "關鍵數據",
    "section_charts": "圖表",
    "section_assumptions": "影響結果的關鍵假設",
    "section_priors": "不確定的輸入參數",
    "section_differences": "各次模擬的設定差異",
    "section_runs": "比較的模擬",
    "section_repro": "可重現性資訊",
    "data_table": "本圖資料",
    "files_note": "各圖另存於 figures/（300 dpi PNG 與 SVG），資料存於 tables/（CSV）。",
    "interval_note": (
        "括號內為 95% 蒙地卡羅信賴區間（估計值 ± 1.96 個標準誤），反映模擬抽樣的精確度，而非各項假設本身的不確定性。"
    ),
    "frequency_note": "文中機率是依下列假設抽樣所得模擬世界的比例，並非對事件的預測。",
    "page_continued": "{title}（續）",
    "page_of": "第 {page} 頁",
    "repro_line": (
        "設定雜湊值 {hash}・隨機種子 {seed}・{worlds} 個模擬世界・抽樣法 {sampler}・"
        "offshore {version}・模擬編號 {run_id}・{date}"
    ),
    "repro_commit": "git 提交 {commit}",
    "repro_rerun": "重現指令：offshore run {config}",
    "field_config_hash": "設定雜湊值",
    "field_seed": "隨機種子",
    "field_worlds": "模擬世界數",
    "field_version": "版本",
    "field_date": "日期",
    "field_run": "模擬編號",
    "field_sampler": "抽樣法",
    "field_selection": "均衡選擇規則",
    "field_regime": "美國戰略",
    "field_financing": "出資方式",
    "field_mode": "報酬模式",
    "field_horizon": "評估期間",
    "field_key": "設定項目",
    "field_value": "數值",
    "col_quantity": "項目",
    "col_estimate": "估計值",
    "col_interval": "95% 信賴區間",
    "col_run": "模擬",
    "col_parameter": "輸入參數",
    "col_median": "中位數",
    "col_range": "中間 80% 範圍",
    "col_unit": "單位",
    "col_distribution": "分布",
    "kf_played": "發生機率：{profile}",
    "kf_holds": "嚇阻成功的機率",
    "kf_us": "美國介入的機率",
    "kf_collapse": "均勢崩潰的機率",
    "kf_burden": "{country}的預期負擔",
    "kf_var": "{country}的 95% 風險值",
    "kf_cvar": "{country}的 95% 條件風險值",
    "kf_korea_passes": "日本承諾制衡後韓國卸責",
    "kf_commit_best": "承諾制衡是日本的最佳選擇",
    "kf_pd": "日韓雙方皆處於囚犯困境",
    "country_japan": "日本",
    "country_korea": "韓國",
    "profile_BB": "日韓皆制衡",
    "profile_BP": "日本制衡、韓國卸責",
    "profile_PB": "韓國制衡、日本卸責",
    "profile_PP": "日韓皆卸責",
    "profile_short_BB": "日韓皆制衡（B, B）",
    "profile_short_BP": "僅日本制衡（B, P）",
    "profile_short_PB": "僅韓國制衡（P, B）",
    "profile_short_PP": "日韓皆卸責（P, P）",
    "row_B": "日本制衡（B）",
    "row_P": "日本卸責（P）",
    "col_B": "韓國制衡（B）",
    "col_P": "韓國卸責（P）",
    "outcome_holds": "嚇阻成功",
    "outcome_us": "美國介入",
    "outcome_collapse": "區域均勢崩潰",
    "outcome_label_holds": "嚇阻成功",
    "outcome_label_us": "美國介入",
    "outcome_label_collapse": "均勢崩潰",
    "component_defence": "額外國防支出",
    "component_retaliation": "中國報復",
    "component_ptrl": "PTRL 出資",
    "component_war": "戰爭損失（美國介入）",
    "component_collapse": "均勢崩潰損失",
    "component_total": "合計",
    "regime_integrated_deterrence": "整合嚇阻",
    "regime_offshore_balancing": "離岸平衡",
    "regime_grand_bargain": "美中大交易",
    "financing_none": "無台灣優先需求清單",
    "financing_drawdown": "由美國總統撥款支應清單",
    "financing_purl_pooled": "多國共同出資 PTRL（比照 PURL）",
    "financing_ptrl_japan": "日本出資 PTRL 的 {alpha}",
    "financing_full_pass_through": "日韓全額出資 PTRL（日本 {alpha}）",
    "selection_risk_dominance": "風險優勢（Harsanyi–Selten）",
    "selection_payoff_dominance": "報酬優勢",
    "selection_mixed": "混合策略均衡",
    "selection_uniform": "各均衡等權重",
    "selection_japan_best": "對日本最有利的均衡",
    "selection_japan_worst": "對日本最不利的均衡",
    "sampler_mc": "虛擬隨機",
    "sampler_lhs": "拉丁超立方",
    "sampler_sobol": "擾亂 Sobol 序列",
    "mode_structural": "結構模式（以成本與風險計算的美元報酬）",
    "mode_ordinal": "序數模式（原論文的序數報酬表）",
    "years": "{years} 年",
    "type_Prisoner's Dilemma": "囚犯困境",
    "type_Deadlock": "僵局",
    "type_Harmony": "和諧",
    "type_B dominant, PP preferred": "制衡占優、偏好雙方卸責",
    "type_Stag Hunt": "獵鹿賽局",
    "type_coordination, PP preferred": "協調型、偏好雙方卸責",
    "type_Chicken": "膽小鬼賽局",
    "type_anti-coordination, PP preferred": "反協調型、偏好雙方卸責",
    "type_tie": "平手（無差異）",
    "eqset_1": "僅日韓皆制衡",
    "eqset_2": "僅日本單獨制衡",
    "eqset_4": "僅韓國單獨制衡",
    "eqset_8": "僅日韓皆卸責",
    "eqset_16": "僅混合策略均衡",
    "eqset_22": "由任一方單獨制衡，或混合策略",
    "eqset_25": "日韓皆制衡或皆卸責，或混合策略",
    "eqset_other": "其他均衡組合",
    "eqset_mixed": "混合",
    "eqset_continuum": "連續",
    "chart_game_table": "日韓賽局的實際走向",
    "chart_game_table_sub": "每格：發生機率（95% 信賴區間）、為均衡的比例、平均負擔",
    "chart_game_table_sub_ordinal": "每格：發生機率（95% 信賴區間）、為均衡的比例、平均報酬",
    "cap_game_table": (
        "原論文 2×2 賽局表的蒙地卡羅版本。列為日本的選擇，欄為韓國的選擇。底色與大字為依"
        "「{rule}」該格實際發生的機率；其下為該格屬純策略納許均衡的模擬世界比例，以及日韓在該格"
        "的平均負擔。"
    ),
    "cap_game_table_ordinal": (
        "原論文 2×2 賽局表的蒙地卡羅版本。列為日本的選擇，欄為韓國的選擇。底色與大字為依"
        "「{rule}」該格實際發生的機率；其下為該格屬純策略納許均衡的模擬世界比例，以及日韓在該格"
        "的平均報酬（序數，4 為最佳）。"
    ),
    "cell_played": "發生機率",
    "cell_ci": "95% 信賴區間 {lo}–{hi}",
    "cell_equilibrium": "在 {p} 的世界中為均衡",
    "cell_burden": "平均負擔（{years} 年合計）",
    "cell_payoff": "平均報酬（序數，4 為最佳）",
    "cell_country_value": "{country}  {value}",
    "h_played": "發生機率",
    "h_pure_ne": "屬純策略均衡的世界比例",
    "h_burden": "{country}的平均負擔",
    "h_payoff": "{country}的平均報酬（序數）",
    "chart_eq_sets": "各類均衡出現的頻率",
    "cap_eq_sets": ("依各模擬世界賽局的納許均衡組合分類之世界比例，附 95% 信賴區間；未出現的組合不列出。"),
    "chart_game_types": "日韓各自面對哪一種賽局",
    "cap_game_types": (
        "依日韓各自賽局類型（本身的最佳回應，以及是否偏好雙方制衡勝於雙方卸責）分類之模擬世界比例；未出現的類型不列出。"
    ),
    "axis_japan_type": "日本的賽局類型",
    "axis_korea_type": "韓國的賽局類型",
    "chart_burden_dist": "日本負擔的分布與尾端風險",
    "cap_burden_dist": (
        "日本總負擔的分布。長條為{sample}；平均值、95% 風險值（VaR：僅 5% 的世界超過此值）與"
        "條件風險值（CVaR：最糟 5% 世界的平均）皆依本次全部 {worlds} 個模擬世界計算。"
    ),
    "sample_kept": " samples.nc 保存的 {n} 個模擬世界",
    "sample_first": "本次模擬前 {n} 個世界的預期負擔",
    "legend_mean": "平均 {v}",
    "legend_median": "中位數 {v}",
    "legend_var": "95% 風險值 {v}",
    "legend_cvar": "95% 條件風險值 {v}",
    "legend_tail": "最糟的 5% 世界",
    "chart_components": "日韓負擔的組成",
    "cap_components": ("日韓在 {years} 年評估期間的預期負擔及其組成；長條末端數字為合計及其 95% 信賴區間。"),
    "chart_commitment": "若日本率先承諾制衡",
    "cap_commitment": (
        "比較同時賽局與兩種序列賽局：日本受承諾約束必須制衡、韓國據以做最佳回應；以及日本作為"
        "領導者自行選擇承諾。誤差線為 95% 信賴區間。"
    ),
    "panel_profiles": "賽局如何進行",
    "panel_outcomes": "結果",
    "panel_burden": "預期總負擔",
    "legend_simultaneous": "同時賽局",
    "legend_commit": "日本承諾制衡",
    "legend_leader": "日本為領導者（自選行動）",
    "chart_convergence": "估計值是否穩定：隨模擬世界數的收斂情形",
    "cap_convergence": (
        "以本次模擬最前面的世界（{worlds} 個世界、{chunks} 個區塊）逐步重新計算主要估計值，"
        "陰影為 95% 信賴帶；虛線為全部模擬的估計值。"
    ),
    "legend_band": "95% 信賴帶",
    "legend_full_run": "全部模擬（{worlds} 個世界）",
    "conv_p_collapse": "均勢崩潰的機率",
    "conv_played_PP": "日韓皆卸責的機率",
    "conv_burden_japan": "日本的預期負擔",
    "conv_pure_PP": "（P, P）為均衡的比例",
    "conv_korea_passes": "日本承諾後韓國卸責的機率",
    "axis_share_worlds": "占模擬世界比例（%）",
    "axis_probability": "機率（%）",
    "axis_burden": "預期負擔（{unit}，2025 年幣值，{years} 年合計）",
    "axis_burden_japan": "日本的負擔（{unit}，2025 年幣值，{years} 年合計）",
    "axis_density": "各區間的模擬世界比例（%）",
    "axis_worlds_log": "模擬世界數（對數尺度）",
    "axis_rank": "平均報酬（序數，4 為最佳）",
    "money_unit": "億美元",
    "chart_cmp_outcomes": "各情境的結果",
    "cap_cmp_outcomes": "各次模擬的結果機率，附 95% 信賴區間。",
    "chart_cmp_played": "各情境中日韓賽局的走向",
    "cap_cmp_played": "各次模擬中 2×2 賽局各格的發生機率（每列合計 100%）。",
    "chart_cmp_burden": "各情境的預期負擔",
    "cap_cmp_burden": "各次模擬中日韓的預期總負擔，附 95% 信賴區間；空心標記為 95% 風險值。",
    "chart_cmp_components": "各情境中日本負擔的組成",
    "cap_cmp_components": "各次模擬中日本的預期負擔及其組成。",
    "chart_cmp_commitment": "各情境中韓國對日本承諾的反應",
    "cap_cmp_commitment": (
        "各次模擬中，日本承諾制衡後韓國卸責的機率，以及同時賽局中日韓皆卸責的機率（附 95% 信賴區間）。"
    ),
    "legend_korea_passes": "日本承諾後韓國卸責",
    "legend_both_pass": "日韓皆卸責（同時賽局）",
    "legend_var_marker": "95% 風險值",
    "t_estimate": "估計值",
    "t_se": "標準誤",
    "t_low": "95% 信賴區間下限",
    "t_high": "95% 信賴區間上限",
    "t_label": "名稱",
    "t_code": "代碼",
    "t_unit": "單位",
    "t_percent": "%",
    "t_worlds": "模擬世界數",
    "t_bin_low": "區間起點",
    "t_bin_high": "區間終點",
    "t_share": "模擬世界比例（%）",
    "t_marker": "標記",
    "t_series": "數列",
    "t_run": "模擬",
    "t_panel": "子圖",
    "t_country": "國家",
    "t_country_code": "國家代碼",
    "t_component": "組成項目",
    "t_component_code": "組成代碼",
    "t_chunks": "區塊數",
    "s_outcomes": (
        "在{regime}、{financing}的情境下，{worlds} 個模擬世界中有 {collapse} 出現區域均勢崩潰；"
        "嚇阻成功的比例為 {holds}，美國介入的比例為 {us}。"
    ),
    "s_most_likely": "日韓賽局最可能的結果是「{profile}」，機率為 {p}。",
    "s_others_bb": "日韓皆制衡的機率為 {bb}。",
    "s_others_pp": "日韓皆卸責的機率為 {pp}。",
    "s_others_both": "日韓皆制衡的機率為 {bb}，日韓皆卸責的機率為 {pp}。",
    "s_equilibrium": ("在 {pp} 的模擬世界中，雙方卸責是納許均衡；原論文所描述、日韓皆處於囚犯困境的情形占 {pd}。"),
    "s_common_types": "最常見的組合是日本面對「{japan}」、韓國面對「{korea}」，占 {p} 的模擬世界。",
    "s_burden": (
        "日本在 {years} 年間的預期負擔為 {japan}，是韓國（{korea}）的 {ratio} 倍；"
        "日本負擔中有 {share} 來自{component}。"
    ),
    "s_burden_korea_larger": (
        "日本在 {years} 年間的預期負擔為 {japan}，韓國為 {korea}；日本負擔中有 {share} 來自{component}。"
    ),
    "s_tail": ("在最糟的 5% 模擬世界中，日本平均負擔 {cvar}；在 95% 的世界中，日本的負擔不超過 {var}。"),
    "s_commit": (
        "若日本率先承諾制衡，韓國在 {korea} 的模擬世界中選擇卸責；均勢崩潰的機率由 {before} 變為 "
        "{after}，日本的預期負擔由 {burden_before} 變為 {burden_after}。"
    ),
    "s_commit_ordinal": "若日本率先承諾制衡，韓國在 {korea} 的模擬世界中選擇卸責。",
    "s_commit_best": "在 {p} 的模擬世界中，承諾制衡是日本的最佳選擇。",
    "s_selection": (
        "在存在多重均衡的世界（占 {share}）中，選擇哪一個均衡影響重大：若總是出現對日本最有利的均衡"
        "，"
        "日本的預期負擔為 {best}；若總是出現最不利的均衡，則為 {worst}。"
    ),
    "s_precision": (
        "文中區間皆為 95% 蒙地卡羅信賴區間，反映抽樣精確度，而非假設本身的不確定性；後者由下列先驗分布表達。"
    ),
    "s_cmp_collapse": ("均勢崩潰的機率以「{worst}」最高（{worst_p}），以「{best}」最低（{best_p}）。"),
    "s_cmp_burden": "日本的預期負擔以「{worst}」最高（{worst_v}），以「{best}」最低（{best_v}）。",
    "s_cmp_korea": "日本承諾制衡後，韓國卸責的比例介於 {lo}（{lo_run}）與 {hi}（{hi_run}）之間。",
    "s_cmp_played": "日韓皆卸責的機率介於 {lo}（{lo_run}）與 {hi}（{hi_run}）之間。",
    "s_cmp_identical": "各次模擬的數值相同。",
    "a_regime": "美國戰略：{regime}。{explain}",
    "a_regime_integrated_deterrence": (
        "美軍前沿部署於盟國之前，且不要求盟國先達到最低貢獻門檻，因此嚇阻一旦失敗美國必然介入。"
    ),
    "a_regime_offshore_balancing": (
        "美國不在前線部署兵力，僅在在地嚇阻失敗且盟國貢獻達到門檻時，才以「最後貸款人」角色介入。"
    ),
    "a_regime_grand_bargain": "美國絕不介入：嚇阻一旦失敗即導致均勢崩潰。",
    "a_financing": "台灣需求清單的出資方式：{financing}。",
    "a_horizon": ("金額以 2025 年幣值美元計，為 {years} 年危機期間的合計；戰爭與崩潰損失為該期間的總額。"),
    "a_selection": "存在多重均衡時，依「{rule}」決定實際結果。",
    "a_information": (
        "在每個模擬世界中，日韓都掌握所有報酬資訊並同時做出一次性選擇；美國與中國依固定規則行動，台灣沒有選擇權。"
    ),
    "a_ordinal": "報酬取自原論文的序數表（4 為最佳），每格另加標準差 {noise} 的雜訊。",
    "a_priors": (
        "下列不確定參數彼此獨立抽樣{corr}；其中數項（中國的決心、崩潰損失、美國介入門檻）屬專業判斷而非實證資料。"
    ),
    "a_priors_corr": "（已設定的相關性除外）",
    "a_forecast": "結果是在假設範圍內的發生頻率，並非對事件的預測。",
    "param_japan.balancing_cost": "日本：每年額外國防支出",
    "param_japan.retaliation": "日本：每年遭受的中國報復",
    "param_japan.war_loss": "日本：美國介入之戰爭的損失",
    "param_japan.collapse_loss": "日本：均勢崩潰的損失",
    "param_korea.balancing_cost": "韓國：每年額外國防支出",
    "param_korea.retaliation": "韓國：每年遭受的中國報復",
    "param_korea.war_loss": "韓國：美國介入之戰爭的損失",
    "param_korea.collapse_loss": "韓國：均勢崩潰的損失",
    "param_retaliation_dilution": "雙方皆制衡時各自承受的報復比例",
    "param_ptrl_retaliation": "每投入 PTRL 一美元所招致的報復",
    "param_taiwan_deterrent": "台灣每年的自身嚇阻力量",
    "param_china_resolve": "中國的決心（所需嚇阻力量）",
    "param_ptrl_value": "台灣需求清單每年的金額",
    "param_delivery_efficiency": "每一美元出資轉化的戰力",
    "param_ptrl_leverage": "PTRL 出資計入美國門檻的權重",
    "param_us.deterrent": "美國每年的前沿部署嚇阻力量",
    "param_us.threshold": "美國每年的介入門檻",
    "param_noise": "報酬雜訊",
}

STRINGS: dict[str, dict[str, str]] = {"en": EN, "zh-TW": ZH}

_UNITS_ZH = {
    "USD bn per year": "億美元／年",
    "USD bn over the horizon": "億美元（期間合計）",
    "USD bn per year of deterrent capability": "億美元／年（嚇阻力量）",
    "USD bn per year of partner contribution": "億美元／年（盟國貢獻）",
    "fraction of solo retaliation": "單獨承受時的比例",
    "capability per USD financed": "每美元出資的戰力",
    "USD of counted contribution per USD paid into PTRL": "每美元 PTRL 出資計入的美元",
    "USD bn of retaliation per USD bn paid into PTRL": "每美元 PTRL 出資招致的報復（美元）",
}
_UNITS_EN = {
    "USD bn per year": "US$ bn per year",
    "USD bn over the horizon": "US$ bn over the horizon",
    "USD bn per year of deterrent capability": "US$ bn per year of capability",
    "USD bn per year of partner contribution": "US$ bn per year of contribution",
}


class Text:
    """Localised strings and number formats for one report language."""

    def __init__(self, lang: str = "en") -> None:
        if lang not in STRINGS:
            from model.report.errors import ReportError

            raise ReportError(f"error: unknown report language {lang!r}; expected one of {', '.join(LANGS)}")
        self.lang = lang
        self.strings = STRINGS[lang]
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

    def pct_ci(self, p: float, se: float) -> str:
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
        table = _UNITS_ZH if self.zh else _UNITS_EN
        return table.get(unit, unit)

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
