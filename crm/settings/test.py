"""Tests: the database from DATABASE_URL (SQLite by default), fast hashing, mail kept in memory."""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-only-for-the-test-suite-0123456789abcdefgh")

from .base import *  # noqa: F403
from .base import DATABASES, LOGGING

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DATABASES["default"]["CONN_MAX_AGE"] = 0
LOGGING["root"]["level"] = "WARNING"
# Each process its own cache, emptied by the tests that count in it (rate limits), whatever CRM_CACHE_URL says.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tests run tasks in-process; the worker test (tests/crm/test_celery_worker.py) turns this off for itself
# and sends through the real broker named by CELERY_BROKER_URL.
CELERY_TASK_ALWAYS_EAGER = True
