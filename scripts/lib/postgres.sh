# Starts a throwaway PostgreSQL server on 127.0.0.1 (a free port) in a temporary
# directory, for the test suite and the benchmark; sourced by scripts/test and bench/run.
#
#   start_throwaway_postgres [extra -c settings…]   sets PG_URL (…/postgres) and PG_DIR,
#                                                   and stops and removes it at exit
#   (returns 1, starting nothing, when the server binaries are missing)

find_pg_bin() {
    local name=$1 candidate
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
    for candidate in /usr/lib/postgresql/*/bin/"$name"; do
        [ -x "$candidate" ] && { echo "$candidate"; return; }
    done
    return 1
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_throwaway_postgres() {
    local initdb pg_ctl port options setting
    initdb=$(find_pg_bin initdb) || return 1
    pg_ctl=$(find_pg_bin pg_ctl) || return 1
    # PostgreSQL refuses to run as root: run it as the postgres user when we are root.
    PG_AS=()
    if [ "$(id -u)" = "0" ]; then PG_AS=(runuser -u postgres --); fi
    PG_DIR=$(mktemp -d /tmp/trolley-pg.XXXXXX)
    chmod 755 "$PG_DIR"
    if [ "$(id -u)" = "0" ]; then chown postgres: "$PG_DIR"; fi
    PG_CTL=$pg_ctl
    trap stop_throwaway_postgres EXIT
    port=$(free_port)
    "${PG_AS[@]}" "$initdb" -D "$PG_DIR/data" -U trolley --auth=trust -E UTF8 --locale=C \
        >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    options="-p $port -k $PG_DIR -c listen_addresses=127.0.0.1"
    for setting in "$@"; do options="$options -c $setting"; done
    "${PG_AS[@]}" "$pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 -o "$options" start \
        >/dev/null || { cat "$PG_DIR/postgres.log" >&2; return 1; }
    PG_URL="postgres://trolley@127.0.0.1:$port/postgres"
}

stop_throwaway_postgres() {
    if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR" ]; then
        "${PG_AS[@]}" "$PG_CTL" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
    fi
}
