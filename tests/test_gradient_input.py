"""Bad input to the release gradient: one clear message (file, field, what is allowed), exit 2.

Each class of mistake is tried with many inputs: a control that would change nothing under
the compared strategies, revocation without monitoring, shares kept out named outside their
kind, a staged ladder that falls or names no level, out-of-range figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hardening_helpers import assert_one_message, call, write

INTERFACES = "[api_only, hosted_access]"

# a control switched on while no compared strategy serves a size through a door it acts on
NO_DOOR = {
    "kyc, full only": ("[full, closed]", "know_your_customer: {enabled: true}",
                       "know_your_customer.enabled", "hosted_access, api_only"),
    "kyc, gated only (gated vets whatever the switch)": (
        "[gated_download]", "know_your_customer: {enabled: true}",
        "know_your_customer.enabled", "would change nothing"),
    "kyc, research tier": ("[research_access, partnership_only]",
                           "know_your_customer: {enabled: true}", "know_your_customer.enabled",
                           "the hosted interface or the API"),
    "rate limit, hosted only": ("[hosted_access]", "rate_limit: {enabled: true}",
                                "rate_limit.enabled", "acts on the API"),
    "rate limit, staged to gated": ("[{kind: staged, ladder: [hosted, gated]}]",
                                    "rate_limit: {enabled: true}", "rate_limit.enabled",
                                    "staged with 'api' in its ladder"),
    "revocation, full": ("[full]", "revocation: {enabled: true}", "revocation.enabled",
                         "would change nothing"),
    "watermark, weights only": ("[full, gated_download]", "watermark: {enabled: true}",
                                "watermark.enabled", "the hosted interface or the API"),
    "watermark, closed": ("[closed]", "watermark: {enabled: true}", "watermark.enabled",
                          "switch it off"),
    "fine-tuning, research tier": ("[research_access, closed]", "fine_tuning: {enabled: true}",
                                   "fine_tuning.enabled", "full, partnership_only"),
}


@pytest.mark.parametrize("case", sorted(NO_DOOR))
def test_a_control_that_would_change_nothing_is_refused(case, tmp_path: Path, capsys):
    strategies, control, field, says = NO_DOOR[case]
    file = write(tmp_path / "s.yaml", f"strategies: {strategies}\naccess_controls:\n"
                 f"  {control}\n")
    code, _, err = call(capsys, "validate", file)
    assert_one_message(code, err, "s.yaml, line 3", f"access_controls.{field}", says)


NO_MONITORING = {
    "api": ("[api_only]", "defenders: {api_monitoring: 0}", "defenders.api_monitoring is 0"),
    "hosted": ("[hosted_access]", "access_controls:\n  hosted: {monitoring: 0.0}",
               "access_controls.hosted.monitoring is 0"),
    "both, api first named": ("[api_only, hosted_access]", "defenders: {api_monitoring: 0.0}",
                              "no account of the API is ever flagged"),
    "staged ladder to the api": ("[{kind: staged, ladder: [api]}]",
                                 "defenders: {api_monitoring: 0}", "set defenders.api_monitoring"),
}


@pytest.mark.parametrize("case", sorted(NO_MONITORING))
def test_revocation_without_monitoring_is_refused(case, tmp_path: Path, capsys):
    strategies, monitoring, says = NO_MONITORING[case]
    text = f"strategies: {strategies}\n{monitoring}\n"
    if "access_controls" not in monitoring:
        text += "access_controls:\n"
    file = write(tmp_path / "r.yaml", text + "  revocation: {enabled: true}\n")
    code, _, err = call(capsys, "validate", file)
    assert_one_message(code, err, "r.yaml", "access_controls.revocation.enabled", says,
                       "or switch revocation off")


KEPT_OUT_ELSEWHERE = {
    "map under the control": "know_your_customer: {enabled: true, kept_out: {spam: 0.5}}",
    "a kind under the control": "know_your_customer: {spam_phishing: 0.5}",
    "a misspelt kind under the control": "know_your_customer: {enabled: true, spam_phishng: 1}",
    "a list of kinds": "know_your_customer: {kinds: [spam_phishing]}",
}


@pytest.mark.parametrize("case", sorted(KEPT_OUT_ELSEWHERE))
def test_shares_kept_out_are_set_on_their_kind(case, tmp_path: Path, capsys):
    file = write(tmp_path / "k.yaml", f"strategies: {INTERFACES}\naccess_controls:\n"
                 f"  {KEPT_OUT_ELSEWHERE[case]}\n")
    code, _, err = call(capsys, "validate", file)
    assert_one_message(code, err, "k.yaml", "access_controls.know_your_customer",
                       "malicious.kinds.<kind>.kyc_kept_out")


UNKNOWN_KINDS = {
    "misspelt": ("spam_phishng", "did you mean 'spam_phishing'?"),
    "plural": ("fake_review", "did you mean 'fake_reviews'?"),
    "made up": ("bots", "there is no malicious kind 'bots'"),
    "other case": ("Harassment", "did you mean 'harassment'?"),
}


@pytest.mark.parametrize("case", sorted(UNKNOWN_KINDS))
def test_a_share_kept_out_of_a_kind_that_does_not_exist_is_refused(case, tmp_path: Path,
                                                                    capsys):
    kind, says = UNKNOWN_KINDS[case]
    file = write(tmp_path / "u.yaml", f"strategies: {INTERFACES}\nmalicious:\n  kinds:\n"
                 f"    {kind}: {{kyc_kept_out: 0.6}}\n")
    code, _, err = call(capsys, "validate", file)
    assert_one_message(code, err, "u.yaml, line 4", f"malicious.kinds.{kind}.kyc_kept_out", says)


def test_a_new_kind_with_its_numbers_may_set_its_share_kept_out(tmp_path: Path, capsys):
    file = write(tmp_path / "n.yaml", f"strategies: {INTERFACES}\nmalicious:\n  kinds:\n"
                 "    bots: {count: 50, volume: 100, kyc_kept_out: 0.6}\n")
    code, out, err = call(capsys, "validate", file)
    assert code == 0, err


LADDERS = {
    "falls": ("[api, hosted]", "'hosted' is not above 'api'"),
    "repeats": ("[public, public]", "'public' is not above 'public'"),
    "falls at the end": ("[research, gated, api]", "'api' is not above 'gated'"),
    "no such level": ("[cloud]", "must be 'partners', 'research', 'hosted', 'api', 'gated' or"),
    "the old number": ("[3]", "must be 'partners'"),
    "unreleased is no rung": ("[unreleased, api]", "must be 'partners'"),
    "empty": ("[]", "ladder"),
    "not a list": ("public", "must be a list"),
}


@pytest.mark.parametrize("case", sorted(LADDERS))
def test_a_staged_ladder_must_rise_through_levels(case, tmp_path: Path, capsys):
    ladder, says = LADDERS[case]
    file = write(tmp_path / "l.yaml", f"strategies:\n  - kind: staged\n    ladder: {ladder}\n")
    code, _, err = call(capsys, "validate", file)
    assert_one_message(code, err, "l.yaml", "strategies[0].ladder", says)


OUT_OF_RANGE = {
    "gated leak above 1": ("access_controls: {gated: {leak_probability: 2}}",
                           "access_controls.gated.leak_probability"),
    "hosted cap 0": ("access_controls: {hosted: {items_per_week: 0}}",
                     "access_controls.hosted.items_per_week"),
    "negative delay": ("access_controls: {revocation: {delay_weeks: -1}}",
                       "access_controls.revocation.delay_weeks"),
    "watermark gain above 1": ("access_controls: {watermark: {detection_gain: 1.5}}",
                               "access_controls.watermark.detection_gain"),
    "kept out above 1": ("malicious: {kinds: {spam_phishing: {kyc_kept_out: 1.2}}}",
                         "malicious.kinds.spam_phishing.kyc_kept_out"),
    "switch as text": ("access_controls: {watermark: {enabled: maybe}}",
                       "access_controls.watermark.enabled"),
    "misspelt section": ("access_controls: {watermarks: {enabled: true}}",
                         "did you mean 'watermark'"),
    "infinite cost": ("access_controls: {fine_tuning: {cost: .inf}}",
                      "access_controls.fine_tuning.cost"),
}


@pytest.mark.parametrize("case", sorted(OUT_OF_RANGE))
def test_figures_out_of_range_are_refused(case, tmp_path: Path, capsys):
    text, says = OUT_OF_RANGE[case]
    file = write(tmp_path / "o.yaml", f"strategies: {INTERFACES}\n{text}\n")
    code, _, err = call(capsys, "validate", file)
    assert_one_message(code, err, "o.yaml", says)


LEVEL_SETTINGS = {
    "negative week": ("hosted_access", "from_week: -2", "from_week"),
    "week as text": ("gated_download", "from_week: soon", "from_week"),
    "unknown setting": ("research_access", "ladder: [api]", "ladder"),
    "partners as text": ("hosted_access", "partners_first: often", "partners_first"),
}


@pytest.mark.parametrize("case", sorted(LEVEL_SETTINGS))
def test_level_strategies_refuse_bad_settings(case, tmp_path: Path, capsys):
    kind, setting, field = LEVEL_SETTINGS[case]
    file = write(tmp_path / "g.yaml", f"strategies:\n  - kind: {kind}\n    {setting}\n")
    code, _, err = call(capsys, "validate", file)
    assert_one_message(code, err, "g.yaml", f"strategies[0].{field}")


SWEEPS = {
    "share kept out of an unknown kind": ("[api_only]",
                                          "malicious.kinds.spam_phishng.kyc_kept_out: "
                                          "{low: 0, high: 1}", "did you mean "
                                          "'malicious.kinds.spam_phishing.kyc_kept_out'"),
    "kyc with weights levers": ("[full, partnership_only]",
                                "access_controls.know_your_customer.enabled: "
                                "{values: [false, true]}", "know_your_customer acts on"),
    "watermark with gated lever": ("[gated_download]",
                                   "access_controls.watermark.enabled: {values: [true]}",
                                   "with the levers of this sweep"),
    "revocation range down to no monitoring": (
        "[api_only]", "defenders.api_monitoring: {low: 0, high: 0.5}",
        "is not allowed for defenders.api_monitoring"),
}


@pytest.mark.parametrize("case", sorted(SWEEPS))
def test_a_sweep_refuses_controls_its_levers_cannot_use(case, tmp_path: Path, capsys):
    levers, uncertainty, says = SWEEPS[case]
    revocation = ("set: {access_controls.revocation.enabled: true}\n"
                  if "revocation" in case else "")
    file = write(tmp_path / "sw.yaml", f"scenario: {{horizon_weeks: 4, strategies: {levers}}}\n"
                 f"levers: {levers}\n{revocation}uncertainties:\n  {uncertainty}\n")
    code, _, err = call(capsys, "validate", file)
    assert_one_message(code, err, "sw.yaml", says)
