"""hourcircle: the N-hour industry circles of a supply network.

Examples
--------
>>> import hourcircle
>>> times = hourcircle.TravelTimes.for_scenario(hourcircle.datasets.bundled())
>>> times.resolve("合肥")
'hefei'
"""

from hourcircle import datasets
from hourcircle.engine import Engine
from hourcircle.errors import HourcircleError, InputError, NameLookupError
from hourcircle.io import Product, Scenario, load_scenario
from hourcircle.network import TravelNetwork, build_network
from hourcircle.settings import TravelSettings
from hourcircle.traveltimes import Route, TravelTimes

__all__ = [
    "Engine",
    "HourcircleError",
    "InputError",
    "NameLookupError",
    "Product",
    "Route",
    "Scenario",
    "TravelNetwork",
    "TravelSettings",
    "TravelTimes",
    "build_network",
    "datasets",
    "load_scenario",
]
__version__ = "0.1.0"
