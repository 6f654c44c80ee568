"""Pure analytics over pandas DataFrames: segmentation, association rules, forecasts and scoring. Never imports Django."""

from ._frames import jsonable
from .association import RuleSet, mine_rules, recommend
from .errors import AnalyticsInputError
from .forecasting import Forecast, fit_forecast, period_totals
from .scoring import Classifier, Regressor, train_classifier, train_regressor
from .segmentation import Segmentation, rfm_table, segment_customers

__all__ = [
    "AnalyticsInputError",
    "Classifier",
    "Forecast",
    "Regressor",
    "RuleSet",
    "Segmentation",
    "fit_forecast",
    "jsonable",
    "mine_rules",
    "period_totals",
    "recommend",
    "rfm_table",
    "segment_customers",
    "train_classifier",
    "train_regressor",
]
