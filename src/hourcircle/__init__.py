"""hourcircle: the N-hour industry circles of a supply network.

The package's names load when first used, so that ``import hourcircle`` (and the command
line's start) stays fast.

Examples
--------
>>> import hourcircle
>>> times = hourcircle.TravelTimes.for_scenario(hourcircle.datasets.bundled())
>>> times.resolve("合肥")
'hefei'
>>> hourcircle.Query(times).hours
4.0
"""

TYPE_CHECKING = False  # importing the package runs no import: the console script's signal handlers come first
if TYPE_CHECKING:
    from typing import Any

    from hourcircle import datasets
    from hourcircle.engine import Engine
    from hourcircle.errors import ArgumentError, HourcircleError, InputError, NameLookupError, NoRouteError
    from hourcircle.io import load_scenario
    from hourcircle.network import TravelNetwork, build_network
    from hourcircle.profiles import TravelSettings
    from hourcircle.scenario import Product, Scenario
    from hourcircle.travel.query import Query
    from hourcircle.travel.removals import Removal
    from hourcircle.travel.route import Route
    from hourcircle.travel.times import TravelTimes

_WHERE = {
    "datasets": "hourcircle.datasets",
    "Engine": "hourcircle.engine",
    "ArgumentError": "hourcircle.errors", "HourcircleError": "hourcircle.errors", "InputError": "hourcircle.errors",
    "NameLookupError": "hourcircle.errors", "NoRouteError": "hourcircle.errors",
    "Product": "hourcircle.scenario", "Scenario": "hourcircle.scenario", "load_scenario": "hourcircle.io",
    "TravelNetwork": "hourcircle.network", "build_network": "hourcircle.network",
    "Query": "hourcircle.travel.query",
    "Removal": "hourcircle.travel.removals",
    "TravelSettings": "hourcircle.profiles",
    "Route": "hourcircle.travel.route", "TravelTimes": "hourcircle.travel.times",
}

__all__ = ["ArgumentError", "Engine", "HourcircleError", "InputError", "NameLookupError", "NoRouteError", "Product",
           "Query", "Removal", "Route", "Scenario", "TravelNetwork", "TravelSettings", "TravelTimes", "__version__",
           "build_network", "datasets", "load_scenario"]



def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hourcircle")
    except PackageNotFoundError:  # a source checkout that was never installed
        return "0+unknown"


def __getattr__(name: str) -> "Any":
    """Import a public name's module on first use.

    Parameters
    ----------
    name : str
        A name of :data:`__all__`, or ``__version__``.

    Returns
    -------
    object
        The class, function or module.

    Raises
    ------
    AttributeError
        For any other name.
    """
    if name == "__version__":  # read when asked: importing the package runs no code (see hourcircle._signals)
        globals()[name] = _version()
        return globals()[name]
    if name not in _WHERE:
        raise AttributeError(f"module 'hourcircle' has no attribute {name!r}")
    import importlib

    module = importlib.import_module(_WHERE[name])
    value = module if name == "datasets" else getattr(module, name)
    globals()[name] = value
    return value
