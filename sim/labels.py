"""Words for the scenario's parameters, in one place: what the decision summary, the sweep
pages and charts call a lever or an uncertainty ('partners.leak_probability' -> 'Weekly chance
that a partner leaks the weights'), and a sweep region's rule in words.

The dotted path stays the name a scenario file and a sweep file use; these words are for
readers. Parameters without a listed name are read from their path.
"""

from __future__ import annotations

import re

# Strategies by the names a reader uses; a strategy not listed reads from its name
STRATEGY_NAMES = {
    "full": "Full release",
    "staged": "Staged release",
    "partnership_only": "Partnership only",
    "api_only": "API only",
    "closed": "Closed (nothing released)",
    "history_2019": "GPT-2 as in 2019",
    "hosted_access": "Hosted access",
    "gated_download": "Gated download",
    "research_access": "Research access",
}
# A replicate (one draw of every random number, run under every strategy) is a 'simulated
# future' wherever an adviser reads: 'world' names the prior's possible truths (benign,
# central, severe) and would say two things at once
REPLICATE_WORD = "simulated future"
HARM_WORDS = "units of harm"  # the harm unit in a sentence (a unit: HARM_UNIT_MEANING)
VALUE_WORDS = "thousand developer-weeks of beneficial use"
HARM_UNIT_MEANING = ("a million malicious items that no platform caught, each counted by the "
                     "people it reaches, its maker's skill and how capable the model is (the "
                     "largest GPT-2 counts 1), over what the same actors would have done "
                     "without the model")


# What each outcome means, written for a reader (the registry's descriptions are written for
# researchers and name fields); the dashboard and the reports say these
OUTCOME_MEANINGS = {
    "harm": "Undetected malicious items, weighted by the people they reach, the skill of "
            "whoever made them and how capable the model made them, summed over the horizon, "
            "over and above what the same actors would have done without the model.",
    "gross_harm": "Misuse harm made with the models, before subtracting what the same actors "
                  "would have done anyway without them.",
    "marginal_harm": "Misuse harm minus the harm with nothing released, in the same simulated "
                     "future: the risk the release itself adds.",
    "share_undetected": "Malicious items no platform caught, out of all malicious items.",
    "beneficial_value": "Value of beneficial use: developer-weeks of building on a model, at "
                        "reference quality.",
    "net_value": "Beneficial value minus the harm weight times misuse harm. The harm weight is "
                 "your value judgement: how much benefit one unit of harm cancels.",
    "regret": "How much net value this strategy gives up against the best strategy in the "
              "same simulated future.",
    "lead_time_weeks": "Weeks from the first defender or partner access to a size to the first "
                       "malicious access to it.",
    "time_to_public_weeks": "Week the size's weights became public by any route.",
    "public_route": "Release by the lab, a leak by a partner, or a replication published by "
                    "another lab.",
}


def strategy_label(name: str) -> str:
    """Display name of a strategy: 'partnership_only' -> 'Partnership only'. A user's own
    label is kept as written; a twin run '<name> (prior belief)' keeps its suffix."""
    base, sep, rest = name.partition(" (")
    if base in STRATEGY_NAMES:
        return STRATEGY_NAMES[base] + (f" ({rest}" if sep else "")
    if "_" in name and " " not in name:
        return name.replace("_", " ").capitalize()
    return name


# the summary's phrases a researcher reads, and what an adviser reads instead
_PHRASES = {
    "paired on the same random numbers": "in the same simulated futures",
    "held-out accuracy": "accuracy on sweep scenarios it was not fitted to",
    "held-out points": "sweep scenarios it was not fitted to",
    "held-out sweep points": "sweep scenarios it was not fitted to",
    "(value judgements)": "(your value judgements)",
}
_REPLICATES = re.compile(r"\breplicates\b")
# 'to replicate the 1.5B model' (the verb) is followed by 'the' and left alone
_REPLICATE = re.compile(r"\b(one|each|every|same|a|per|any|single|the) replicate\b",
                        re.IGNORECASE)


def in_words(text: str, strategies=()) -> str:
    """A sentence of the decision summary in a reader's words: strategies by their display
    names ('the runner-up, partnership_only' reads 'the runner-up, Partnership only'),
    replicates as simulated futures, and no statistician's phrases. The summary itself speaks
    as a scenario file does (the CLI and decision.json keep its names)."""
    for phrase, plain in _PHRASES.items():
        text = text.replace(phrase, plain)
    names = sorted({*strategies, *STRATEGY_NAMES}, key=len, reverse=True)
    for name in names:
        text = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])(?! release)",
                      strategy_label(name), text)
    text = _REPLICATES.sub(REPLICATE_WORD + "s", text)
    return _REPLICATE.sub(rf"\1 {REPLICATE_WORD}", text)


PARAMETER_NAMES = {
    "harm_weight": "Harm weight (benefit lost per unit of harm)",
    "horizon_weeks": "Horizon (weeks from announcement)",
    "mapping.misuse_elasticity": "How much misuse grows with model quality (elasticity)",
    "mapping.evasion_multiplier": "How well misuse evades detectors (multiplier)",
    "other_labs.base_replication_weeks": "Weeks for another lab to replicate the 1.5B model",
    "other_labs.publish_share": "Share of other labs that publish their replication",
    "other_labs.growth_per_year": "Yearly growth of the number of labs able to replicate",
    "partners.leak_probability": "Weekly chance that a partner leaks the weights",
    "defenders.deployment_lag_weeks": "Weeks to deploy a new detector",
    "defenders.platform_coverage": "Share of platforms running detectors",
    "defenders.research_rate_public": "Detection research speed on public samples",
    "defenders.api_monitoring": "Share of API misuse the provider catches",
    "malicious.proof_of_concept_boost": "Extra misuse after a public proof of concept",
    "beneficial.adoption_rate": "Weekly chance a developer adopts a model",
    "beneficial.api_value_share": "Share of a model's value an API user gets",
    "evidence.items_per_report": "Misuse items behind one report the lab sees",
    "access_controls.know_your_customer.enabled": "Identity checks on hosted and API customers",
    "access_controls.rate_limit.enabled": "Rate limit on each API account",
    "access_controls.revocation.enabled": "Cut off accounts caught misusing",
    "access_controls.watermark.enabled": "Watermark on hosted and API output",
    "access_controls.fine_tuning.enabled": "Safeguards that downloaded weights can lose",
    "access_controls.gated.leak_probability": "Weekly chance gated weights leak",
    "access_controls.hosted.items_per_week": "Items a week per hosted account",
    "access_controls.rate_limit.items_per_week": "Items a week per API account (rate limit)",
    "access_controls.revocation.new_account_weeks": "Weeks to get a new account after a cut-off",
    "access_controls.watermark.detection_gain": "How much a watermark helps detection",
    "access_controls.watermark.removal_cost": "Cost of removing a watermark",
    "access_controls.fine_tuning.cost": "Cost of fine-tuning safeguards away",
    "access_controls.fine_tuning.safeguard_effect": "Share of misuse safeguards stop",
}

_WORLD_FIELDS = {"probability": "Prior probability of the {} world",
                 "misuse_multiplier": "Misuse multiplier of the {} world"}


def parameter_label(path: str) -> str:
    """A lever or uncertainty in words: 'partners.leak_probability' -> 'Weekly chance that a
    partner leaks the weights'; 'uncertainty.worlds.severe.probability' -> 'Prior probability
    of the severe world'; others from their dotted path ('Spam phishing: count')."""
    if path in PARAMETER_NAMES:
        return PARAMETER_NAMES[path]
    parts = path.split(".")
    if len(parts) == 4 and parts[:2] == ["uncertainty", "worlds"] and parts[3] in _WORLD_FIELDS:
        return _WORLD_FIELDS[parts[3]].format(parts[2])
    if parts[0] == "strategies" and len(parts) == 3:  # strategies.NAME.setting
        return f"{parts[1].replace('_', ' ').capitalize()}: {parts[2].replace('_', ' ')}"
    if parts[0] in ("malicious", "beneficial") and len(parts) >= 4:  # kinds.NAME.field
        return f"{parts[2].replace('_', ' ').capitalize()}: {parts[-1].replace('_', ' ')}"
    return ": ".join(p.replace("_", " ") for p in parts).capitalize()


def parameter_phrase(path: str) -> str:
    """The label inside a sentence: first letter lower-case, no parenthesis ('the harm
    weight' reads 'harm weight'); a name starting with an acronym keeps its capital."""
    label = re.sub(r"\s*\([^)]*\)$", "", parameter_label(path))
    first = label.split(" ", 1)[0]
    return label if first.isupper() or first[1:2].isupper() else label[:1].lower() + label[1:]


_CONDITION = re.compile(r"^(?P<name>\S+) (?P<op><=|>) (?P<value>\S+)$")


def rule_in_words(rule: str) -> str:
    """A sweep region's rule ('harm_weight <= 12.9 and defenders.deployment_lag_weeks > 3')
    in words ('harm weight at most 12.9 and weeks to deploy a new detector above 3'); both
    bounds of one assumption read as one range ('harm weight between 5.74 and 10.7'); a part
    that is not a condition is kept as written."""
    # assumption -> {op: value}, in the rule's order; a part that is not a condition -> {}
    parts: dict[str, dict[str, str]] = {}
    for part in rule.split(" and "):
        m = _CONDITION.match(part.strip())
        if m is None:
            parts[part] = {}
        else:
            parts.setdefault(m["name"], {})[m["op"]] = m["value"]
    said = []
    for name, b in parts.items():
        if not b:
            said.append(name)
        elif len(b) == 2:
            said.append(f"{parameter_phrase(name)} between {b['>']} and {b['<=']}")
        else:
            said.append(f"{parameter_phrase(name)} {'at most' if '<=' in b else 'above'} "
                        f"{next(iter(b.values()))}")
    return " and ".join(said)
