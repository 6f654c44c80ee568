import factory
from factory.django import DjangoModelFactory

from sales.models import LeadForm
from tests.factories.customers import TeamFactory


class LeadFormFactory(DjangoModelFactory):
    class Meta:
        model = LeadForm
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Website form {n}")
    team = factory.SubFactory(TeamFactory)
    allowed_origins = "https://www.example.com"

    @factory.post_generation
    def default_tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.default_tags.add(*extracted)
