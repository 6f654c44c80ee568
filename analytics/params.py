"""The parameters of each kind of run, declared once: their type, default, bounds and help.

The service cleans a run's parameters with `clean_params` (values may come typed from a form or as text from the
command line); the "run now" form builds its fields from the same declarations, and the command's `--param
NAME=VALUE` names them. Every error names the parameter and says what it accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from analytics.models import Run

FORECAST_FREQS = {"D": _("Day"), "W": _("Week"), "M": _("Month")}
# Periods forecast and backtested when not given: four weeks of days, eight weeks, three months.
FORECAST_DEFAULTS = {"D": 28, "W": 8, "M": 3}
GROUPINGS = {"overall": _("Overall"), "category": _("By product category"), "team": _("By team")}
ALGORITHMS = {"apriori": "Apriori", "fpgrowth": "FP-growth"}


@dataclass(frozen=True)
class Param:
    """One parameter: `kind` is int, float, bool, choice, ints (comma-separated whole numbers) or words
    (comma-separated text). `default=None` with `optional=True` means "not given"."""

    name: str
    kind: str
    label: Any
    help: Any = ""
    default: Any = None
    optional: bool = False
    minimum: float | None = None
    maximum: float | None = None
    above: float | None = None  # strictly greater than
    below: float | None = None  # strictly less than
    choices: Mapping[str, Any] = field(default_factory=dict)
    length: int | None = None  # for ints: how many numbers

    def clean(self, value: Any) -> Any:
        """The value as its type, checked against the bounds; raises ValidationError naming the parameter."""
        if value is None or (isinstance(value, str) and not value.strip()) or value == []:
            if self.optional:
                return None
            if self.default is not None:
                return self.default
            raise self._error(_("%(name)s is required."))
        parse: Callable[[Any], Any] = getattr(self, f"_parse_{self.kind}")
        return parse(value)

    def _error(self, message, **params) -> ValidationError:
        return ValidationError({self.name: ValidationError(message, params={"name": self.name, **params})})

    def _bounded(self, number: float) -> float:
        checks = [
            (
                self.minimum is not None and number < self.minimum,
                _("%(name)s must be at least %(limit)s; got %(value)s."),
            ),
            (
                self.maximum is not None and number > self.maximum,
                _("%(name)s must be at most %(limit)s; got %(value)s."),
            ),
            (
                self.above is not None and number <= self.above,
                _("%(name)s must be greater than %(limit)s; got %(value)s."),
            ),
            (
                self.below is not None and number >= self.below,
                _("%(name)s must be less than %(limit)s; got %(value)s."),
            ),
        ]
        limits = [self.minimum, self.maximum, self.above, self.below]
        for (failed, message), limit in zip(checks, limits, strict=True):
            if failed:
                raise self._error(message, limit=_number(limit), value=_number(number))
        return number

    def _parse_int(self, value: Any) -> int:
        if isinstance(value, bool):
            raise self._error(_("%(name)s must be a whole number; got %(value)s."), value=value)
        try:
            number = float(str(value).strip()) if not isinstance(value, int) else value
        except ValueError:
            raise self._error(_("%(name)s must be a whole number; got “%(value)s”."), value=value) from None
        if isinstance(number, float) and (number != number or not number.is_integer()):
            raise self._error(_("%(name)s must be a whole number; got “%(value)s”."), value=value)
        return int(self._bounded(int(number)))

    def _parse_float(self, value: Any) -> float:
        if isinstance(value, bool):
            raise self._error(_("%(name)s must be a number; got %(value)s."), value=value)
        try:
            number = float(str(value).strip().replace(",", ".")) if not isinstance(value, (int, float)) else value
        except ValueError:
            raise self._error(_("%(name)s must be a number; got “%(value)s”."), value=value) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise self._error(_("%(name)s must be a finite number; got “%(value)s”."), value=value)
        return float(self._bounded(float(number)))

    def _parse_bool(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
        raise self._error(_("%(name)s must be true or false; got “%(value)s”."), value=value)

    def _parse_choice(self, value: Any) -> str:
        text = str(value).strip()
        matches = [key for key in self.choices if key.lower() == text.lower()]
        if not matches:
            raise self._error(
                _("%(name)s must be one of %(choices)s; got “%(value)s”."),
                choices=", ".join(self.choices),
                value=value,
            )
        return matches[0]

    def _parse_ints(self, value: Any) -> list[int]:
        parts = value if isinstance(value, (list, tuple)) else str(value).replace(" ", "").split(",")
        try:
            numbers = [int(part) for part in parts]
        except (TypeError, ValueError):
            raise self._error(
                _("%(name)s must be %(count)s comma-separated whole numbers; got “%(value)s”."),
                count=self.length,
                value=value,
            ) from None
        if (self.length and len(numbers) != self.length) or any(number < 0 for number in numbers):
            raise self._error(
                _("%(name)s must be %(count)s comma-separated whole numbers of 0 or more; got “%(value)s”."),
                count=self.length,
                value=value,
            )
        return numbers

    def _parse_words(self, value: Any) -> list[str]:
        parts = value if isinstance(value, (list, tuple)) else str(value).split(",")
        words = []
        for part in parts:
            word = str(part).strip()
            if word and word not in words:
                words.append(word)
        if len(words) > 200 or any(len(word) > 64 for word in words):
            raise self._error(_("%(name)s takes at most 200 codes of at most 64 characters each."))
        return words


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


SEED = Param(
    "random_state",
    "int",
    _("Random seed"),
    _("The same seed gives the same result on the same data."),
    default=0,
    minimum=0,
    maximum=2**31 - 1,
)

PARAMS: dict[str, list[Param]] = {
    Run.Kind.SEGMENTS: [
        Param(
            "k",
            "int",
            _("Number of segments"),
            _("Leave empty to let the silhouette choose between the smallest and largest number."),
            optional=True,
            minimum=2,
            maximum=8,
        ),
        Param("k_min", "int", _("Fewest segments"), default=4, minimum=2, maximum=8),
        Param("k_max", "int", _("Most segments"), default=8, minimum=2, maximum=8),
        SEED,
    ],
    Run.Kind.RULES: [
        Param(
            "min_support",
            "float",
            _("Minimum support"),
            _("The share of baskets a set of products must appear in, above 0 and at most 1 (0.01 is 1%)."),
            default=0.01,
            above=0,
            maximum=1,
        ),
        Param(
            "min_confidence",
            "float",
            _("Minimum confidence"),
            _("The share of baskets with the first products that also hold the others, 0 to 1."),
            default=0.0,
            minimum=0,
            maximum=1,
        ),
        Param(
            "min_lift",
            "float",
            _("Minimum lift"),
            _("How many times more often the products are bought together than by chance; 1 is chance."),
            default=0.0,
            minimum=0,
        ),
        Param(
            "max_len",
            "int",
            _("Most products in a rule"),
            _("Empty for no limit."),
            optional=True,
            minimum=2,
            maximum=10,
        ),
        Param(
            "exclude",
            "words",
            _("Leave out SKUs"),
            _("Products left out of the rules (postage, fees), by SKU, separated by commas."),
            default=[],
        ),
        Param("algorithm", "choice", _("Algorithm"), default="apriori", choices=ALGORITHMS),
        Param(
            "max_rules",
            "int",
            _("Rules kept"),
            _("The strongest rules by lift are kept; the others are counted."),
            default=20_000,
            minimum=1,
            maximum=200_000,
        ),
    ],
    Run.Kind.FORECAST: [
        Param("freq", "choice", _("Period"), default="W", choices=FORECAST_FREQS),
        Param(
            "horizon",
            "int",
            _("Periods ahead"),
            _("Empty: 28 days, 8 weeks or 3 months."),
            optional=True,
            minimum=1,
            maximum=366,
        ),
        Param(
            "backtest",
            "int",
            _("Backtest periods"),
            _("The last periods held out to measure the error. Empty: 28 days, 8 weeks or 3 months."),
            optional=True,
            minimum=1,
            maximum=366,
        ),
        Param("group_by", "choice", _("Series"), default="overall", choices=GROUPINGS),
        Param(
            "max_series",
            "int",
            _("Most series"),
            _("With series by category or team: the ones with the most revenue."),
            default=10,
            minimum=1,
            maximum=50,
        ),
        Param(
            "log",
            "bool",
            _("Model the logarithm"),
            _("For growth in percent; every period must be above 0."),
            default=False,
        ),
        Param("order", "ints", _("ARIMA order (p,d,q)"), _("Empty: chosen by AIC."), optional=True, length=3),
        Param(
            "seasonal_order",
            "ints",
            _("Seasonal order (P,D,Q,m)"),
            _("Empty: chosen by AIC."),
            optional=True,
            length=4,
        ),
    ],
    Run.Kind.WIN_SCORE: [
        Param(
            "test_share",
            "float",
            _("Share held out for testing"),
            _("The most recently closed opportunities, kept out of training to measure the model."),
            default=0.25,
            minimum=0.05,
            maximum=0.5,
        ),
    ],
    Run.Kind.CHURN_RISK: [
        Param(
            "window_days",
            "int",
            _("Days without an order"),
            _("Churn risk is the chance that a customer orders nothing in this many days."),
            default=90,
            minimum=7,
            maximum=730,
        ),
    ],
    Run.Kind.CUSTOMER_VALUE: [
        Param(
            "period_days",
            "int",
            _("Days ahead"),
            _("Customer value is the revenue expected from the customer in this many days."),
            default=90,
            minimum=7,
            maximum=730,
        ),
        Param(
            "alpha",
            "float",
            _("Regularisation"),
            _("Ridge regression's alpha: larger values give more cautious predictions."),
            default=1.0,
            above=0,
            maximum=1_000_000,
        ),
    ],
}


def params_for(kind: str) -> list[Param]:
    """The declared parameters of a kind of run."""
    return PARAMS[Run.Kind(kind)]


def clean_params(kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Every parameter of `kind`, typed and checked, defaults filled in. Raises ValidationError keyed by parameter
    name (unknown names and rules between parameters too)."""
    declared = {param.name: param for param in params_for(kind)}
    errors: dict[str, list] = {}
    unknown = sorted(set(values) - set(declared))
    for name in unknown:
        errors[name] = [
            ValidationError(
                _("%(kind)s has no parameter “%(name)s”; its parameters are %(known)s."),
                params={"kind": Run.Kind(kind).label, "name": name, "known": ", ".join(declared)},
            )
        ]
    cleaned: dict[str, Any] = {}
    for name, param in declared.items():
        try:
            cleaned[name] = param.clean(values.get(name))
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if not errors:
        _check_together(kind, cleaned, errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_together(kind: str, cleaned: dict[str, Any], errors: dict[str, list]) -> None:
    """Rules between parameters of one kind."""
    if kind == Run.Kind.SEGMENTS and cleaned["k_min"] > cleaned["k_max"]:
        errors["k_max"] = [
            ValidationError(
                _("k_max (%(high)s) must not be below k_min (%(low)s)."),
                params={"high": cleaned["k_max"], "low": cleaned["k_min"]},
            )
        ]
    if kind == Run.Kind.FORECAST:
        seasonal = cleaned["seasonal_order"]
        if seasonal and any(seasonal[:3]) and seasonal[3] < 2:
            errors["seasonal_order"] = [
                ValidationError(_("seasonal_order needs a season length m of at least 2 (its fourth number)."))
            ]
