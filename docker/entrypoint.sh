#!/bin/sh
# Container entry point: `run` (the default) first brings the database schema up to date, waiting
# for the database to accept connections; the other circles commands run as they are; anything
# else (e.g. `sh`) runs as given, for looking around inside the container.
#
#   CIRCLES_MIGRATE_AT_START  1 (default): migrate before `run`; 0: skip (a separate migrate job)
#   CIRCLES_MIGRATE_TRIES     how many times to try migrating before giving up (default 30)
#   CIRCLES_MIGRATE_WAIT      seconds between tries (default 2)
set -eu

command="${1:-run}"
[ "$#" -gt 0 ] && shift

case "$command" in
  run | console | migrate | dispatch) ;;
  *) exec "$command" "$@" ;;
esac

if [ "$command" = run ] && [ "${CIRCLES_MIGRATE_AT_START:-1}" != 0 ]; then
  tries="${CIRCLES_MIGRATE_TRIES:-30}"
  attempt=1
  # Several instances may start at once: Alembic's upgrade is idempotent, and a second instance
  # finds the schema already at head.
  until circles migrate; do
    if [ "$attempt" -ge "$tries" ]; then
      echo "circles-entrypoint: the database did not accept the migration after $tries tries; giving up" >&2
      exit 1
    fi
    echo "circles-entrypoint: migration failed (try $attempt of $tries); trying again" >&2
    attempt=$((attempt + 1))
    sleep "${CIRCLES_MIGRATE_WAIT:-2}"
  done
fi

exec circles "$command" "$@"
