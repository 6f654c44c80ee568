import factory
from factory.django import DjangoModelFactory

from accounts.models import Profile
from tests.factories.customers import RepFactory


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(RepFactory)
    time_zone = ""
    language = ""
