"""How quality turns into misuse capacity, beneficial value and evasion of detection."""

from __future__ import annotations

from sim.schema.section import F, Section


class MappingParams(Section):
    """How quality turns into misuse capacity, beneficial value and evasion of detection."""

    misuse_elasticity: float = F(
        2.0,
        "Misuse capacity per item = (quality / reference quality) ** this. Reference: the "
        "calibration's largest size. Assumption (to be swept); >1 means coherence matters more "
        "than linearly for persuasion.",
        ge=0,
        le=10,
    )
    benefit_elasticity: float = F(
        1.5,
        "Beneficial value per developer = (quality / reference quality) ** this. Assumption.",
        ge=0,
        le=10,
    )
    evasion_multiplier: float = F(
        1.0,
        "Scales the calibrated detector evasion of every size (1 = as calibrated). Sweep it to "
        "ask how much the conclusions rest on the detector figures.",
        ge=0,
        le=5,
    )
