"""The questions users ask.

Pure functions: a :class:`~hourcircle.travel.query.Query` in and new DataFrames out.

Examples
--------
>>> from hourcircle import Query, TravelTimes, datasets
>>> from hourcircle.analysis import circles, coverage
>>> summary = circles(coverage(Query(TravelTimes.for_scenario(datasets.bundled()))))
>>> int(summary["complete"].sum()) > 0
True
"""

from hourcircle.analysis.access import accessibility
from hourcircle.analysis.chains import chains, sole_sources, tier_concentration, tier_links
from hourcircle.analysis.coverage import Coverage, circles, coverage
from hourcircle.analysis.criticality import sweep
from hourcircle.analysis.disrupt import disrupt, impact
from hourcircle.analysis.drawing import circle_drawing, reach_drawing
from hourcircle.analysis.gaps import chain_gaps, missing_links
from hourcircle.analysis.locate import locate, plant_set
from hourcircle.analysis.reach import population_bands, reach_bands, reached_sites, share_within
from hourcircle.analysis.run import Results, analyse
from hourcircle.analysis.tier_results import TierResults, analyse_tiers, chain_disruption, stage_table
from hourcircle.analysis.tiers import Tiers, site_circles, tier_circles

__all__ = ["Coverage", "Results", "accessibility", "analyse", "chain_gaps", "circle_drawing", "circles", "coverage",
           "disrupt", "impact", "locate", "missing_links", "plant_set", "population_bands", "reach_bands",
           "reach_drawing", "reached_sites", "share_within", "sweep"]
__all__ += ["TierResults", "Tiers", "analyse_tiers", "chain_disruption", "chains", "site_circles", "sole_sources",
            "stage_table", "tier_circles", "tier_concentration", "tier_links"]
