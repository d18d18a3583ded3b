"""What nobody knows in advance: the possible worlds of misuse and the prior over them."""

from __future__ import annotations

import difflib

from pydantic import Field, model_validator

from sim.schema.section import F, Section

SHOWN = 8  # worlds listed by name in a note; more are counted


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
        """What a reader of the prior must know before trusting it: the default worlds kept
        beside worlds a file adds (a scenario's worlds merge onto the defaults, so a file that
        names one world of its own has four), probabilities that were rescaled, and world
        names so alike that one may be a misspelling of another (a misspelt world under
        `base:` adds a world instead of changing one), counted when there are many."""
        out = []
        kept = self.kept_defaults()
        if kept:
            added = [n for n in self.worlds if n not in kept]
            out.append(f"the prior keeps the default worlds {_and(kept)} beside "
                       f"{_and(added)} (a scenario's worlds are added to the defaults); for a "
                       "prior of only the scenario's own worlds, remove the defaults with "
                       + ", ".join(f"'{n}: null'" for n in kept) + " under uncertainty.worlds")
        rescaled = self.rescaled()
        if rescaled:
            out.append(rescaled)
        alike = self.alike_names()
        if len(alike) == 1:
            a, b = alike[0]
            out.append(f"the worlds '{a}' and '{b}' have nearly the same name; if one is a "
                       "misspelling of the other, the prior has an extra world")
        elif alike:
            shown = ", ".join(f"'{a}' and '{b}'" for a, b in alike[:3])
            out.append(f"{len(alike)} pairs of worlds have nearly the same name ({shown}"
                       f"{', ...' if len(alike) > 3 else ''}); if a name is a misspelling of "
                       "another, the prior has an extra world")
        return out

    def kept_defaults(self) -> list[str]:
        """The default worlds, unchanged, when the prior has other worlds beside them."""
        defaults = _default_worlds()
        kept = [n for n, w in defaults.items() if self.worlds.get(n) == w]
        return kept if len(kept) == len(defaults) and len(self.worlds) > len(kept) else []

    def alike_names(self) -> list[tuple[str, str]]:
        """Pairs of world names so alike (difflib ratio 0.8 or more) that one may be a
        misspelling of the other."""
        names = list(self.worlds)
        pairs = []
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                matcher = difflib.SequenceMatcher(None, a, b)
                if matcher.real_quick_ratio() >= 0.8 and matcher.ratio() >= 0.8:
                    pairs.append((a, b))
        return pairs

    def rescaled(self) -> str | None:
        """What was done when the probabilities given do not add up to 1 (they are divided by
        their sum, as a sweep that sets one of them needs), in words; None when they add up
        to 1."""
        total = sum(w.probability for w in self.worlds.values())
        if abs(total - 1) <= 1e-9:
            return None
        pairs = list(zip(self.worlds, self.prior(), strict=True))
        used = ", ".join(f"{name} {p:.3g}" for name, p in pairs[:SHOWN]) + (
            f", ... ({len(pairs)} worlds)" if len(pairs) > SHOWN else "")
        return (f"the worlds' prior probabilities add up to {total:.3g}, not 1; they are used "
                f"divided by their sum: {used}")

    def multipliers(self) -> list[float]:
        return [w.misuse_multiplier for w in self.worlds.values()]


def _and(names: list[str], shown: int = 5) -> str:
    """'a', 'b' and 'c'; the first few of a long list, then how many more."""
    quoted = [f"'{n}'" for n in names]
    if len(quoted) > shown:
        return ", ".join(quoted[:shown]) + f" and {len(quoted) - shown} more"
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
