"""minternet: a hermetic mini-internet of real DNS servers on loopback."""

from .common import MinternetError
from .scenario import ScenarioError
from .world import World, default_dnsdeps

__all__ = ["World", "MinternetError", "ScenarioError", "default_dnsdeps"]
