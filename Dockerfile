# syntax=docker/dockerfile:1
# The provenance API: `docker compose up` builds this image and runs it against PostgreSQL.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv/provenance

# An unprivileged account to run the service; it owns nothing in the source tree.
RUN groupadd --system provenance \
    && useradd --system --gid provenance --home-dir /srv/provenance --no-create-home provenance

COPY pyproject.toml README.md alembic.ini ./
COPY app/ app/
COPY migrations/ migrations/
COPY seeds/ seeds/
COPY docker/entrypoint.sh docker/entrypoint.sh

# Editable on purpose: app/config.py sets REPO_ROOT to the parent of the `app` package,
# and app.db.migrate finds alembic.ini and migrations/ (and Settings finds seeds/) under
# REPO_ROOT. A plain `pip install .` would copy `app` into site-packages, where REPO_ROOT
# would point at site-packages and `provenance migrate` could not find its scripts. With
# `-e`, `app` is imported from /srv/provenance/app, so REPO_ROOT is /srv/provenance.
RUN pip install -e . \
    && chmod 0755 docker/entrypoint.sh

USER provenance

ENV HOST=0.0.0.0 \
    PORT=8000
EXPOSE 8000

# urlopen raises on a refused connection or on any non-2xx answer, so the exit code is 1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '8000'), timeout=4)"

ENTRYPOINT ["/srv/provenance/docker/entrypoint.sh"]
