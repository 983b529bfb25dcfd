#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the test suite, on 127.0.0.1 and a private port.
#
#   bash scripts/pg_test_server.sh start   create and start it (replacing any earlier one); prints its URL
#   bash scripts/pg_test_server.sh url     print DATABASE_URL for it
#   bash scripts/pg_test_server.sh stop    stop it and delete its data
#
# PostgreSQL refuses to run as root, so as root the cluster runs as the system user pgtest (created on
# first use). The test role may CREATE DATABASE: pytest-django creates test_anjian (one per xdist worker).
# PGTEST_PORT (default 55432) and PGTEST_DIR (default /tmp/anjian-pgtest) change where it lives.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

PORT=${PGTEST_PORT:-55432}
DATA=${PGTEST_DIR:-/tmp/anjian-pgtest}
DB_USER=anjian
DB_PASSWORD=anjian-test
DB_NAME=anjian
SYSTEM_USER=pgtest

find_bin_dir() {
    local dir
    for dir in /usr/local/bin /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
            echo "$dir"
            return
        fi
    done
}

# Runs a command as the cluster's owner: pgtest when we are root, ourselves otherwise.
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$SYSTEM_USER" -- "$@"
    else
        "$@"
    fi
}

start() {
    BIN=$(find_bin_dir)
    if [ -z "$BIN" ]; then
        install_debian_packages postgresql
        BIN=$(find_bin_dir)
        [ -n "$BIN" ] || die "PostgreSQL server programs (initdb, pg_ctl) not found even after installing postgresql."
    fi
    if [ "$(id -u)" -eq 0 ] && ! id "$SYSTEM_USER" >/dev/null 2>&1; then
        useradd --system --no-create-home --shell /usr/sbin/nologin "$SYSTEM_USER"
    fi
    stop >/dev/null 2>&1 || true
    mkdir -p "$DATA"
    [ "$(id -u)" -eq 0 ] && chown "$SYSTEM_USER" "$DATA"
    chmod 700 "$DATA"

    step "Starting a throw-away PostgreSQL ($BIN) on 127.0.0.1:$PORT, data in $DATA"
    as_owner "$BIN/initdb" -D "$DATA/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$DATA/initdb.log" 2>&1 ||
        die "initdb failed: $(tail -5 "$DATA/initdb.log")"
    # fsync and full-page writes off: the data is thrown away, speed matters more than durability.
    as_owner "$BIN/pg_ctl" -D "$DATA/data" -l "$DATA/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $PORT -k $DATA -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
        start >/dev/null || die "PostgreSQL did not start: $(tail -5 "$DATA/server.log")"

    local psql="$BIN/psql"
    [ -x "$psql" ] || psql=$(command -v psql) || die "psql not found."
    as_owner "$psql" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD'" \
        -c "CREATE DATABASE $DB_NAME OWNER $DB_USER" || die "could not create the test role and database."
    echo "PostgreSQL is ready: $(url)"
}

stop() {
    local bin
    bin=$(find_bin_dir)
    if [ -n "$bin" ] && [ -f "$DATA/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$DATA/data" -m fast -w stop >/dev/null || true
    fi
    rm -rf "$DATA"
}

url() {
    echo "postgres://$DB_USER:$DB_PASSWORD@127.0.0.1:$PORT/$DB_NAME"
}

case "${1:-}" in
start) start ;;
stop) stop ;;
url) url ;;
*) die "usage: bash scripts/pg_test_server.sh start|stop|url" ;;
esac
