"""Real public datasets for the analytics tests, loaded once per session; tests skip with a reason when absent."""

import os
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]


def shared_data_dir() -> Path:
    """CRM_SHARED_DATA if set, else ../shared/data beside the repository."""
    return Path(os.environ.get("CRM_SHARED_DATA") or REPO.parent / "shared" / "data")


def _require(relative: str) -> Path:
    path = shared_data_dir() / relative
    if not path.is_file():
        pytest.skip(f"{relative} is not in {shared_data_dir()} (set CRM_SHARED_DATA to the datasets folder)")
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The datasets folder; skips when it does not exist."""
    folder = shared_data_dir()
    if not folder.is_dir():
        pytest.skip(f"no shared datasets at {folder} (set CRM_SHARED_DATA to the datasets folder)")
    return folder


@pytest.fixture(scope="session")
def online_retail(shared_data: Path) -> pd.DataFrame:
    """All 541,909 UCI Online Retail lines, codes as text, InvoiceDate parsed."""
    path = _require("online_retail/online_retail.csv")
    frame = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str})
    frame["InvoiceDate"] = pd.to_datetime(frame["InvoiceDate"])
    return frame


@pytest.fixture(scope="session")
def air_passengers(shared_data: Path) -> pd.Series:
    """Box & Jenkins monthly airline passengers (thousands), 1949-01 .. 1960-12."""
    frame = pd.read_csv(_require("airpassengers/AirPassengers.csv"), parse_dates=["date"])
    return frame.set_index("date")["value"]


@pytest.fixture(scope="session")
def telco(shared_data: Path) -> pd.DataFrame:
    """IBM Telco customer churn, as published (TotalCharges is text with blanks)."""
    return pd.read_csv(_require("telco_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv"))


@pytest.fixture(scope="session")
def crm_opportunities(shared_data: Path) -> dict[str, pd.DataFrame]:
    """Maven CRM Sales Opportunities tables: pipeline, accounts, products, teams."""
    folder = "crm_sales_opportunities/"
    return {
        "pipeline": pd.read_csv(_require(folder + "sales_pipeline.csv")),
        "accounts": pd.read_csv(_require(folder + "accounts.csv")),
        "products": pd.read_csv(_require(folder + "products.csv")),
        "teams": pd.read_csv(_require(folder + "sales_teams.csv")),
    }


@pytest.fixture(scope="session", autouse=True)
def _migrated_data_left_in_place(django_db_setup, django_db_blocker):
    """Leave the test database as migrated when the session ends (the committed tests, such as two requests
    queueing a run at once, empty every table; see tests/customers/conftest.py)."""
    from django.db import connection

    yield
    serialized = getattr(connection, "_test_serialized_contents", None)
    if serialized:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(serialized)
