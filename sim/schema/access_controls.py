"""The scenario's section on the release gradient: the levels new to it (hosted access, gated
download, the research tier) and the provider's access controls (Shevlane 2022, structured
access: know-your-customer checks, rate limits, monitoring and revocation; watermarking of
interface output; the fine-tuning risk particular to downloaded weights).

Every control has a switch; with every switch off (the default) and no strategy using the new
levels, the model is exactly the model before the gradient (tests/test_gradient.py). Each
figure cites its source or says "assumption", and the when-each-wins sweep gives each a range
(scenarios/sweeps/when_each_wins.yaml). The rules live with the actors that act
(docs/model.md, "The release gradient and structured access"): the provider vets, limits,
monitors, revokes and marks (sim/agents/provider.py), licensees leak (sim/agents/licensees.py),
platforms detect watermarks (sim/agents/defenders.py), malicious actors choose a door and pay
its costs (sim/agents/malicious.py).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from sim.schema.section import F, Section

KEPT_OUT_FIELD = "malicious.kinds.<kind>.kyc_kept_out"


class Hosted(Section):
    """Hosted access: the model behind an interface the provider runs (a chat page), no API."""

    items_per_week: float = F(
        50.0,
        "Items a week one account can get through the hosted interface (a person typing into "
        "a page, not a program calling an API). Assumption: a few an hour over a working week.",
        gt=0, le=1e9,
    )
    monitoring: float = F(
        0.8,
        "Share of misuse through the hosted interface that the provider catches: it sees "
        "every request and the account behind it. Assumption, above defenders.api_monitoring "
        "(0.5), where programs send requests in bulk.",
        ge=0, le=1,
    )
    value_share: float = F(
        0.3,
        "Value of hosted access to a developer relative to weights: people can use it, "
        "applications cannot be built on it. Assumption.",
        ge=0, le=1,
    )


class Gated(Section):
    """Gated download: weights to approved applicants under a licence."""

    leak_probability: float = F(
        0.02,
        "Weekly chance that some licensee posts the weights of a gated size for anyone (the "
        "size becomes public by leak). Assumption: licensees are many more than four partners "
        "(partners.leak_probability is per partner); Meta's LLaMA, gated to researchers on "
        "2023-02-24, was posted publicly on 2023-03-03, which the swept range (up to 0.5 a "
        "week) covers.",
        ge=0, le=1,
    )
    value_share: float = F(
        0.9,
        "Value of gated weights to a developer relative to public weights: an application, a "
        "wait and a licence's terms. Assumption.",
        ge=0, le=1,
    )


class ResearchTier(Section):
    """A vetted research tier with access to model internals (Shevlane 2022)."""

    research_rate: float = F(
        0.02,
        "Weekly detection-research progress on a size while a vetted research tier can query "
        "it and its internals (progress 1 = the best detector is reached). Assumption: between "
        "defenders.research_rate_api (outputs only) and research_rate_public (weights).",
        ge=0, le=1,
    )


class KnowYourCustomer(Section):
    """Identity checks on the customers of the hosted interface and the API."""

    enabled: bool = F(
        False,
        "Whether the provider checks who its hosted and API customers are. On: the share of "
        f"each malicious kind that the checks keep out ({KEPT_OUT_FIELD}) cannot use those "
        "doors. Gated downloads always vet their applicants with the same shares, whatever "
        "this switch.",
    )

    @model_validator(mode="before")
    @classmethod
    def _shares_are_per_kind(cls, data: Any) -> Any:
        if isinstance(data, dict):
            extra = sorted(k for k in data if k != "enabled")
            if extra:
                raise ValueError(
                    f"{', '.join(map(str, extra))}: the share of each malicious kind that the "
                    f"checks keep out is a field of the kind, {KEPT_OUT_FIELD} (so it can never "
                    "name a kind that does not exist); this section holds only 'enabled'")
        return data


class RateLimit(Section):
    """A cap on the volume one account gets through the API."""

    enabled: bool = F(False, "Whether the API caps each account's volume.")
    items_per_week: float = F(
        200.0,
        "Items a week one API account may get (one actor, one account; more accounts are what "
        "know-your-customer checks make costly). Assumption: an entry tier's cap of a few "
        "dozen requests a day; paid tiers allow far more (the swept range reaches 10,000, "
        "above every malicious kind's volume, where the limit binds nobody).",
        gt=0, le=1e9,
    )


class Revocation(Section):
    """Cutting off accounts whose abuse the provider's monitoring detects."""

    enabled: bool = F(
        False,
        "Whether the provider cuts off the hosted and API accounts its monitoring flags. It "
        "needs monitoring: defenders.api_monitoring and access_controls.hosted.monitoring are "
        "the weekly chance an abusive account is flagged.",
    )
    delay_weeks: float = F(
        2.0,
        "Weeks from an account being flagged to its cut-off (review, appeal). Assumption.",
        ge=0, le=520,
    )
    new_account_weeks: float = F(
        2.0,
        "Weeks of output an actor loses to open a new account after a cut-off (a new identity, "
        "payment details, and with know-your-customer on, the checks again). Assumption.",
        ge=0, le=520,
    )


class Watermark(Section):
    """A statistical watermark in the output of the hosted interface and the API."""

    enabled: bool = F(
        False,
        "Whether the provider watermarks what its hosted interface and API write. Downloaded "
        "weights carry no watermark (whoever runs them samples as they like).",
    )
    detection_gain: float = F(
        0.5,
        "Share of the gap between a platform's deployed detector and certainty that checking "
        "the watermark closes on marked output. Assumption: a watermark is detected almost "
        "surely in a few hundred tokens (Kirchenbauer et al. 2023) but only where platforms "
        "check it and the text is long enough.",
        ge=0, le=1,
    )
    removal_cost: float = F(
        0.5,
        "Extra compute per item to remove the watermark (paraphrasing the output with another "
        "model), as a share of the item's price. Paraphrasing defeats watermarks (Krishna et "
        "al. 2023; Sadasivan et al. 2023); its cost here is an assumption.",
        ge=0, le=100,
    )


class FineTuning(Section):
    """Safeguards of the lab's models, and fine-tuning them away from downloaded weights."""

    enabled: bool = F(
        False,
        "Whether the lab's models carry safeguards (refusal training) that cut their misuse "
        "capacity, through every door, and whether holders of the lab's downloaded weights "
        "(public or gated) can fine-tune the safeguards away. Through the hosted interface and "
        "the API they cannot: the provider holds the weights.",
    )
    safeguard_effect: float = F(
        0.5,
        "Share of misuse capacity the safeguards remove from the output of the lab's model as "
        "released. Assumption.",
        ge=0, le=1,
    )
    cost: float = F(
        0.05,
        "Extra compute per item, spread over the actor's use, to fine-tune the safeguards "
        "away, as a share of running the weights. Source for the order: 10 to 100 examples and "
        "under $200 of compute removed the safeguards of GPT-3.5 and Llama 2 (Qi et al. 2023; "
        "Lermen et al. 2023), small against running a model at volume.",
        ge=0, le=100,
    )
    capacity_gain: float = F(
        0.2,
        "Share added to misuse capacity by fine-tuning on the actor's own task (a style, a "
        "language, a target). Assumption.",
        ge=0, le=10,
    )


class AccessControls(Section):
    """The gradient's levels and the provider's controls (docs/model.md)."""

    hosted: Hosted = Field(default_factory=Hosted)
    gated: Gated = Field(default_factory=Gated)
    research: ResearchTier = Field(default_factory=ResearchTier)
    know_your_customer: KnowYourCustomer = Field(default_factory=KnowYourCustomer)
    rate_limit: RateLimit = Field(default_factory=RateLimit)
    revocation: Revocation = Field(default_factory=Revocation)
    watermark: Watermark = Field(default_factory=Watermark)
    fine_tuning: FineTuning = Field(default_factory=FineTuning)

    def switched_on(self) -> list[str]:
        """The controls whose switch is on, by field name."""
        return [name for name in CONTROL_DOORS if getattr(self, name).enabled]


# The doors (access levels, by name) each control acts on; a control that is on when no
# compared strategy ever serves a size through one of them would change nothing.
CONTROL_DOORS = {
    "know_your_customer": ("hosted", "api"),
    "rate_limit": ("api",),
    "revocation": ("hosted", "api"),
    "watermark": ("hosted", "api"),
    "fine_tuning": ("hosted", "api", "gated", "public"),
}
MONITORING = {  # door: the field of its monitoring share, and how to read it
    "hosted": ("access_controls.hosted.monitoring",
               lambda scenario: scenario.access_controls.hosted.monitoring),
    "api": ("defenders.api_monitoring", lambda scenario: scenario.defenders.api_monitoring),
}


def control_problems(scenario: Any, granted: list[set[str] | None]) -> list[tuple[str, str]]:
    """(field, message) for each control that cannot act: switched on while no compared
    strategy serves a size through a door it acts on, or revocation on a door the provider
    does not monitor. granted: per strategy, the levels (by name) it may grant, or None when
    it cannot say (a strategy of one's own: it may grant any)."""
    controls = scenario.access_controls
    on = controls.switched_on()
    if not on or any(g is None for g in granted):
        doors = set(DOOR_WORDS)
    else:
        doors = set().union(*granted) & set(DOOR_WORDS)
    problems = []
    for name in on:
        acts_on = CONTROL_DOORS[name]
        if not doors & set(acts_on):
            where = " or ".join(DOOR_WORDS[d] for d in acts_on)
            problems.append((
                f"access_controls.{name}.enabled",
                f"{name} acts on {where}, and no compared strategy serves a size "
                f"through {'it' if len(acts_on) == 1 else 'them'}, so it would change nothing; "
                f"compare a strategy that does ({strategies_through(acts_on)}) or switch it off"))
    if controls.revocation.enabled:
        for door in sorted(doors & set(MONITORING)):
            field, share = MONITORING[door]
            if share(scenario) == 0:
                problems.append((
                    "access_controls.revocation.enabled",
                    f"revocation cuts off the accounts that monitoring flags, and {field} is 0: "
                    f"no account of {DOOR_WORDS[door]} is ever flagged; set {field} above 0 or "
                    "switch revocation off"))
    return problems


STRATEGY_OF = {"hosted": "hosted_access", "api": "api_only", "gated": "gated_download",
               "public": "full, partnership_only"}


def strategies_through(doors: tuple[str, ...]) -> str:
    """The shipped strategies that serve sizes through these doors, in words."""
    ladder = " or ".join(f"'{d}'" for d in doors)
    return f"{', '.join(STRATEGY_OF[d] for d in doors)}, or staged with {ladder} in its ladder"


DOOR_WORDS = {"hosted": "the hosted interface", "api": "the API", "gated": "a gated download",
              "public": "public weights"}
