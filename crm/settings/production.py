"""Production: HTTPS only, secure cookies, static files compressed and fingerprinted.

Each switch still reads the environment so a deployment behind a TLS-terminating proxy can adjust it.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "false")

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, STORAGES, env

# Without a broker, base.py runs tasks inside the calling process (memory://): in production that would run
# analytics inside web requests, quietly. Refuse to start instead.
if CELERY_BROKER_URL.startswith("memory:"):
    raise ImproperlyConfigured(
        "CELERY_BROKER_URL must name the broker the workers read, e.g. redis://redis:6379/0, in production."
    )

# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# The container health check calls /health/ over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = env.bool("DJANGO_SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("DJANGO_CSRF_COOKIE_SECURE", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# The cache holds the web-to-lead form's counts per address, which every web process must share: without
# CRM_CACHE_URL, the broker's Redis (as CELERY_RESULT_BACKEND does), its keys prefixed.
_SHARED_CACHE = CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else "locmemcache://"
CACHES = {"default": env.cache_url("CRM_CACHE_URL", default=_SHARED_CACHE)}
CACHES["default"].setdefault("KEY_PREFIX", "crm")
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
