"""Keeping what search reads up to date when the platform restores a record from the recycle bin."""

from django.dispatch import receiver

from customers.models import Contact, Customer
from records.signals import record_restored


@receiver(record_restored, sender=Customer, dispatch_uid="customers.search_after_customer_restore")
def _customer_restored(sender, instance: Customer, **kwargs) -> None:
    from customers.services import customer_search_refresh

    customer_search_refresh(customer_ids=[instance.pk])  # its contacts came back with it


@receiver(record_restored, sender=Contact, dispatch_uid="customers.search_after_contact_restore")
def _contact_restored(sender, instance: Contact, **kwargs) -> None:
    from customers.services import customer_search_refresh

    customer_search_refresh(customer_ids=[instance.customer_id])
