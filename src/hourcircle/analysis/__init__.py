"""The questions users ask: pure functions, a network in and new DataFrames out.

Examples
--------
>>> from hourcircle import TravelTimes, datasets
>>> from hourcircle.analysis import circles, coverage
>>> summary = circles(coverage(TravelTimes.for_scenario(datasets.bundled())))
>>> int(summary["complete"].sum()) > 0
True
"""

from hourcircle.analysis.coverage import circles, coverage
from hourcircle.analysis.disrupt import disrupt, impact, sweep
from hourcircle.analysis.gaps import chain_gaps, missing_links
from hourcircle.analysis.locate import locate, plant_set
from hourcircle.analysis.reach import reach_bands, share_within
from hourcircle.analysis.run import Results, analyse

__all__ = ["Results", "analyse", "chain_gaps", "circles", "coverage", "disrupt", "impact", "locate",
           "missing_links", "plant_set", "reach_bands", "share_within", "sweep"]
