"""Reading and validating scenario files."""

from hourcircle.io.scenario import Product, Scenario, load_scenario

__all__ = ["Product", "Scenario", "load_scenario"]
