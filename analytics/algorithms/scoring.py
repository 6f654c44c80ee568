"""Linear scoring models (logistic and ridge) with holdout metrics and per-row explanations."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    confusion_matrix,
    mean_absolute_error,
    r2_score,
    roc_auc_score,
)
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from ._frames import jsonable, require_columns, require_no_missing, require_rows
from ._frames import numeric as as_numeric
from ._threads import one_thread
from .errors import AnalyticsInputError

MISSING = "(missing)"
POSITIVE_WORDS = ("yes", "true", "won", "win", "churn", "churned", "1")
EXPLANATION_COLUMNS = ("row", "direction", "rank", "feature", "value", "contribution")


@dataclass(frozen=True)
class LinearScorer:
    """A fitted pipeline plus what is needed to explain it; shared by the classifier and the regressor."""

    pipeline: Pipeline
    target: str
    categorical: tuple[str, ...]
    numeric: tuple[str, ...]
    metrics: dict[str, Any]
    coefficients: pd.DataFrame  # feature, level, coefficient (per encoded column, on the standardized scale)

    def _decision(self, frame: pd.DataFrame) -> np.ndarray:
        """Linear predictor: log-odds for the classifier, the predicted value for the regressor."""
        encoded = self.pipeline[:-1].transform(self._features(frame))
        estimator = self.pipeline[-1]
        return np.asarray(encoded @ np.ravel(estimator.coef_) + np.ravel(estimator.intercept_)[0]).ravel()

    def _features(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The model's input columns, cleaned the same way as in training."""
        return _prepare(frame, categorical=self.categorical, numeric=self.numeric)

    def explain(self, frame: pd.DataFrame, *, top: int = 3) -> pd.DataFrame:
        """Out: row, direction (positive/negative), rank, feature, value, contribution (linear-predictor units vs. the average row), strongest first. Raises AnalyticsInputError."""
        if top < 1:
            raise AnalyticsInputError(f"top must be at least 1; got {top}.")
        features = self._features(frame)
        encoded = self.pipeline[:-1].transform(features)
        encoded = encoded.toarray() if hasattr(encoded, "toarray") else np.asarray(encoded)
        # Contribution of one input column = Σ coef × (encoded value − training mean of that encoded column);
        # these add up, with the average row's score, to each row's linear predictor exactly.
        centred = (encoded - self.coefficients["training_mean"].to_numpy()) * self.coefficients[
            "coefficient"
        ].to_numpy()
        owner = self.coefficients["feature"].to_numpy()
        names = list(self.categorical) + list(self.numeric)
        per_feature = np.column_stack([centred[:, owner == name].sum(axis=1) for name in names])
        records = []
        for position, row in enumerate(frame.index):
            contributions = per_feature[position]
            for direction, ranked in (
                ("positive", np.argsort(-contributions, kind="stable")),
                ("negative", np.argsort(contributions, kind="stable")),
            ):
                chosen = [
                    index
                    for index in ranked
                    if (contributions[index] > 0 if direction == "positive" else contributions[index] < 0)
                ]
                for rank, index in enumerate(chosen[:top], start=1):
                    value = features.iloc[position, index]
                    records.append((row, direction, rank, names[index], value, float(contributions[index])))
        return pd.DataFrame.from_records(records, columns=list(EXPLANATION_COLUMNS))

    def to_dict(self) -> dict[str, Any]:
        """Metrics and coefficients as plain JSON (the pipeline itself is not serialised)."""
        return jsonable(
            {
                "target": self.target,
                "categorical": list(self.categorical),
                "numeric": list(self.numeric),
                "metrics": self.metrics,
                "coefficients": self.coefficients,
            }
        )


@dataclass(frozen=True)
class Classifier(LinearScorer):
    """Logistic regression for a two-class target; `positive` is the class whose probability is scored."""

    positive: Any = None

    def predict_proba(self, frame: pd.DataFrame) -> pd.Series:
        """Out: probability of the positive class for each row, indexed like `frame`. Raises AnalyticsInputError."""
        return pd.Series(1 / (1 + np.exp(-self._decision(frame))), index=frame.index, name="probability")

    def to_dict(self) -> dict[str, Any]:
        """Metrics, coefficients and the positive class as plain JSON."""
        return {**super().to_dict(), "positive": jsonable(self.positive)}


@dataclass(frozen=True)
class Regressor(LinearScorer):
    """Ridge regression for a numeric target."""

    def predict(self, frame: pd.DataFrame) -> pd.Series:
        """Out: predicted target for each row, indexed like `frame`. Raises AnalyticsInputError."""
        return pd.Series(self._decision(frame), index=frame.index, name="prediction")


def train_classifier(
    frame: pd.DataFrame,
    *,
    target: str,
    categorical: Sequence[str] = (),
    numeric: Sequence[str] = (),
    positive: Any = None,
    test_size: float = 0.25,
    random_state: int = 0,
) -> Classifier:
    """In: target (two classes) plus categorical and numeric columns. Out: Classifier with holdout auc, brier, accuracy, confusion, class balance. Raises AnalyticsInputError."""
    categorical, numeric = _check_spec(
        frame, target=target, categorical=categorical, numeric=numeric, test_size=test_size
    )
    labels = frame[target]
    require_no_missing(labels, what=f"target column {target!r}")
    positive = _positive_class(labels, positive=positive, target=target)
    y = (labels == positive).to_numpy().astype(int)
    counts = np.bincount(y, minlength=2)
    if counts.min() < 2 or min(counts) * test_size < 1:
        raise AnalyticsInputError(
            f"target column {target!r} needs both classes in the training and the holdout rows; "
            f"it has {counts[1]} {positive!r} and {counts[0]} other."
        )
    features = _prepare(frame, categorical=categorical, numeric=numeric)
    x_train, x_test, y_train, y_test = train_test_split(
        features, y, test_size=test_size, random_state=random_state, stratify=y
    )
    pipeline = _pipeline(categorical, numeric, LogisticRegression(max_iter=2000))
    with one_thread():
        pipeline.fit(x_train, y_train)
    probability = pipeline.predict_proba(x_test)[:, 1]
    tn, fp, fn, tp = confusion_matrix(y_test, (probability >= 0.5).astype(int), labels=[0, 1]).ravel()
    metrics = {
        "auc": float(roc_auc_score(y_test, probability)),
        "brier": float(brier_score_loss(y_test, probability)),
        "accuracy": float(accuracy_score(y_test, probability >= 0.5)),
        "confusion_matrix": {"tn": int(tn), "fp": int(fp), "fn": int(fn), "tp": int(tp)},
        "class_balance": {"positive_rate_train": float(y_train.mean()), "positive_rate_test": float(y_test.mean())},
        "train_rows": len(y_train),
        "test_rows": len(y_test),
    }
    return Classifier(
        pipeline=pipeline,
        target=target,
        categorical=categorical,
        numeric=numeric,
        metrics=metrics,
        coefficients=_coefficients(pipeline, x_train, categorical, numeric),
        positive=positive,
    )


def train_regressor(
    frame: pd.DataFrame,
    *,
    target: str,
    categorical: Sequence[str] = (),
    numeric: Sequence[str] = (),
    alpha: float = 1.0,
    test_size: float = 0.25,
    random_state: int = 0,
) -> Regressor:
    """In: numeric target plus categorical and numeric columns. Out: Regressor (ridge) with holdout r2, mae, rmse and the mean-guess mae. Raises AnalyticsInputError."""
    categorical, numeric = _check_spec(
        frame, target=target, categorical=categorical, numeric=numeric, test_size=test_size
    )
    y = as_numeric(frame[target], what=f"target column {target!r}").to_numpy()
    if len(y) < 8:
        raise AnalyticsInputError(f"train_regressor needs at least 8 rows to hold some out; got {len(y)}.")
    if np.ptp(y) == 0:
        raise AnalyticsInputError(f"target column {target!r} is constant ({y[0]:g}); there is nothing to predict.")
    features = _prepare(frame, categorical=categorical, numeric=numeric)
    x_train, x_test, y_train, y_test = train_test_split(features, y, test_size=test_size, random_state=random_state)
    pipeline = _pipeline(categorical, numeric, Ridge(alpha=alpha))
    with one_thread():
        pipeline.fit(x_train, y_train)
    predicted = pipeline.predict(x_test)
    metrics = {
        "r2": float(r2_score(y_test, predicted)),
        "mae": float(mean_absolute_error(y_test, predicted)),
        "rmse": float(np.sqrt(np.mean((y_test - predicted) ** 2))),
        "baseline_mae": float(mean_absolute_error(y_test, np.full_like(y_test, y_train.mean(), dtype=float))),
        "train_rows": len(y_train),
        "test_rows": len(y_test),
    }
    return Regressor(
        pipeline=pipeline,
        target=target,
        categorical=categorical,
        numeric=numeric,
        metrics=metrics,
        coefficients=_coefficients(pipeline, x_train, categorical, numeric),
    )


def _check_spec(
    frame: pd.DataFrame, *, target: str, categorical: Sequence[str], numeric: Sequence[str], test_size: float
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Validate columns and split size; returns the feature lists as tuples."""
    categorical, numeric = tuple(categorical), tuple(numeric)
    require_columns(frame, (target, *categorical, *numeric), what="frame")
    require_rows(frame, what="frame")
    if not categorical and not numeric:
        raise AnalyticsInputError("Name at least one categorical or numeric feature column.")
    overlap = set(categorical) & set(numeric) | ({target} & set(categorical + numeric))
    if overlap:
        raise AnalyticsInputError(
            f"Column(s) {', '.join(map(repr, sorted(overlap)))} are listed twice (as target or feature)."
        )
    if not 0 < test_size < 1:
        raise AnalyticsInputError(f"test_size is a share of rows in (0, 1); got {test_size}.")
    return categorical, numeric


def _prepare(frame: pd.DataFrame, *, categorical: tuple[str, ...], numeric: tuple[str, ...]) -> pd.DataFrame:
    """Categoricals as stripped text with blanks as '(missing)'; numerics as floats with blanks as NaN (imputed later)."""
    require_columns(frame, (*categorical, *numeric), what="frame")
    prepared = {}
    for column in categorical:
        text = frame[column].astype("string").str.strip()
        prepared[column] = text.mask(text.eq("") | text.isna(), MISSING).fillna(MISSING).astype(object)
    for column in numeric:
        prepared[column] = as_numeric(frame[column], what=f"column {column!r}", allow_missing=True)
    return pd.DataFrame(prepared, index=frame.index)


def _pipeline(categorical: tuple[str, ...], numeric: tuple[str, ...], estimator: Any) -> Pipeline:
    """One-hot for categoricals, median-impute and standardize numerics, then the estimator."""
    transformers = []
    if categorical:
        transformers.append(
            ("categorical", OneHotEncoder(handle_unknown="ignore", sparse_output=False), list(categorical))
        )
    if numeric:
        transformers.append(
            (
                "numeric",
                Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]),
                list(numeric),
            )
        )
    return Pipeline([("encode", ColumnTransformer(transformers)), ("model", estimator)])


def _coefficients(
    pipeline: Pipeline, x_train: pd.DataFrame, categorical: tuple[str, ...], numeric: tuple[str, ...]
) -> pd.DataFrame:
    """One row per encoded column: feature, level (category or ''), coefficient, training_mean."""
    features, levels = [], []
    if categorical:
        encoder = pipeline.named_steps["encode"].named_transformers_["categorical"]
        for column, categories in zip(categorical, encoder.categories_, strict=True):
            features += [column] * len(categories)
            levels += [str(category) for category in categories]
    features += list(numeric)
    levels += [""] * len(numeric)
    encoded = pipeline[:-1].transform(x_train)
    return pd.DataFrame(
        {
            "feature": features,
            "level": levels,
            "coefficient": np.ravel(pipeline[-1].coef_),
            "training_mean": np.asarray(encoded).mean(axis=0),
        }
    )


def _positive_class(labels: pd.Series, *, positive: Any, target: str) -> Any:
    """The class to score: given, or True/1, or a value reading as yes/won/churn; raises if there are not exactly two classes."""
    classes = list(pd.unique(labels))
    if len(classes) != 2:
        shown = ", ".join(map(repr, classes[:5]))
        raise AnalyticsInputError(
            f"target column {target!r} must have exactly two classes; it has {len(classes)} ({shown})."
        )
    if positive is not None:
        if positive not in classes:
            raise AnalyticsInputError(
                f"positive={positive!r} is not a value of target column {target!r} ({classes[0]!r}, {classes[1]!r})."
            )
        return positive
    for candidate in (True, 1):
        if candidate in classes and all(isinstance(value, (bool, int, np.integer, np.bool_)) for value in classes):
            return next(value for value in classes if value == candidate)
    readable = [value for value in classes if str(value).strip().lower() in POSITIVE_WORDS]
    if len(readable) == 1:
        return readable[0]
    raise AnalyticsInputError(
        f"Say which value of target column {target!r} is the positive class: {classes[0]!r} or {classes[1]!r}."
    )
