"""The scenario schema: every uncertainty and lever of the model, with meaning, unit and range.

A scenario YAML file is validated against `Scenario` (sim.scenario reads the file, merges its
`base:` chain and checks what the schema alone cannot: sim.inputs). Each default either cites
its source (the calibration file, the 2019 record) or says "assumption": a value to sweep, not
a fact. One module per section, as the agents have one file per actor.
"""

from sim.schema.access_controls import AccessControls
from sim.schema.beneficial import Beneficial, Domain
from sim.schema.costs import Costs
from sim.schema.defenders import Defenders, Monitors
from sim.schema.evidence import Evidence
from sim.schema.labs import MAX_OTHER_LABS, OtherLabs, Partners
from sim.schema.malicious import Malicious, MaliciousKind
from sim.schema.mapping import MappingParams
from sim.schema.scenario import ModelSize, Scenario, StrategySpec
from sim.schema.section import F, Section
from sim.schema.uncertainty import MisuseWorld, Uncertainty

__all__ = ["MAX_OTHER_LABS", "AccessControls", "Beneficial", "Costs", "Defenders", "Domain",
           "Evidence", "F", "Malicious", "MaliciousKind", "MappingParams", "MisuseWorld",
           "ModelSize", "Monitors", "OtherLabs", "Partners", "Scenario", "Section",
           "StrategySpec", "Uncertainty"]
