"""Malicious actors: the kinds (each an array-backed population) and what curation and proofs of
concept do.
"""

from __future__ import annotations

from pydantic import Field

from sim.schema.section import F, Section


class MaliciousKind(Section):
    """One kind of malicious actor (an array-backed population)."""

    count: int = F(100, "Potential actors of this kind (unit: actors).", ge=0, le=1_000_000)
    initially_active: float = F(0.1, "Share active at the start.", ge=0, le=1)
    entry_rate: float = F(
        0.01, "Weekly chance an inactive actor takes up text generation.", ge=0, le=1
    )
    resources_median: float = F(
        0.3,
        "Median compute per actor, as the share of full output volume it can reach with the "
        "1.5B size (smaller sizes cost proportionally less).",
        gt=0,
        le=1000,
    )
    resources_spread: float = F(1.0, "Log-normal sigma of resources.", ge=0, le=4)
    skill: float = F(0.5, "Share of outputs put to effective use (0-1).", ge=0, le=1)
    curation: float = F(
        0.0,
        "Share of effort on human curation of outputs: trades volume for quality and evasion.",
        ge=0,
        le=1,
    )
    volume: float = F(100.0, "Items per week an active actor produces at full volume.", ge=0)
    reach: float = F(100.0, "People reached per undetected item.", ge=0)
    can_train: bool = F(False, "Whether the kind can train (replicate) its own models.")
    train_resources: float = F(
        0.5, "Replication resources if it can train (same units as other labs).", gt=0, le=100
    )
    uses_api: bool = F(
        True,
        "Whether the kind uses the provider's interfaces (the API, and hosted access) when "
        "one is the best it can reach.",
    )
    kyc_kept_out: float = F(
        0.3,
        "Share of this kind's actors that identity checks keep out: at a gated download "
        "always, at the hosted interface and the API when access_controls.know_your_customer "
        "is on. Assumption.",
        ge=0,
        le=1,
    )
    substitute_volume: float = F(
        0.0,
        "Items per week an active actor of this kind produces without any model of the family "
        "(human-written text or older tools): what it would do anyway (substitution; Kapoor et "
        "al. 2024, marginal risk). 0: nothing, so all AI-written output counts as harm.",
        ge=0,
    )
    substitute_quality: float = F(
        1.0,
        "Quality of that output on the calibration's quality index (1 = human-written).",
        ge=0,
        le=1,
    )
    substitute_detection: float = F(
        0.0,
        "Chance that an item of that output is detected and removed (spam filters catch "
        "templates, rarely human writing).",
        ge=0,
        le=1,
    )


def _default_kinds() -> dict[str, MaliciousKind]:
    # All figures below are assumptions meant to be swept; docs/model.md explains each kind,
    # including what each would produce without the model (substitute_*).
    return {
        "state_propaganda": MaliciousKind(
            count=5,
            initially_active=0.4,
            entry_rate=0.02,
            resources_median=20.0,
            resources_spread=0.5,
            skill=0.8,
            curation=0.6,
            volume=500,
            reach=200,
            can_train=True,
            train_resources=1.5,
            uses_api=False,
            # state-backed groups work through front companies, and were found holding API
            # accounts (OpenAI, 'Disrupting malicious uses of AI', 2024): checks stop few
            kyc_kept_out=0.1,
            # a troll farm writes by hand: few items, human quality, rarely flagged as text
            substitute_volume=50,
            substitute_quality=1.0,
            substitute_detection=0.05,
        ),
        "spam_phishing": MaliciousKind(
            count=2000,
            initially_active=0.05,
            entry_rate=0.004,
            resources_median=0.1,
            resources_spread=1.2,
            skill=0.3,
            curation=0.0,
            volume=500,
            reach=5,
            kyc_kept_out=0.5,  # bought and stolen identities are cheap, but checks cost them
            # template and spinner tools: as many items, low quality, mostly filtered
            substitute_volume=500,
            substitute_quality=0.1,
            substitute_detection=0.8,
        ),
        "harassment": MaliciousKind(
            count=500,
            initially_active=0.05,
            entry_rate=0.003,
            resources_median=0.05,
            resources_spread=1.0,
            skill=0.4,
            curation=0.3,
            volume=50,
            reach=200,
            kyc_kept_out=0.3,
            substitute_volume=10,
            substitute_quality=1.0,
            substitute_detection=0.1,
        ),
        "fake_reviews": MaliciousKind(
            count=300,
            initially_active=0.05,
            entry_rate=0.005,
            resources_median=0.2,
            resources_spread=1.0,
            skill=0.5,
            curation=0.2,
            volume=300,
            reach=30,
            kyc_kept_out=0.4,
            # paid human reviewers and review spinners
            substitute_volume=40,
            substitute_quality=0.6,
            substitute_detection=0.3,
        ),
    }


class Malicious(Section):
    kinds: dict[str, MaliciousKind] = Field(
        default_factory=_default_kinds,
        description="Kinds of malicious actor by name; at least one.",
        min_length=1,
    )
    curation_volume_cost: float = F(
        0.8, "Share of volume lost at full curation (curation = 1). Assumption.", ge=0, le=1
    )
    curation_quality_gain: float = F(
        0.5, "Share of the gap to human quality closed by full curation. Assumption.", ge=0, le=1
    )
    proof_of_concept_rate: float = F(
        0.02,
        "Weekly chance of a public misuse proof of concept per unit of misuse capacity of the "
        "best public size. Assumption.",
        ge=0,
        le=1,
    )
    proof_of_concept_boost: float = F(
        2.0, "Entry-rate multiplier once a proof of concept is public (1 = no effect).", ge=1, le=50
    )
