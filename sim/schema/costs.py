"""What running a size costs users, and how that changes over calendar time."""

from __future__ import annotations

from datetime import date

from sim.schema.section import F, Section


class Costs(Section):
    """What running a size costs users, and how that changes."""

    api_price_share: float = F(
        0.2,
        "Price per item through a hosted API, as a share of the compute an actor needs to run "
        "the weights itself: the provider batches requests and the user holds no weights. "
        "Assumption.",
        gt=0,
        le=1,
    )
    inference_halving_weeks: float = F(
        70.0,
        "Weeks for the compute per item of a given size to halve (hardware and software). "
        "Assumption, the same order as other_labs.cost_halving_weeks.",
        gt=0,
        le=10000,
    )
    as_of: date = F(
        date(2019, 2, 14),
        "Date on which a size of 1.5B parameters costs 1 unit of compute per item, the unit "
        "of the actors' resources (malicious kinds, developers); the inference clock runs "
        "from here over calendar time, so a scenario starting later starts with cheaper "
        "inference. Source: the resources were set against the 2019 GPT-2 record, from the "
        "announcement (2019-02-14).",
    )
