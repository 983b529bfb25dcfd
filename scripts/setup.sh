#!/usr/bin/env bash
# The README's first command: install everything, build the demo and serve it at http://127.0.0.1:8000.
#
#   bash scripts/setup.sh              install, build the demo, print the logins, serve
#   bash scripts/setup.sh --no-serve   the same without starting the server
#
# Needs Python 3.11, Node.js 20 and npm. Safe to run again: each step checks what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

serve=1
for arg in "$@"; do
    case "$arg" in
    --no-serve) serve=0 ;;
    *) die "unknown option $arg (known: --no-serve)" ;;
    esac
done

require_tools
install_python "."
install_assets

anjian=.venv/bin/anjian
# The demo keeps its SQLite database, collected static files and uploads here (see anjian/settings.py).
mkdir -p "${ANJIAN_VAR_DIR:-var}"
step "Creating or updating the database (migrate)"
$anjian migrate --noinput || die "anjian migrate failed."
step "Building the demo data (init-demo; kept if already built)"
$anjian init-demo --no-logins || die "anjian init-demo failed."
step "Collecting static files"
$anjian collectstatic --noinput --verbosity 0 || die "anjian collectstatic failed."

step "Demo logins (one per role; list them again with: .venv/bin/anjian logins)"
$anjian logins || die "anjian logins failed."

if [ "$serve" -eq 1 ]; then
    step "Serving anjian at http://127.0.0.1:8000 (stop with Ctrl-C)"
    exec $anjian serve
fi
echo ""
echo "Ready. Start the server with: .venv/bin/anjian serve"
