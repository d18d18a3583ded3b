"""The access ladder a model size moves along, and the routes by which a size becomes public."""

from enum import IntEnum


class Access(IntEnum):
    """Access level of one size (Solaiman 2023, "The Gradient of Generative AI Release")."""

    UNRELEASED = 0
    PARTNERS = 1  # weights shared with research partners
    API = 2  # hosted access: anyone may query it, nobody holds the weights
    PUBLIC = 3  # weights downloadable by anyone


LEVEL_NAMES = {a.value: a.name.lower() for a in Access}

# How a size became public. Leaks and open replications make a size public whatever the strategy.
ROUTES = ("release", "leak", "replication", "never")
