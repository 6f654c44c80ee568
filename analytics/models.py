"""Analytics runs and their results.

A `Run` is one computation of one kind (segments, basket rules, a revenue forecast, win, churn or value scores)
over the data its filters select, with its parameters, status, progress, timings and counts. Its results go to
typed tables that pages read with plain indexed queries ("the latest succeeded run of kind K", then "the score of
customer X in that run"), never to a JSON blob: only the parameters, validated by analytics.params, are JSON.

A run is written by analytics.services alone: created queued (at most one queued or running run per kind, filters
and parameters: `active_key`), claimed by one worker, and its results written with its final status in one
transaction, so nobody ever reads half of a run's results.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from crm.db import TimeStampedModel


class Run(TimeStampedModel):
    class Kind(models.TextChoices):
        SEGMENTS = "segments", _("Customer segments")
        RULES = "rules", _("Basket rules")
        FORECAST = "forecast", _("Revenue forecast")
        WIN_SCORE = "win_score", _("Win probability")
        CHURN_RISK = "churn_risk", _("Churn risk")
        CUSTOMER_VALUE = "customer_value", _("Customer value")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Step(models.TextChoices):
        WAITING = "waiting", _("Waiting for a worker")
        LOADING = "loading", _("Reading the data")
        PREPARING = "preparing", _("Preparing the data")
        COMPUTING = "computing", _("Computing")
        EVALUATING = "evaluating", _("Measuring the model's quality")
        SCORING = "scoring", _("Scoring")
        SAVING = "saving", _("Saving the results")
        DONE = "done", _("Done")

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)
    FINISHED_STATUSES = (Status.SUCCEEDED, Status.FAILED)

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # The parameters as analytics.params cleaned them: every parameter of the kind, defaults filled in.
    params = models.JSONField(_("parameters"), default=dict, blank=True)

    # Filters: which data the run reads. Dates are whole days in `time_zone` (the requester's zone).
    since = models.DateField(_("from"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)
    country = CountryField(
        _("country"), blank=True, help_text=_("Of the order's ship-to address for order data, else of the customer.")
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    segment = models.ForeignKey(
        "analytics.SegmentProfile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("segment"),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    # The requester's language: the run's own messages (errors, series names) are written in it.
    language = models.CharField(_("language"), max_length=10, blank=True)
    # The time the data is as of: the end of `until`, or of the day of the latest matching record. Set when the
    # run reads its data; recency, churn windows and forecasts count from it.
    as_of = models.DateTimeField(_("data as of"), null=True, blank=True)

    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=12, choices=Step.choices, default=Step.WAITING)
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    load_seconds = models.FloatField(_("reading (s)"), null=True, blank=True)
    compute_seconds = models.FloatField(_("computing (s)"), null=True, blank=True)
    save_seconds = models.FloatField(_("saving (s)"), null=True, blank=True)
    rows_read = models.PositiveIntegerField(_("rows read"), null=True, blank=True)
    subjects = models.PositiveIntegerField(
        _("analysed"), null=True, blank=True, help_text=_("Customers, baskets, series or opportunities analysed.")
    )
    results = models.PositiveIntegerField(_("results"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Origin(models.TextChoices):
        PAGE = "page", _("Run now")
        SCHEDULE = "schedule", _("Nightly schedule")
        COMMAND = "command", _("Command line")

    origin = models.CharField(_("started from"), max_length=8, choices=Origin.choices, default=Origin.PAGE)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
        help_text=_("Empty for nightly runs and runs started from the command line."),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    # A digest of kind, filters and parameters while the run is queued or running, NULL after: the unique index
    # makes a second "run now" of the same thing find this run instead of queueing another (NULLs never collide).
    active_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-queued_at", "-id"]
        verbose_name = _("analytics run")
        verbose_name_plural = _("analytics runs")
        permissions = [("run_analytics", _("Can start analytics runs"))]
        indexes = [
            # The latest succeeded run of a kind: one index range read backwards.
            models.Index(fields=["kind", "status", "finished_at", "id"], name="analytics_run_latest"),
            models.Index(fields=["queued_at", "id"], name="analytics_run_queued"),
            models.Index(fields=["status", "queued_at", "id"], name="analytics_run_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="analytics_run_progress_0_100"),
            models.CheckConstraint(
                condition=Q(since__isnull=True) | Q(until__isnull=True) | Q(since__lte=models.F("until")),
                name="analytics_run_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(active_key__isnull=True) | Q(status__in=["queued", "running"]),
                name="analytics_run_key_only_while_active",
            ),
        ]

    def __str__(self) -> str:
        return _("%(kind)s #%(id)s") % {"kind": self.get_kind_display(), "id": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("analytics:run-detail", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED_STATUSES

    @property
    def duration(self) -> float | None:
        """Seconds from start to finish (or to now while running)."""
        if self.started_at is None:
            return None
        return ((self.finished_at or timezone.now()) - self.started_at).total_seconds()


class ModelQuality(models.Model):
    """What a run's model achieved, one row per run; the columns that do not apply to its kind stay empty.

    Segments: k, silhouette (of the chosen k; every k tried is in SilhouetteScore), inertia, customers left out.
    Rules: baskets, items, frequent itemsets, rules found. Scores: measured on data the model did not learn from
    (a later time window), as AUC, Brier score and accuracy for probabilities, MAE, RMSE and R² against a naive
    baseline for amounts; the calibration is in CalibrationBin."""

    run = models.OneToOneField(
        Run, on_delete=models.CASCADE, primary_key=True, related_name="quality", verbose_name=_("run")
    )
    k = models.PositiveSmallIntegerField(_("segments"), null=True, blank=True)
    silhouette = models.FloatField(_("silhouette"), null=True, blank=True)
    inertia = models.FloatField(_("inertia"), null=True, blank=True)
    left_out = models.PositiveIntegerField(_("left out"), null=True, blank=True)
    baskets = models.PositiveIntegerField(_("baskets"), null=True, blank=True)
    items = models.PositiveIntegerField(_("products"), null=True, blank=True)
    frequent_itemsets = models.PositiveIntegerField(_("frequent itemsets"), null=True, blank=True)
    rules_found = models.PositiveIntegerField(_("rules found"), null=True, blank=True)
    auc = models.FloatField(_("AUC"), null=True, blank=True)
    brier = models.FloatField(_("Brier score"), null=True, blank=True)
    accuracy = models.FloatField(_("accuracy"), null=True, blank=True)
    positive_rate = models.FloatField(_("observed rate"), null=True, blank=True)
    mae = models.FloatField(_("mean absolute error"), null=True, blank=True)
    rmse = models.FloatField(_("root mean squared error"), null=True, blank=True)
    r2 = models.FloatField(_("R²"), null=True, blank=True)
    baseline_mae = models.FloatField(_("baseline mean absolute error"), null=True, blank=True)
    train_rows = models.PositiveIntegerField(_("training rows"), null=True, blank=True)
    test_rows = models.PositiveIntegerField(_("test rows"), null=True, blank=True)
    # The time split: the model was trained on what was known at train_cutoff and tested on test_cutoff.
    train_cutoff = models.DateTimeField(_("trained as of"), null=True, blank=True)
    test_cutoff = models.DateTimeField(_("tested as of"), null=True, blank=True)

    class Meta:
        verbose_name = _("model quality")
        verbose_name_plural = _("model quality")

    def __str__(self) -> str:
        return str(self.run)

    @property
    def beats_baseline(self) -> bool | None:
        if self.mae is None or self.baseline_mae is None:
            return None
        return self.mae < self.baseline_mae


class SilhouetteScore(models.Model):
    """The silhouette of each k a segments run tried; the run kept the best."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="silhouettes", verbose_name=_("run"))
    k = models.PositiveSmallIntegerField(_("segments"))
    silhouette = models.FloatField(_("silhouette"))

    class Meta:
        ordering = ["run", "k"]
        verbose_name = _("silhouette score")
        verbose_name_plural = _("silhouette scores")
        constraints = [models.UniqueConstraint(fields=["run", "k"], name="analytics_silhouette_run_k")]

    def __str__(self) -> str:
        return f"k={self.k}: {self.silhouette:.3f}"


class CalibrationBin(models.Model):
    """How a score run's predictions compare with what happened, on its test rows grouped by predicted value:
    the mean prediction and the mean outcome of each group (a probability and an observed rate, or amounts)."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="calibration", verbose_name=_("run"))
    position = models.PositiveSmallIntegerField(_("bin"))
    lower = models.FloatField(_("from"))
    upper = models.FloatField(_("to"))
    rows = models.PositiveIntegerField(_("rows"))
    predicted = models.FloatField(_("mean prediction"))
    observed = models.FloatField(_("mean outcome"))

    class Meta:
        ordering = ["run", "position"]
        verbose_name = _("calibration bin")
        verbose_name_plural = _("calibration bins")
        constraints = [models.UniqueConstraint(fields=["run", "position"], name="analytics_calibration_run_bin")]

    def __str__(self) -> str:
        return f"{self.lower:g}–{self.upper:g}"


class SegmentProfile(models.Model):
    """One segment of a segments run: its name in a marketer's terms, size, revenue share and RFM profile (the
    means of its customers). Position 0 is the most valuable segment."""

    class Label(models.TextChoices):
        CHAMPIONS = "champions", _("Champions")
        LOYAL = "loyal", _("Loyal")
        POTENTIAL_LOYALISTS = "potential_loyalists", _("Potential loyalists")
        NEW = "new", _("New customers")
        NEED_ATTENTION = "need_attention", _("Need attention")
        AT_RISK = "at_risk", _("At risk")
        HIBERNATING = "hibernating", _("Hibernating")
        LOST = "lost", _("Lost")

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="segments", verbose_name=_("run"))
    position = models.PositiveSmallIntegerField(_("rank"))
    label = models.CharField(_("segment"), max_length=20, choices=Label.choices)
    customers = models.PositiveIntegerField(_("customers"))
    customer_share = models.FloatField(_("share of customers"))
    revenue = models.DecimalField(_("revenue"), max_digits=16, decimal_places=2)
    revenue_share = models.FloatField(_("share of revenue"))
    recency_days = models.FloatField(_("days since last order (mean)"))
    frequency = models.FloatField(_("orders (mean)"))
    monetary = models.DecimalField(_("spend (mean)"), max_digits=16, decimal_places=2)

    class Meta:
        ordering = ["run", "position"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="analytics_segment_run_position"),
            models.UniqueConstraint(fields=["run", "label"], name="analytics_segment_run_label"),
        ]

    def __str__(self) -> str:
        return f"{self.get_label_display()} ({self.run})"


class CustomerSegment(models.Model):
    """A customer's segment in a segments run, with the recency, frequency and spend it was placed by."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="+", verbose_name=_("run"))
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="analytics_segments", verbose_name=_("customer")
    )
    segment = models.ForeignKey(
        SegmentProfile, on_delete=models.CASCADE, related_name="members", verbose_name=_("segment")
    )
    recency_days = models.PositiveIntegerField(_("days since last order"))
    frequency = models.PositiveIntegerField(_("orders"))
    monetary = models.DecimalField(_("spend"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("customer segment")
        verbose_name_plural = _("customer segments")
        constraints = [models.UniqueConstraint(fields=["run", "customer"], name="analytics_custseg_run_customer")]
        # A customer's segments over time (the customer page); a segment's members (an audience).
        indexes = [models.Index(fields=["customer", "run"], name="analytics_custseg_customer")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.segment_id}"


class AssociationRule(models.Model):
    """ "Who buys these also buys those", from a rules run: the products of each side are RuleItem rows. Position 0
    is the strongest rule (highest lift, then confidence). Conviction is empty when infinite (confidence 1)."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="rules", verbose_name=_("run"))
    position = models.PositiveIntegerField(_("rank"))
    antecedent_count = models.PositiveSmallIntegerField(_("products bought"))
    consequent_count = models.PositiveSmallIntegerField(_("products also bought"))
    antecedent_support = models.FloatField(_("antecedent support"))
    consequent_support = models.FloatField(_("consequent support"))
    support = models.FloatField(_("support"))
    confidence = models.FloatField(_("confidence"))
    lift = models.FloatField(_("lift"))
    leverage = models.FloatField(_("leverage"))
    conviction = models.FloatField(_("conviction"), null=True, blank=True)

    class Meta:
        ordering = ["run", "position"]
        verbose_name = _("basket rule")
        verbose_name_plural = _("basket rules")
        constraints = [models.UniqueConstraint(fields=["run", "position"], name="analytics_rule_run_position")]

    def __str__(self) -> str:
        return f"#{self.position} lift {self.lift:.2f}"


class RuleItem(models.Model):
    """A product on one side of a rule, in the side's order (by name)."""

    class Side(models.TextChoices):
        ANTECEDENT = "a", _("Bought")
        CONSEQUENT = "c", _("Also bought")

    rule = models.ForeignKey(AssociationRule, on_delete=models.CASCADE, related_name="items", verbose_name=_("rule"))
    product = models.ForeignKey("sales.Product", on_delete=models.CASCADE, related_name="+", verbose_name=_("product"))
    side = models.CharField(_("side"), max_length=1, choices=Side.choices)
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["rule", "side", "position"]
        verbose_name = _("rule product")
        verbose_name_plural = _("rule products")
        constraints = [models.UniqueConstraint(fields=["rule", "product"], name="analytics_ruleitem_rule_product")]
        # "Bought together with this product": the rules naming it on one side.
        indexes = [models.Index(fields=["product", "side", "rule"], name="analytics_ruleitem_product")]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.side} {self.product_id}"


class ForecastQuality(models.Model):
    """One forecast series of a forecast run: the model fitted, the periods dropped as incomplete, and its
    backtest error next to the seasonal-naive forecast's. A series that could not be modelled says why."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="forecast_series", verbose_name=_("run"))
    series = models.CharField(_("series"), max_length=120)
    label = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"))
    freq = models.CharField(_("period"), max_length=1)
    observations = models.PositiveIntegerField(_("periods"), default=0)
    model = models.CharField(_("model"), max_length=100, blank=True)
    dropped_first = models.DateField(_("incomplete first period left out"), null=True, blank=True)
    dropped_last = models.DateField(_("incomplete last period left out"), null=True, blank=True)
    backtest_points = models.PositiveSmallIntegerField(_("backtest periods"), default=0)
    mae = models.FloatField(_("backtest MAE"), null=True, blank=True)
    mape = models.FloatField(_("backtest MAPE (%)"), null=True, blank=True)
    naive_mae = models.FloatField(_("seasonal-naive MAE"), null=True, blank=True)
    naive_mape = models.FloatField(_("seasonal-naive MAPE (%)"), null=True, blank=True)
    naive_lag = models.PositiveSmallIntegerField(_("seasonal-naive lag"), null=True, blank=True)
    beats_baseline = models.BooleanField(_("beats the seasonal-naive forecast"), null=True, blank=True)
    error = models.TextField(_("why it was not modelled"), blank=True)

    class Meta:
        ordering = ["run", "position"]
        verbose_name = _("forecast series")
        verbose_name_plural = _("forecast series")
        constraints = [models.UniqueConstraint(fields=["run", "series"], name="analytics_forecastq_run_series")]

    def __str__(self) -> str:
        return self.label


class ForecastPoint(models.Model):
    """One period of a forecast series: the history as modelled, the forecast with its 80% and 95% intervals, or
    the backtest's forecast of a held-out period with the seasonal-naive forecast of it."""

    class Kind(models.TextChoices):
        HISTORY = "history", _("History")
        FORECAST = "forecast", _("Forecast")
        BACKTEST = "backtest", _("Backtest")

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="forecast_points", verbose_name=_("run"))
    series = models.CharField(_("series"), max_length=120)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    period = models.DateField(_("period"))
    value = models.FloatField(_("value"))
    naive = models.FloatField(_("seasonal-naive forecast"), null=True, blank=True)
    # xgettext:no-python-format
    lower_80 = models.FloatField(_("80% low"), null=True, blank=True)
    # xgettext:no-python-format
    upper_80 = models.FloatField(_("80% high"), null=True, blank=True)
    # xgettext:no-python-format
    lower_95 = models.FloatField(_("95% low"), null=True, blank=True)
    # xgettext:no-python-format
    upper_95 = models.FloatField(_("95% high"), null=True, blank=True)

    class Meta:
        ordering = ["run", "series", "kind", "period"]
        verbose_name = _("forecast point")
        verbose_name_plural = _("forecast points")
        constraints = [
            models.UniqueConstraint(fields=["run", "series", "kind", "period"], name="analytics_forecastpoint_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.series} {self.kind} {self.period}: {self.value:.2f}"


class Score(models.Model):
    """A customer's churn risk or value, or an opportunity's win probability, from one run, with the three
    factors that moved it most from the average (feature, this row's value, signed weight in the model's units:
    log-odds for probabilities, the amount for values)."""

    kind = models.CharField(_("kind"), max_length=20, choices=Run.Kind.choices)
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="scores", verbose_name=_("run"))
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="analytics_scores",
        verbose_name=_("customer"),
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="analytics_scores",
        verbose_name=_("opportunity"),
    )
    value = models.FloatField(_("score"))
    factor1 = models.CharField(_("first factor"), max_length=40, blank=True)
    factor1_value = models.CharField(_("its value"), max_length=100, blank=True)
    factor1_weight = models.FloatField(_("its weight"), null=True, blank=True)
    factor2 = models.CharField(_("second factor"), max_length=40, blank=True)
    factor2_value = models.CharField(_("its value"), max_length=100, blank=True)
    factor2_weight = models.FloatField(_("its weight"), null=True, blank=True)
    factor3 = models.CharField(_("third factor"), max_length=40, blank=True)
    factor3_value = models.CharField(_("its value"), max_length=100, blank=True)
    factor3_weight = models.FloatField(_("its weight"), null=True, blank=True)

    class Meta:
        ordering = ["run", "-value", "id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["run", "customer"], name="analytics_score_run_customer"),
            models.UniqueConstraint(fields=["run", "opportunity"], name="analytics_score_run_opportunity"),
            models.CheckConstraint(
                condition=Q(customer__isnull=True, opportunity__isnull=False)
                | Q(customer__isnull=False, opportunity__isnull=True),
                name="analytics_score_one_subject",
            ),
        ]
        indexes = [
            # The highest scores of a run; a customer's or opportunity's scores over time.
            models.Index(fields=["run", "value", "id"], name="analytics_score_run_value"),
            models.Index(fields=["customer", "run"], name="analytics_score_customer"),
            models.Index(fields=["opportunity", "run"], name="analytics_score_opportunity"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.customer_id or self.opportunity_id}: {self.value:.3f}"

    @property
    def factors(self) -> list[tuple[str, str, float]]:
        """(feature, value, weight) of each stored factor, strongest first."""
        return [
            (getattr(self, f"factor{n}"), getattr(self, f"factor{n}_value"), getattr(self, f"factor{n}_weight"))
            for n in (1, 2, 3)
            if getattr(self, f"factor{n}")
        ]
