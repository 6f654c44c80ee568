"""Development: debug on, in-process tasks unless CELERY_BROKER_URL is set."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from .base import *  # noqa: F403
