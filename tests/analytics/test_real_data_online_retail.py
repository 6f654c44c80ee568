"""Online Retail (UCI, 541,909 lines): RFM, segments, basket rules and a spend model, checked against direct counts."""

import numpy as np
import pandas as pd
import pytest

from analytics.algorithms import mine_rules, rfm_table, segment_customers, train_regressor

pytestmark = pytest.mark.real_data

AS_OF = pd.Timestamp("2011-12-10")  # the day after the last invoice (2011-12-09 12:50)


@pytest.fixture(scope="module")
def transactions(online_retail: pd.DataFrame) -> pd.DataFrame:
    lines = online_retail.dropna(subset=["CustomerID"])
    return pd.DataFrame(
        {
            "customer_id": lines["CustomerID"].str.removesuffix(".0"),
            "order_id": lines["InvoiceNo"],
            "ordered_at": lines["InvoiceDate"],
            "amount": lines["Quantity"] * lines["UnitPrice"],
        }
    )


@pytest.fixture(scope="module")
def rfm(transactions: pd.DataFrame) -> pd.DataFrame:
    return rfm_table(transactions, as_of=AS_OF)


@pytest.fixture(scope="module")
def france_baskets(online_retail: pd.DataFrame) -> pd.DataFrame:
    """French invoices, cancellations removed, descriptions stripped, quantities summed per invoice and item."""
    lines = online_retail[(online_retail["Country"] == "France") & ~online_retail["InvoiceNo"].str.startswith("C")]
    lines = lines.assign(Description=lines["Description"].str.strip()).dropna(subset=["Description"])
    quantities = lines.groupby(["InvoiceNo", "Description"], as_index=False)["Quantity"].sum()
    kept = quantities[quantities["Quantity"] > 0]
    return kept.rename(columns={"InvoiceNo": "basket_id", "Description": "item"})[["basket_id", "item"]]


def test_rfm_has_one_row_per_customer_and_conserves_money(rfm, transactions, online_retail):
    assert len(rfm) == transactions["customer_id"].nunique() == 4372  # SOURCE.txt: 4,372 distinct CustomerID
    assert rfm["monetary"].sum() == pytest.approx(transactions["amount"].sum())


def test_rfm_figures_match_a_direct_reading_of_the_invoices(rfm, transactions):
    # given each customer's invoices netted directly
    invoices = transactions.groupby(["customer_id", "order_id"]).agg(at=("ordered_at", "min"), amount=("amount", "sum"))
    purchases = invoices[invoices["amount"] > 0].reset_index()
    table = rfm.set_index("customer_id")
    # then frequency counts positive invoices and recency counts calendar days to the last one
    assert table["frequency"].sum() == len(purchases)
    last = purchases.groupby("customer_id")["at"].max()
    for customer in ["12347", "12748", "17850", "18287"]:
        assert table.loc[customer, "recency_days"] == (AS_OF.normalize() - last[customer].normalize()).days


def test_customer_who_cancelled_everything_is_reported_with_zero_spend(rfm, transactions):
    # 12346 bought 74,215 storage jars on 2011-01-18 and cancelled the same quantity the same day
    row = rfm.set_index("customer_id").loc["12346"]
    assert row["monetary"] == 0 and row["frequency"] == 1 and row["recency_days"] == 326
    net = transactions.groupby("customer_id")["amount"].sum()
    assert set(rfm.loc[rfm["monetary"] <= 0, "customer_id"]) == set(net[net.round(6) <= 0].index)


def test_segments_over_all_customers_have_positive_silhouette_and_ordered_labels(rfm):
    # when k is chosen by silhouette over every customer with positive spend
    result = segment_customers(rfm)
    # then the clustering is meaningful and the labels follow the centroids
    assert 2 <= result.k <= 8 and result.silhouette > 0
    assert result.silhouette == max(result.silhouette_by_k.values())
    assert result.profile["customers"].sum() == (rfm["monetary"] > 0).sum()
    assert set(result.excluded["customer_id"]) == set(rfm.loc[rfm["monetary"] <= 0, "customer_id"])
    assert result.profile["revenue_share"].sum() == pytest.approx(1)
    profile = result.profile.set_index("label")
    champions, others = profile.loc["Champions"], profile.drop(index="Champions")
    assert (champions["recency_days"] < others["recency_days"]).all()
    assert (champions["frequency"] > others["frequency"]).all() and (champions["monetary"] > others["monetary"]).all()


def test_france_rules_are_identical_with_apriori_and_fpgrowth(france_baskets):
    apriori = mine_rules(france_baskets, min_support=0.07, exclude=["POSTAGE"], algorithm="apriori")
    fpgrowth = mine_rules(france_baskets, min_support=0.07, exclude=["POSTAGE"], algorithm="fpgrowth")
    assert len(apriori.rules) > 10
    pd.testing.assert_frame_equal(apriori.rules, fpgrowth.rules)


def test_france_rules_agree_with_counts_over_the_baskets(france_baskets):
    # given the baskets as sets, counted directly
    sets = [frozenset(items) for _, items in france_baskets.groupby("basket_id")["item"]]
    # when
    result = mine_rules(france_baskets, min_support=0.07, exclude=["POSTAGE"])
    # then POSTAGE, on most French invoices, never appears, but every invoice still counts
    assert sum("POSTAGE" in basket for basket in sets) > len(sets) / 2
    assert result.baskets == len(sets) == 392
    assert not any("POSTAGE" in side for side in [*result.rules["antecedents"], *result.rules["consequents"]])
    for rule in result.rules.itertuples():
        both = sum(rule.antecedents | rule.consequents <= basket for basket in sets)
        left = sum(rule.antecedents <= basket for basket in sets)
        right = sum(rule.consequents <= basket for basket in sets)
        assert rule.support == pytest.approx(both / len(sets)) and both / len(sets) >= 0.07
        assert rule.confidence == pytest.approx(both / left)
        assert rule.lift == pytest.approx(both * len(sets) / (left * right))


def test_strongest_french_rule_pairs_colour_variants_of_one_product(france_baskets):
    top = mine_rules(france_baskets, min_support=0.07, exclude=["POSTAGE"]).rules.iloc[0]
    items = top["antecedents"] | top["consequents"]
    assert top["lift"] > 5
    assert len({" ".join(item.split()[:-1]) for item in items}) == 1  # e.g. ALARM CLOCK BAKELIKE RED / GREEN


def test_spend_in_the_next_90_days_is_predicted_better_than_the_average_guess(transactions):
    # given RFM as of 2011-09-10 and each customer's net spend over the following 90 days
    cut = pd.Timestamp("2011-09-10")
    before = transactions[transactions["ordered_at"] < cut]
    frame = rfm_table(before, as_of=cut)
    after = transactions[transactions["ordered_at"] >= cut].groupby("customer_id")["amount"].sum()
    frame["next_90_days"] = after.reindex(frame["customer_id"]).fillna(0).to_numpy()
    frame = frame[frame["monetary"] > 0]
    for column in ("recency_days", "frequency", "monetary"):
        frame[f"log_{column}"] = np.log1p(frame[column].astype(float))
    # when
    model = train_regressor(frame, target="next_90_days", numeric=["log_recency_days", "log_frequency", "log_monetary"])
    # then it explains part of the variance, and more past buying means more future spend
    assert model.metrics["r2"] > 0.1
    weights = model.coefficients.set_index("feature")["coefficient"]
    assert weights["log_frequency"] > 0 and weights["log_monetary"] > 0
    top, bottom = frame.nlargest(200, "monetary"), frame.nsmallest(200, "monetary")
    assert model.predict(top).mean() > model.predict(bottom).mean()
