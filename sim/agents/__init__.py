"""The actors of the world, one kind per module (see docs/model.md for each rule)."""

from sim.agents.beneficial import BeneficialUsers
from sim.agents.defenders import DetectionResearch, Platforms
from sim.agents.evidence import PublicEvidence
from sim.agents.lab import ReleasingLab
from sim.agents.licensees import Licensees
from sim.agents.malicious import MaliciousActors
from sim.agents.monitors import Monitor
from sim.agents.other_labs import OtherLab
from sim.agents.partners import ResearchPartners
from sim.agents.provider import Provider

__all__ = [
    "BeneficialUsers",
    "DetectionResearch",
    "Licensees",
    "MaliciousActors",
    "Monitor",
    "OtherLab",
    "Platforms",
    "Provider",
    "PublicEvidence",
    "ReleasingLab",
    "ResearchPartners",
]
