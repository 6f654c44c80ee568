"""Input checks and JSON conversion shared by the algorithms; private to this package."""

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from .errors import AnalyticsInputError


def require_columns(frame: pd.DataFrame, columns: Iterable[str], *, what: str) -> None:
    """Raise AnalyticsInputError naming the columns of `frame` that are missing."""
    if not isinstance(frame, pd.DataFrame):
        raise AnalyticsInputError(f"{what} must be a pandas DataFrame, not {type(frame).__name__}.")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise AnalyticsInputError(
            f"{what} is missing column(s) {', '.join(map(repr, missing))}; it has {', '.join(map(repr, frame.columns))}."
        )


def require_rows(frame: pd.DataFrame | pd.Series, *, what: str, minimum: int = 1) -> None:
    """Raise AnalyticsInputError when `frame` has fewer than `minimum` rows."""
    if len(frame) < minimum:
        raise AnalyticsInputError(
            f"{what} is empty." if len(frame) == 0 else f"{what} has {len(frame)} rows; at least {minimum} are needed."
        )


def require_no_missing(values: pd.Series, *, what: str) -> None:
    """Raise AnalyticsInputError naming the first row where `values` is empty."""
    blank = values.isna()
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        blank |= values.astype("string").str.strip().eq("").fillna(False).astype(bool)
    if blank.any():
        raise AnalyticsInputError(f"{what} is empty in {int(blank.sum()):,} row(s), first at row {blank.idxmax()!r}.")


def numeric(values: pd.Series, *, what: str, allow_missing: bool = False) -> pd.Series:
    """Return `values` as float64; raise AnalyticsInputError naming the first non-numeric row (blanks count as missing)."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("float64")
    if pd.api.types.is_numeric_dtype(values.dtype):
        result = values.astype("float64")
    else:
        text = values.astype("string").str.strip()
        result = pd.to_numeric(text.mask(text.eq("")), errors="coerce").astype("float64")
        bad = result.isna() & text.notna() & text.ne("")
        if bad.any():
            row = bad.idxmax()
            raise AnalyticsInputError(f"{what} is not numeric at row {row!r} (value {str(values.loc[row])!r}).")
    if not allow_missing:
        require_no_missing(result, what=what)
    if np.isinf(result.to_numpy()).any():
        row = result.index[np.isinf(result.to_numpy())][0]
        raise AnalyticsInputError(f"{what} is infinite at row {row!r}.")
    return result


def datetimes(values: pd.Series, *, what: str) -> pd.Series:
    """Return `values` as datetime64; raise AnalyticsInputError naming the first row that is not a date."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        result = values
    else:
        result = pd.to_datetime(values, errors="coerce", format="mixed")
        bad = result.isna() & values.notna()
        if bad.any():
            row = bad.idxmax()
            raise AnalyticsInputError(f"{what} is not a date at row {row!r} (value {str(values.loc[row])!r}).")
    require_no_missing(result, what=what)
    if getattr(result.dt, "tz", None) is not None:
        result = result.dt.tz_convert("UTC").dt.tz_localize(None)
    return result


def jsonable(value: Any) -> Any:
    """Convert DataFrames, numpy scalars, timestamps and frozensets to plain JSON values (NaN and ±inf become None)."""
    if isinstance(value, pd.DataFrame):
        return [{str(key): jsonable(item) for key, item in row.items()} for row in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (frozenset, set)):
        return sorted((jsonable(item) for item in value), key=str)
    if isinstance(value, (list, tuple, np.ndarray)):
        return [jsonable(item) for item in value]
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return value.isoformat()
    if isinstance(value, pd.Timedelta):
        return value.total_seconds()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value
