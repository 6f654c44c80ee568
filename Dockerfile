# The one image behind web, worker and beat in docker-compose.yml.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=crm.settings.production
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential default-libmysqlclient-dev pkg-config curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt requirements-mysql.txt ./
RUN pip install --no-cache-dir -r requirements.txt -r requirements-mysql.txt
COPY . .
RUN DJANGO_SECRET_KEY=collectstatic-only-not-a-real-key CELERY_BROKER_URL=redis://collectstatic-only:6379/0 \
    python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 crm && chown -R crm /app
USER crm
EXPOSE 8000
CMD ["gunicorn", "crm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
