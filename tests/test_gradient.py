"""The release gradient: its levels, the strategies that use them, and the access controls.

Each control is checked in the direction its rule claims, against the same runs with it off
(same seeds: common random numbers), and with every control off the model is the model
before the gradient, whatever the controls' other figures say.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from sim.access import Access
from sim.model import ReleaseModel
from sim.scenario import StrategySpec, scenario_from_dict
from sim.strategies import LabView, resolve_strategy

SEEDS = range(3)


def runs(kind: str, scenario: dict | None = None, **settings) -> list[ReleaseModel]:
    sc = scenario_from_dict({"strategies": ["api_only"], **(scenario or {})})
    spec = StrategySpec(kind=kind, **settings)
    return [ReleaseModel(sc, resolve_strategy(spec), seed).run() for seed in SEEDS]


def total(models: list[ReleaseModel], series: str) -> float:
    return float(sum(m.size_records[series].sum() for m in models))


def view(week: int, published: list[bool]) -> LabView:
    """What a lab of the GPT-2 family knows in a week when others published these sizes."""
    n = len(published)
    return LabView(step=week, week=week, step_weeks=1, start_date=date(2019, 2, 14),
                   size_names=[str(i) for i in range(n)], parameters=np.arange(1.0, n + 1),
                   trained=np.ones(n, bool), level=np.zeros(n, np.int8),
                   published_by_others=np.array(published), observed_misuse=0.0,
                   known_replications=0, reports=0, world_names=["central"],
                   world_multipliers=[1.0], belief=np.ones(1))


def controls(**on) -> dict:
    """access_controls with these sections (each switched on, with the figures given)."""
    return {"access_controls": {name: {"enabled": True, **figures}
                                for name, figures in on.items()}}


# ---------------------------------------------------------------- off is the model before it

# every figure of every control and level changed, every switch off
CHANGED_BUT_OFF = {
    "access_controls": {
        "hosted": {"items_per_week": 3.0, "monitoring": 0.1, "value_share": 0.9},
        "gated": {"leak_probability": 0.9, "value_share": 0.1},
        "research": {"research_rate": 0.9},
        "know_your_customer": {"enabled": False},
        "rate_limit": {"enabled": False, "items_per_week": 1.0},
        "revocation": {"enabled": False, "delay_weeks": 0.0, "new_account_weeks": 50.0},
        "watermark": {"enabled": False, "detection_gain": 1.0, "removal_cost": 9.0},
        "fine_tuning": {"enabled": False, "safeguard_effect": 1.0, "cost": 9.0,
                        "capacity_gain": 5.0},
    },
    "malicious": {"kinds": {k: {"kyc_kept_out": 1.0} for k in
                            ("state_propaganda", "spam_phishing", "harassment", "fake_reviews")}},
}


@pytest.mark.parametrize("kind", ["full", "staged", "api_only", "partnership_only",
                                  "history_2019", "closed"])
def test_controls_switched_off_leave_the_model_before_the_gradient(kind):
    for before, after in zip(runs(kind), runs(kind, CHANGED_BUT_OFF), strict=True):
        for name, series in before.size_records.items():
            np.testing.assert_array_equal(series, after.size_records[name], err_msg=name)
        for name, series in before.step_records.items():
            np.testing.assert_array_equal(series, after.step_records[name], err_msg=name)


# ---------------------------------------------------------------- the levels


def test_each_level_strategy_puts_every_trained_size_at_its_level():
    for kind, level in [("hosted_access", Access.HOSTED), ("gated_download", Access.GATED),
                        ("research_access", Access.RESEARCH), ("api_only", Access.API)]:
        no_leaks = {"access_controls": {"gated": {"leak_probability": 0.0}},
                    "other_labs": {"enabled": False}}
        levels = runs(kind, no_leaks)[0].size_records["access_level"]
        assert (levels == level).all(), kind


def test_a_level_strategy_waits_with_partners_and_can_make_the_smallest_public():
    model = runs("hosted_access", {"other_labs": {"enabled": False},
                                   "partners": {"leak_probability": 0.0}}, from_week=10,
                 partners_first=True, smallest_public=True)[0]
    levels = model.size_records["access_level"]
    assert (levels[:10] == Access.PARTNERS).all()
    assert (levels[10:, 0] == Access.PUBLIC).all() and (levels[10:, 1:] == Access.HOSTED).all()


def test_research_tier_speeds_detection_research_and_gives_no_misuser_a_door():
    research = runs("research_access", {"other_labs": {"enabled": False}})
    closed = runs("closed", {"other_labs": {"enabled": False}})
    assert total(research, "research_progress") > total(closed, "research_progress") == 0
    for r, c in zip(research, closed, strict=True):  # misusers reach only what they trained
        np.testing.assert_array_equal(r.world.first_malicious_week, c.world.first_malicious_week)
    # and the research on the family detects their own copies better
    assert total(research, "harm") < total(closed, "harm")
    assert total(research, "beneficial_value") == 0


def test_hosted_access_caps_volume_so_it_carries_less_misuse_than_the_api():
    assert total(runs("hosted_access"), "malicious_items") < total(runs("api_only"),
                                                                   "malicious_items")


def test_gated_weights_leak_to_the_public_at_the_licensees_rate():
    sure = runs("gated_download", {"access_controls": {"gated": {"leak_probability": 1.0}},
                                   "other_labs": {"enabled": False}})
    for model in sure:
        assert (model.world.public_route_code == 2).all()  # every size public by leak
    never = runs("gated_download", {"access_controls": {"gated": {"leak_probability": 0.0}},
                                    "other_labs": {"enabled": False}})
    assert all(not m.world.public.any() for m in never)


def test_vetting_keeps_kinds_out_of_gated_weights_in_proportion():
    def harm(kept_out: float) -> float:
        kinds = {k: {"kyc_kept_out": kept_out, "can_train": False} for k in
                 ("state_propaganda", "spam_phishing", "harassment", "fake_reviews")}
        return total(runs("gated_download", {"malicious": {"kinds": kinds},
                                             "access_controls": {"gated": {"leak_probability": 0}},
                                             "other_labs": {"enabled": False}}), "gross_harm")

    none, half, everyone = harm(0.0), harm(0.5), harm(1.0)
    assert none > half > everyone == 0
    assert half == pytest.approx(none / 2, rel=1e-9)  # the kept out are any actors of the kind


# ---------------------------------------------------------------- the staged ladder


def test_a_staged_ladder_climbs_each_size_up_its_rungs():
    model = runs("staged", {"other_labs": {"enabled": False}, "partners": {"count": 0},
                            "access_controls": {"gated": {"leak_probability": 0.0}}},
                 spacing_weeks=10, rung_weeks=5, ladder=["hosted", "api", "gated"],
                 partners_first=False)[0]
    levels = model.size_records["access_level"]
    assert (levels[0:5, 0] == Access.HOSTED).all() and (levels[5:10, 0] == Access.API).all()
    assert (levels[10:, 0] == Access.GATED).all()
    assert (levels[:10, 1] == Access.UNRELEASED).all() and levels[10, 1] == Access.HOSTED
    assert (levels[20:25, 1] == Access.GATED).all() and levels[30, 3] == Access.HOSTED


def test_the_default_ladder_is_public_weights_at_each_stage():
    before = runs("staged")
    after = runs("staged", ladder=["public"], rung_weeks=3)
    for a, b in zip(before, after, strict=True):
        np.testing.assert_array_equal(a.size_records["harm"], b.size_records["harm"])


def test_a_size_published_by_others_goes_to_the_last_rung_at_once():
    strategy = resolve_strategy(StrategySpec(kind="staged", ladder=["hosted", "api"],
                                             spacing_weeks=50))
    strategy.reset()
    levels = strategy.access(view(week=1, published=[False, False, True, False]))
    assert levels[:3] == [Access.API] * 3 and levels[3] == Access.PARTNERS


# ---------------------------------------------------------------- the controls


def test_know_your_customer_keeps_kinds_off_the_api():
    off, on = runs("api_only"), runs("api_only", controls(know_your_customer={}))
    assert total(on, "malicious_items") < total(off, "malicious_items")


def test_rate_limit_caps_api_volume_per_account():
    off = runs("api_only")
    loose = runs("api_only", controls(rate_limit={"items_per_week": 1e6}))
    tight = runs("api_only", controls(rate_limit={"items_per_week": 10}))
    assert total(loose, "malicious_items") == pytest.approx(total(off, "malicious_items"))
    assert total(tight, "malicious_items") < 0.5 * total(off, "malicious_items")


def test_revocation_cuts_output_and_grows_with_the_cost_of_a_new_account():
    off = total(runs("api_only"), "malicious_items")
    cheap = total(runs("api_only", controls(revocation={"new_account_weeks": 0.0})),
                  "malicious_items")
    dear = total(runs("api_only", controls(revocation={"new_account_weeks": 8.0})),
                 "malicious_items")
    assert cheap == pytest.approx(off) and dear < off


def test_watermark_raises_detection_unless_removing_it_is_free():
    off = runs("api_only")
    dear = runs("api_only", controls(watermark={"removal_cost": 100.0}))
    free = runs("api_only", controls(watermark={"removal_cost": 0.0}))

    def undetected(models):
        return 1 - total(models, "detected_items") / total(models, "malicious_items")

    assert undetected(dear) < undetected(off)
    assert total(free, "harm") == pytest.approx(total(off, "harm"), rel=1e-9)
    # downloaded weights carry no watermark: full release is untouched
    assert total(runs("full", controls(watermark={})), "harm") == total(runs("full"), "harm")


def test_fine_tuning_removes_safeguards_from_weights_but_not_from_the_api():
    ft = {"cost": 0.0, "capacity_gain": 0.0}
    off_full, off_api = total(runs("full"), "gross_harm"), total(runs("api_only"), "gross_harm")
    # free fine-tuning with no gain: weights are used as if they had no safeguards
    free = total(runs("full", controls(fine_tuning=ft)), "gross_harm")
    assert free == pytest.approx(off_full, rel=1e-9)
    # too dear to fine-tune: the safeguards hold on weights too
    dear = total(runs("full", controls(fine_tuning={"cost": 100.0})), "gross_harm")
    assert dear < off_full
    # behind the API the safeguards cannot be tuned away
    assert total(runs("api_only", controls(fine_tuning=ft)), "gross_harm") < off_api
    # fine-tuning that raises capacity raises harm from weights
    gain = total(runs("full", controls(fine_tuning={"cost": 0.0, "capacity_gain": 1.0})),
                 "gross_harm")
    assert gain > off_full


# ---------------------------------------------------------------- a scenario's check


def test_controls_on_with_an_interface_strategy_validate():
    scenario_from_dict({"strategies": ["api_only", "hosted_access", "gated_download"],
                        **controls(know_your_customer={}, rate_limit={}, revocation={},
                                   watermark={}, fine_tuning={})})
