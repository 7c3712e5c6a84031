# Docker engine helpers, sourced by .ci/run and scripts/test.
#
# docker_engine_answers: true when `docker info` reaches an engine.
# start_docker_engine: starts dockerd (as root) when none answers, and sets DOCKERD_PID
#   to what it started; the caller stops it with stop_docker_engine. Bridge networks the
#   engine makes itself and iptables are off: the default network of a container then
#   has no networking, but user-defined networks (which compose and the smoke test use)
#   and published ports work, which is all Trolley's tests need, also in sandboxes
#   where dockerd may not touch the host's firewall. overlay2 is tried first; vfs, which
#   works everywhere but copies every layer, is the fallback.

DOCKERD_PID=""

docker_engine_answers() {
    docker info >/dev/null 2>&1
}

start_docker_engine() {
    docker_engine_answers && return 0
    if [ "$(id -u)" != 0 ] || ! command -v dockerd >/dev/null 2>&1; then
        echo "No Docker engine answers, and dockerd cannot be started here (needs root and docker.io)." >&2
        return 1
    fi
    local driver log
    for driver in overlay2 vfs; do
        log="$(mktemp -t dockerd-XXXXXX.log)"
        dockerd --iptables=false --ip6tables=false --bridge=none \
            --storage-driver="$driver" >"$log" 2>&1 &
        DOCKERD_PID=$!
        for _ in $(seq 60); do
            if docker_engine_answers; then
                echo "Started dockerd (storage driver $driver, log $log)"
                return 0
            fi
            kill -0 "$DOCKERD_PID" 2>/dev/null || break
            sleep 1
        done
        echo "dockerd with $driver did not come up; its log:" >&2
        tail -n 5 "$log" >&2
        stop_docker_engine
    done
    return 1
}

stop_docker_engine() {
    if [ -n "$DOCKERD_PID" ]; then
        kill "$DOCKERD_PID" 2>/dev/null || true
        wait "$DOCKERD_PID" 2>/dev/null || true
        DOCKERD_PID=""
    fi
}
