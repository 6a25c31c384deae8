# rolescope's image: gunicorn behind nginx (compose.yaml), the bundled real data inside.
#   docker build --build-arg ROLESCOPE_COMMIT=$(git rev-parse HEAD) -t rolescope .
# Stage 1 builds wheels for the pinned requirements; stage 2 installs only those, with no compiler.

FROM python:3.11-slim-bookworm AS wheels
RUN apt-get update && apt-get install -y --no-install-recommends build-essential libpq-dev \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.txt /tmp/requirements.txt
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r /tmp/requirements.txt

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    PROMETHEUS_MULTIPROC_DIR=/tmp/metrics \
    GUNICORN_BIND=0.0.0.0:8000
# pg_dump and pg_restore for `manage.py backup` / `restore`: Debian bookworm's PostgreSQL client, major version
# PG_MAJOR, the same as compose.yaml's db image (pg_dump refuses a newer server; `backup` checks and says so).
ARG PG_MAJOR=15
ARG ROLESCOPE_COMMIT=""
ENV ROLESCOPE_COMMIT=${ROLESCOPE_COMMIT}
RUN apt-get update && apt-get install -y --no-install-recommends postgresql-client-${PG_MAJOR} \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin rolescope
COPY --from=wheels /wheels /wheels
COPY requirements.txt /tmp/requirements.txt
RUN pip install --no-index --find-links=/wheels -r /tmp/requirements.txt && rm -rf /wheels /tmp/requirements.txt

WORKDIR /app
COPY --chown=rolescope:rolescope . /app
# Static files hashed and compressed once, at build (a throwaway key: nothing is signed here).
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    python manage.py collectstatic --noinput -v0 \
    && chown -R rolescope:rolescope /app/staticfiles \
    && install -d -o rolescope -g rolescope /app/var/downloads
# ^ owned by the app's user, so the `downloads` volume mounted there (compose.yaml) starts writable by it

USER rolescope
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=120s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"
ENTRYPOINT ["/app/deploy/entrypoint"]
CMD ["web"]
