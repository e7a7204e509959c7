#!/usr/bin/env bash
# One entry point for set-up and the project's jobs. Creates .venv and installs on first use.
#   bash dev.sh main    run the example job on the virtual board
#   bash dev.sh test    run the whole test suite
set -euo pipefail
cd "$(dirname "$0")"

pick_python() {
    # The virtual board's MicroPython wheel exists for CPython 3.10 to 3.14.
    for candidate in "${PYTHON:-}" python3 python3.14 python3.13 python3.12 python3.11 python3.10; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 14)))' 2>/dev/null; then
            echo "$candidate"
            return
        fi
    done
    echo "dev.sh: need CPython 3.10 to 3.14 (the MicroPython wheel's range); set PYTHON=..." >&2
    exit 1
}

ensure_venv() {
    local stamp=.venv/.installed
    local want
    want=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
    if [ ! -x .venv/bin/python ]; then
        "$(pick_python)" -m venv .venv
    fi
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
        echo "$want" >"$stamp"
    fi
}

case "${1:-}" in
main)
    ensure_venv
    shift
    exec .venv/bin/python scripts/main_job.py "$@"
    ;;
test)
    ensure_venv
    shift
    exec .venv/bin/python -m pytest "$@"
    ;;
*)
    echo "usage: bash dev.sh main|test [args...]" >&2
    exit 2
    ;;
esac
