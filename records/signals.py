"""Signals other apps listen to, so the platform never imports them."""

from django.dispatch import Signal

# Sent inside the restore's transaction once a record and what its delete took are back (sender: the record's
# model; instance: the record). Apps that derive data from live rows (a search index) bring it up to date.
record_restored = Signal()
