"""Developers and researchers who build useful applications, by domain."""

from __future__ import annotations

from pydantic import Field

from sim.schema.section import F, Section


class Domain(Section):
    share: float = F(0.25, "Share of developers in this domain (shares are normalised).", gt=0)
    value_weight: float = F(1.0, "Value of one developer-week here relative to others.", ge=0)


class Beneficial(Section):
    """Developers and researchers who build useful applications."""

    developers: int = F(5000, "Potential developers (unit: developers).", ge=0, le=10_000_000)
    adoption_rate: float = F(
        0.03,
        "Weekly adoption chance for a developer who can reach a size, at reference "
        "quality. Assumption.",
        ge=0,
        le=1,
    )
    resources_median: float = F(0.5, "Median developer compute (as for malicious actors).", gt=0)
    resources_spread: float = F(1.0, "Log-normal sigma of developer compute.", ge=0, le=4)
    api_value_share: float = F(
        0.7,
        "Value of API-only access relative to weights (fine-tuning, offline use).",
        ge=0,
        le=1,
    )
    value_per_developer: float = F(
        1.0, "Value units per adopted developer-week at reference quality.", ge=0
    )
    domains: dict[str, Domain] = Field(
        default_factory=lambda: {
            "writing_assistants": Domain(share=0.35, value_weight=1.0),
            "dialogue": Domain(share=0.25, value_weight=1.0),
            "translation": Domain(share=0.2, value_weight=1.2),
            "speech": Domain(share=0.2, value_weight=0.8),
        },
        description="Application domains (brief: writing assistants, dialogue, translation, "
        "speech). Shares and value weights are assumptions.",
        min_length=1,
    )
