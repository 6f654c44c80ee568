import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Team
from accounts.roles import ADMINISTRATOR, SALES_MANAGER, SALES_REP
from customers.models import Contact, Customer, Interaction, Relationship, Tag
from customers.search import customer_search_document
from customers.services import customer_search_refresh
from customers.validators import phone_digits

PASSWORD = "correct-horse-battery-staple"


def _role(default: str | None):
    """A post-generation hook putting the user in a role group (`role=` at call time overrides)."""

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        name = extracted or default
        if create and name:
            obj.groups.add(Group.objects.get(name=name))

    return role


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)

    role = _role(None)


class RepFactory(UserFactory):
    role = _role(SALES_REP)


class ManagerFactory(UserFactory):
    role = _role(SALES_MANAGER)


class AdministratorFactory(UserFactory):
    is_staff = True
    role = _role(ADMINISTRATOR)


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")
    manager = factory.SubFactory(ManagerFactory)

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Tag {n}")


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    kind = Customer.Kind.COMPANY
    name = factory.Sequence(lambda n: f"Customer {n:05d} Ltd")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    phone = factory.Sequence(lambda n: f"+44 20 7946 {n:04d}")
    phone_digits = factory.LazyAttribute(lambda c: phone_digits(c.phone))
    city = "London"
    country = "GB"
    tier = Customer.Tier.B
    lifecycle_stage = Customer.Stage.PROSPECT
    owner = factory.SubFactory(RepFactory)
    # What the services would store for search (contacts added later refresh it, see ContactFactory).
    search_text = factory.LazyAttribute(
        lambda c: customer_search_document(name=c.name, email=c.email, phone_digits=c.phone_digits)
    )

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Faker("name")
    role = "Buyer"
    email = factory.Sequence(lambda n: f"contact{n}@example.com")

    @factory.post_generation
    def searchable(obj, create, extracted, **kwargs):
        """The customer is found by the contact, as after contact_create."""
        if create:
            customer_search_refresh(customer_ids=[obj.customer_id])


class InteractionFactory(DjangoModelFactory):
    class Meta:
        model = Interaction

    customer = factory.SubFactory(CustomerFactory)
    channel = Interaction.Channel.CALL
    direction = Interaction.Direction.OUTBOUND
    occurred_at = factory.LazyFunction(timezone.now)
    subject = factory.Sequence(lambda n: f"Call number {n}")
    user = factory.LazyAttribute(lambda i: i.customer.owner)


class RelationshipFactory(DjangoModelFactory):
    class Meta:
        model = Relationship

    from_customer = factory.SubFactory(CustomerFactory)
    to_customer = factory.SubFactory(CustomerFactory, owner=factory.SelfAttribute("..from_customer.owner"))
    kind = Relationship.Kind.PARTNER
    status = Relationship.Status.GOOD
