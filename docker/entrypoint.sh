#!/bin/sh
# Container start: wait for the database by retrying the migration, optionally load the
# seed data, then serve. Arguments, when given, run instead of the server (after the
# migration), e.g. `docker compose run --rm app provenance export`.
set -eu

attempts="${DB_WAIT_ATTEMPTS:-30}"
delay="${DB_WAIT_SECONDS:-2}"

# `provenance migrate` is the readiness probe: it fails until the database accepts
# connections, and once it succeeds the schema is at head.
attempt=1
until provenance migrate; do
    if [ "$attempt" -ge "$attempts" ]; then
        echo "entrypoint: database not ready after $attempts attempts; giving up" >&2
        exit 1
    fi
    echo "entrypoint: migration failed (attempt $attempt/$attempts); retrying in ${delay}s" >&2
    attempt=$((attempt + 1))
    sleep "$delay"
done

# Seeding is idempotent (an import changes nothing the second time), so restarts are safe.
if [ "${SEED_ON_START:-false}" = "true" ]; then
    provenance seed
fi

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

exec provenance serve --host "${HOST:-0.0.0.0}" --port "${PORT:-8000}"
