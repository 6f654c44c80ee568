"""IBM Telco churn (7,043 customers): a logistic churn model as good as the literature's, with sensible explanations."""

import pandas as pd
import pytest

from analytics.algorithms import train_classifier

pytestmark = pytest.mark.real_data

CATEGORICAL = [
    "gender",
    "SeniorCitizen",
    "Partner",
    "Dependents",
    "PhoneService",
    "MultipleLines",
    "InternetService",
    "OnlineSecurity",
    "OnlineBackup",
    "DeviceProtection",
    "TechSupport",
    "StreamingTV",
    "StreamingMovies",
    "Contract",
    "PaperlessBilling",
    "PaymentMethod",
]
NUMERIC = ["tenure", "MonthlyCharges", "TotalCharges"]


@pytest.fixture(scope="module")
def churn_model(telco: pd.DataFrame):
    # TotalCharges is passed as published: text, blank for the 11 customers in their first month
    return train_classifier(telco, target="Churn", categorical=CATEGORICAL, numeric=NUMERIC)


def test_data_is_the_published_file(telco):
    assert len(telco) == 7043 and (telco["Churn"] == "Yes").sum() == 1869
    assert (telco["TotalCharges"].str.strip() == "").sum() == 11


def test_holdout_auc_is_in_the_range_reported_for_logistic_regression(churn_model, telco):
    metrics = churn_model.metrics
    assert churn_model.positive == "Yes"
    assert 0.82 <= metrics["auc"] <= 0.87  # published logistic-regression results on this data: about 0.83-0.86
    churn_rate = (telco["Churn"] == "Yes").mean()
    assert metrics["class_balance"]["positive_rate_test"] == pytest.approx(churn_rate, abs=0.005)
    assert metrics["brier"] < churn_rate * (1 - churn_rate)  # better than predicting the churn rate for everyone
    assert metrics["accuracy"] > 1 - churn_rate  # better than predicting "no churn" for everyone


def test_customers_with_blank_total_charges_are_scored(churn_model, telco):
    blanks = telco[telco["TotalCharges"].str.strip() == ""]
    probabilities = churn_model.predict_proba(blanks)
    assert probabilities.notna().all() and probabilities.between(0, 1).all()


def test_model_reads_contract_and_tenure_the_way_the_business_does(churn_model, telco):
    # month-to-month contracts raise churn risk most; long tenure lowers it
    coefficients = churn_model.coefficients.set_index(["feature", "level"])["coefficient"]
    contract = coefficients["Contract"]
    assert contract.idxmax() == "Month-to-month" and contract.idxmin() == "Two year"
    probability = churn_model.predict_proba(telco)
    assert (
        probability[telco["Contract"] == "Month-to-month"].mean()
        > 2 * probability[telco["Contract"] == "Two year"].mean()
    )
    assert probability[telco["tenure"] <= 6].mean() > probability[telco["tenure"] >= 60].mean()


def test_explanations_for_risky_customers_name_contract_and_tenure(churn_model, telco):
    # given the customers the model rates as more likely than not to churn
    risky = telco[churn_model.predict_proba(telco) > 0.5]
    # when their three strongest reasons are listed
    reasons = churn_model.explain(risky, top=3)
    positive = reasons[reasons["direction"] == "positive"]
    # then contract type and tenure are among the most frequent reasons
    most_frequent = positive["feature"].value_counts().index[:3]
    assert {"Contract", "tenure"} <= set(most_frequent)
    contract_reasons = positive.loc[positive["feature"] == "Contract", "value"]
    assert set(contract_reasons) == {"Month-to-month"}
