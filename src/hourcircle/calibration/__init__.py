"""Calibration: fit travel profiles to published figures, split them by a fixed rule, report the errors.

:mod:`.fit` fits and scores profiles, :mod:`.split` is the rule that holds figures out,
:mod:`.report` measures errors by region and trip length.
"""

from hourcircle.calibration.fit import (
    Fit,
    band,
    cross_validate_rail,
    cross_validate_road,
    fit_road,
    log_loss,
    mdape,
    score_rail,
    train_minutes,
)

__all__ = ["Fit", "band", "cross_validate_rail", "cross_validate_road", "fit_road", "log_loss", "mdape",
           "score_rail", "train_minutes"]
