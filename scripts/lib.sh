# Shared steps of scripts/setup.sh and scripts/test.sh. Sourced, not run.
# Every step is idempotent: running a script twice gives the same result and only repeats cheap checks.

die() {
    echo "" >&2
    echo "ERROR: $*" >&2
    exit 1
}

step() {
    echo ""
    echo "==> $*"
}

require_tools() {
    PYTHON=${PYTHON:-python3.11}
    command -v "$PYTHON" >/dev/null 2>&1 ||
        die "$PYTHON was not found. anjian needs Python 3.11 (Debian 12: apt-get install -y python3.11 python3.11-venv)."
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 11))' ||
        die "$PYTHON is older than 3.11."
    command -v node >/dev/null 2>&1 ||
        die "node was not found. anjian needs Node.js 20 and npm for its front-end assets (apt-get install -y nodejs npm)."
    command -v npm >/dev/null 2>&1 ||
        die "npm was not found. anjian needs npm for its front-end assets (apt-get install -y npm)."
}

# Creates .venv once and installs the project into it with the pinned versions of constraints.txt.
# $1: the pip requirement, "." or ".[test]".
install_python() {
    if [ ! -x .venv/bin/python ]; then
        step "Creating the virtual environment .venv"
        "$PYTHON" -m venv .venv ||
            die "could not create .venv with $PYTHON (Debian: apt-get install -y python3.11-venv)."
    fi
    step "Installing Python packages ($1) pinned by constraints.txt"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e "$1" ||
        die "pip could not install the Python packages (see the messages above)."
    # The Redis task backend without its unused rq-scheduler, which brings crontab (LGPL-2.1):
    # docs/adr/0006-background-work.md. Installed where rq is (the [redis] and [test] extras).
    if .venv/bin/python -c "import rq" 2>/dev/null; then
        .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -c constraints.txt django-tasks-rq ||
            die "pip could not install django-tasks-rq (see the messages above)."
    fi
}

# Front-end libraries come from npm; scripts/build_assets.py copies them into anjian/static/vendor.
install_assets() {
    if [ ! -f package.json ]; then
        echo "(no package.json: no front-end assets to install)"
        return
    fi
    step "Installing front-end packages from npm"
    if [ -f package-lock.json ]; then
        npm ci --no-audit --no-fund --loglevel=error || die "npm ci failed (see the messages above)."
    else
        npm install --no-audit --no-fund --loglevel=error || die "npm install failed (see the messages above)."
    fi
    if [ -f scripts/build_assets.py ]; then
        step "Copying front-end assets into anjian/static/vendor"
        .venv/bin/python scripts/build_assets.py || die "scripts/build_assets.py failed."
    fi
}

# Installs the Debian packages named as arguments unless they are installed already.
install_debian_packages() {
    local missing=()
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return
    step "Installing Debian packages: ${missing[*]}"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "Debian packages missing (${missing[*]}); install them as root."
        sudo="sudo -n"
    fi
    $sudo apt-get update -q || die "apt-get update failed."
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}" </dev/null ||
        die "apt-get could not install: ${missing[*]}."
}
