"""The access ladder a model size moves along, and the routes by which a size becomes public.

The ladder follows Solaiman 2023, "The Gradient of Generative AI Release" (fully closed,
gradual or staged, hosted access, cloud-based or API access, downloadable, fully open), with
the two closed tiers of structured access beside it (Shevlane 2022: research partners holding
the weights, and a vetted research tier with access to model internals). Staging is not a
level: it is a strategy that moves sizes up the ladder over time. A size is at one level at a
time and levels only rise.

The values are spaced by ten. Before the gradient the ladder had four levels numbered 0 to 3
(unreleased, partners, API, public); 1, 2 and 3 are no level now, so a strategy of one's own
that returns those integers gets an error saying what they meant (sim.strategies.base.
checked_levels), never a silent change of meaning. Write levels by name (`Access.API`) and
compare them by name (`view.level >= Access.HOSTED`); the order of the values is the order
of the ladder.
"""

from enum import IntEnum


class Access(IntEnum):
    """Access level of one size, lowest first."""

    UNRELEASED = 0  # fully closed: only the lab
    PARTNERS = 10  # weights shared with research partners
    RESEARCH = 20  # a vetted research tier queries the model and its internals; no weights
    HOSTED = 30  # an interface only (no API): low volume, the provider sees every request
    API = 40  # cloud/API access: anyone who passes the provider's checks, nobody holds weights
    GATED = 50  # downloadable weights for approved applicants under a licence
    PUBLIC = 60  # weights downloadable by anyone


LADDER = list(Access)  # lowest first
LEVEL_NAMES = {a.value: a.name.lower() for a in Access}
# the values of the ladder before the gradient (1-3): what each integer meant then
FORMER_LEVELS = {1: "PARTNERS", 2: "API", 3: "PUBLIC"}


def level_index(value: int) -> int:
    """Position of a level on the ladder (0 = unreleased), e.g. for a categorical column."""
    return LADDER.index(Access(int(value)))


def level_named(name: str) -> Access:
    """The level with this name ('api', 'gated'), as a scenario file writes it."""
    return Access[name.upper()]


# How a size became public. Leaks and open replications make a size public whatever the strategy.
ROUTES = ("release", "leak", "replication", "never")
