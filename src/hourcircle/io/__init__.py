"""Reading and validating scenario files into the domain model (:mod:`hourcircle.scenario`)."""

from hourcircle.io.load import load_scenario

__all__ = ["load_scenario"]
