"""What nobody knows in advance: the possible worlds of misuse and the prior over them."""

from __future__ import annotations

import difflib

from pydantic import Field, model_validator

from sim.schema.section import F, Section


class MisuseWorld(Section):
    """One possible truth about how much the family will be misused."""

    probability: float = F(0.0, "Prior probability of this world.", ge=0, le=1)
    misuse_multiplier: float = F(
        1.0,
        "Scales the misuse effort directed at text generation in this world (items per active "
        "malicious actor-week, with or without the model): harm over the substitution "
        "baseline and the evidence scale with it.",
        gt=0,
        le=1000,
    )


def _default_worlds() -> dict[str, MisuseWorld]:
    # Assumption: in 2019 forecasts of GPT-2 misuse ranged from negligible to severe
    # (Solaiman et al. 2019, section on threat actors); a central world as calibrated, a
    # benign one at a quarter and a severe one at four times its misuse effort.
    return {
        "benign": MisuseWorld(probability=0.3, misuse_multiplier=0.25),
        "central": MisuseWorld(probability=0.5, misuse_multiplier=1.0),
        "severe": MisuseWorld(probability=0.2, misuse_multiplier=4.0),
    }


class Uncertainty(Section):
    """What nobody knows in advance: how much the family will be misused (MODEL.md, "Why labs
    stage"). Each replicate has one true world, the same for every strategy; a comparison's
    replicates meet the worlds in proportion to the prior (sim.draws.world_quantile)."""

    worlds: dict[str, MisuseWorld] = Field(
        default_factory=_default_worlds,
        description="Possible worlds by name with prior probabilities (normalised) and misuse "
        "multipliers. The releasing lab starts from this prior and updates it from misuse "
        "reports and partner findings (docs/model.md, Learning). Assumption.",
        min_length=1,
    )

    @model_validator(mode="after")
    def _some_probability(self) -> Uncertainty:
        if sum(w.probability for w in self.worlds.values()) <= 0:
            raise ValueError("the worlds' probabilities must not all be zero")
        return self

    def names(self) -> list[str]:
        return list(self.worlds)

    def prior(self) -> list[float]:
        total = sum(w.probability for w in self.worlds.values())
        return [w.probability / total for w in self.worlds.values()]

    def notes(self) -> list[str]:
        """What a reader of the prior must know before trusting it: probabilities that were
        rescaled, and two world names so alike that one may be a misspelling of the other
        (a misspelt world under `base:` adds a world instead of changing one)."""
        rescaled = self.rescaled()
        out = [rescaled] if rescaled else []
        names = list(self.worlds)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                if difflib.SequenceMatcher(None, a, b).ratio() >= 0.8:
                    out.append(f"the worlds '{a}' and '{b}' have nearly the same name; if one "
                               "is a misspelling of the other, the prior has an extra world")
        return out

    def rescaled(self) -> str | None:
        """What was done when the probabilities given do not add up to 1 (they are divided by
        their sum, as a sweep that sets one of them needs), in words; None when they add up
        to 1."""
        total = sum(w.probability for w in self.worlds.values())
        if abs(total - 1) <= 1e-9:
            return None
        used = ", ".join(f"{name} {p:.3g}" for name, p in zip(self.worlds, self.prior(),
                                                               strict=True))
        return (f"the worlds' prior probabilities add up to {total:.3g}, not 1; they are used "
                f"divided by their sum: {used}")

    def multipliers(self) -> list[float]:
        return [w.misuse_multiplier for w in self.worlds.values()]
