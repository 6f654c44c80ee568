import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from sales.models import Opportunity, Product, Stage
from tests.factories.customers import CustomerFactory


def stage(code: str) -> Stage:
    """One of the default stages the migrations create ("prospecting", "proposal", "won", "lost", ...)."""
    return Stage.objects.get(code=code)


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n:05d}")
    category = "Hardware"
    unit_price = factory.Faker("pydecimal", left_digits=4, right_digits=2, positive=True)
    currency = "EUR"
    stock_on_hand = 10
    active = True


class OpportunityFactory(DjangoModelFactory):
    class Meta:
        model = Opportunity

    customer = factory.SubFactory(CustomerFactory)
    owner = factory.LazyAttribute(lambda o: o.customer.owner)
    title = factory.Sequence(lambda n: f"Opportunity {n:05d}")
    amount = factory.Faker("pydecimal", left_digits=5, right_digits=2, positive=True)
    currency = "EUR"
    stage = factory.LazyFunction(lambda: stage("prospecting"))
    probability = factory.LazyAttribute(lambda o: o.stage.probability)
    expected_close_date = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=30))
    stage_entered_at = factory.LazyFunction(timezone.now)
