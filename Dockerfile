# The portal's image: one image for the web process, the Celery worker and Celery beat
# (docker-compose.yml picks the command).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Import the project from /app (templates, static files and locale live beside it), not
    # from the copy `pip install .` puts in site-packages.
    PYTHONPATH=/app

# WeasyPrint renders the PDFs with Pango and HarfBuzz; DejaVu covers Latin and Arabic.
# gettext compiles the translation catalogues.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
RUN pip install .

# Static files are collected into the image (WhiteNoise serves them); the key is a throwaway
# that only lets settings load, the real one comes from the environment at run time.
RUN SECRET_KEY=build-only-not-a-secret DJANGO_DEBUG=0 python manage.py collectstatic --noinput \
    && if [ -d locale ]; then \
        SECRET_KEY=build-only-not-a-secret DJANGO_DEBUG=0 python manage.py compilemessages; \
    fi

# Run as an unprivileged user; uploads and generated PDFs go to /app/var/media (a volume).
RUN useradd --system --uid 1000 --home-dir /app cepex \
    && mkdir -p /app/var/media \
    && chown -R cepex /app/var
USER cepex

ENV MEDIA_ROOT=/app/var/media
EXPOSE 8000
CMD ["gunicorn", "cepex_portal.wsgi:application", "-b", "0.0.0.0:8000", "--workers", "3"]
