#!/usr/bin/env bash
# The README's second command: install what the tests need and run the whole suite.
#
#   bash scripts/test.sh                  the suite on SQLite
#   bash scripts/test.sh --postgres       the same suite on a throw-away PostgreSQL (scripts/pg_test_server.sh)
#   DATABASE_URL=postgres://... bash scripts/test.sh   the suite on a PostgreSQL server you provide
#   bash scripts/test.sh -- -k hazards    extra arguments after -- go to pytest
#
# Installs (when missing) the Debian packages chromium and fonts-noto-cjk for the browser tests; that
# needs root or password-less sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

postgres=0
pytest_args=()
while [ $# -gt 0 ]; do
    case "$1" in
    --postgres) postgres=1 ;;
    --) shift; pytest_args=("$@"); break ;;
    *) die "unknown option $1 (known: --postgres, -- PYTEST-ARGS)" ;;
    esac
    shift
done

require_tools
install_python ".[test]"
install_assets
install_debian_packages chromium fonts-noto-cjk

# The tests must never touch the demo's database or uploads.
ANJIAN_VAR_DIR=$(mktemp -d /tmp/anjian-test-var.XXXXXX)
export ANJIAN_VAR_DIR
mkdir -p "$ANJIAN_VAR_DIR/staticfiles" # whitenoise warns when STATIC_ROOT is missing
own_postgres=0
cleanup() {
    rm -rf "$ANJIAN_VAR_DIR"
    [ "$own_postgres" -eq 0 ] || bash scripts/pg_test_server.sh stop
}
trap cleanup EXIT

if [ "$postgres" -eq 1 ] && [ -z "${DATABASE_URL:-}" ]; then
    own_postgres=1
    bash scripts/pg_test_server.sh start
    DATABASE_URL=$(bash scripts/pg_test_server.sh url)
    export DATABASE_URL
fi

step "ruff check"
.venv/bin/ruff check . || die "ruff check found problems (listed above)."

step "import contracts"
.venv/bin/lint-imports --no-cache || die "an app imports a layer above it, or a sibling (contracts in pyproject.toml, broken imports listed above)."

database=${DATABASE_URL:-sqlite}
step "pytest -n 2 on ${database%%:*}"
status=0
.venv/bin/pytest -n 2 "${pytest_args[@]}" || status=$?
[ "$status" -eq 0 ] || die "the test suite failed on ${database%%:*} (pytest exit status $status)."
echo ""
echo "All tests passed on ${database%%:*}."
