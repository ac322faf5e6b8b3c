# Shared by the scripts that start the service on loopback (sourced, not run).

# A free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_service URL PID LOG NAME: waits up to 60 s until URL answers 2xx; if the process PID
# dies first, prints its LOG and exits 1 in NAME's words.
wait_for_service() {
    local url="$1" pid="$2" logfile="$3" name="$4"
    for _ in $(seq 1 60); do
        curl -sf "$url" >/dev/null 2>&1 && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            cat "$logfile" >&2
            echo "$name: the service did not start" >&2
            exit 1
        fi
        sleep 1
    done
    echo "$name: the service did not answer $url within 60 s" >&2
    exit 1
}
