#!/usr/bin/env bash
# Static checks of the deployment files, for a machine without a Docker engine:
#   - docker-compose.yml against the Compose Specification schema (check-jsonschema),
#     its ${VAR} interpolations, and that every variable passed to the app services is
#     one Trolley reads (src/config.rs, RUST_LOG) and is documented in .env.example;
#   - deploy/nginx.conf's upstreams name the app services on the port they listen on, and
#     `nginx -t` of deploy/nginx.conf and deploy/nginx-test.conf.template (if nginx is
#     installed; `apt-get install nginx`);
#   - the Dockerfile with hadolint, and that it copies everything compiled into the binary.
#
# Usage: deploy/check-compose.sh   (from anywhere; exits non-zero with one line per problem)
#
# Needs python3 with venv (Debian: python3-venv) and PyPI. The pinned tools of
# deploy/check-requirements.txt are installed once into deploy/.cache/venv, and again only
# when that file or python3 changes; TROLLEY_CHECK_CACHE moves the cache. The cache holds
# a .gitignore of its own, so it is never committed.
set -euo pipefail
cd "$(dirname "$0")/.."

cache="${TROLLEY_CHECK_CACHE:-deploy/.cache}"
venv="$cache/venv"
requirements=deploy/check-requirements.txt
stamp="$venv/.requirements.sha256"

if ! command -v python3 >/dev/null 2>&1; then
    echo "check-compose: python3 is not installed (apt-get install python3 python3-venv)" >&2
    exit 2
fi
# The cache ignores itself, so that it never shows up in `git status` or gets committed.
mkdir -p "$cache"
[ -f "$cache/.gitignore" ] || echo '*' >"$cache/.gitignore"

want="$( (sha256sum "$requirements"; python3 --version) | sha256sum | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    echo "== installing the pinned checkers into $venv"
    rm -rf "$venv"
    if ! python3 -m venv "$venv" >/dev/null; then
        rm -rf "$venv"
        echo "check-compose: cannot create a Python venv (Debian: apt-get install python3-venv)" >&2
        exit 2
    fi
    if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        -r "$requirements"; then
        echo "check-compose: installing $requirements from PyPI failed" >&2
        exit 2
    fi
    echo "$want" >"$stamp"
fi

exec "$venv/bin/python" deploy/check_compose.py "$@"
