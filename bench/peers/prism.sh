#!/usr/bin/env bash
# Throughput of cmd/hookscope-mock beside Prism's mock mode serving the same
# openapi.yaml, on loopback under wrk: requests/s for a webhook get with
# recent events and for a two-row /v1/logs page, and the ratio
# Prism / hookscope-mock. Prism answers every request with the document's
# example for the operation (the byte counts say how much each server sent);
# hookscope-mock computes its answer from its generated data.
#
#   bash bench/peers/prism.sh
#
# Environment: DURATION (wrk -d, default 10s), THREADS (-t, 2), CONNECTIONS
# (-c, 32), ROUNDS (default 1), PRISM_VERSION (@stoplight/prism-cli, 5.16.0).
# Needs node/npx (Prism comes from the npm registry) and wrk (installed from
# Debian's packages when missing). Everything listens on 127.0.0.1 only and
# stops when the script ends.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
ROUNDS=${ROUNDS:-1}
PRISM_VERSION=${PRISM_VERSION:-5.16.0}
CLOCK=2026-05-06T15:04:05Z

# shellcheck source=/dev/null
source bench/lib.sh

go build -o "$tmp/hookscope-mock" ./cmd/hookscope-mock
"$tmp/hookscope-mock" -addr 127.0.0.1:0 -clock "$CLOCK" >"$tmp/mock.log" 2>&1 &
pids+=($!)
mock=$(wait_for "$tmp/mock.log" '^hookscope mock listening on ' | sed 's/^hookscope mock listening on //')
key=$(wait_for "$tmp/mock.log" '^API key: ' | sed 's/^API key: //')

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
npx --yes "@stoplight/prism-cli@${PRISM_VERSION}" mock -h 127.0.0.1 -p "$port" openapi.yaml >"$tmp/prism.log" 2>&1 &
pids+=($!)
wait_for "$tmp/prism.log" 'Prism is listening' >/dev/null
prism="http://127.0.0.1:$port"

# An endpoint with deliveries: the first group of a by-endpoint metrics page.
ep=$(curl -fsS -H "Authorization: Bearer $key" "$mock/v1/metrics/webhooks?metric=delivered&group_by=endpoint_id&limit=1" | grep -o 'ep_[0-9a-f]\{32\}' | head -1)
small="/api/v0/webhooks/$ep?include_events=true"
logs="/v1/logs?limit=2"

# bytes URL: the size of URL's answer.
bytes() { curl -fsS -H "Authorization: Bearer $key" "$1" | wc -c; }

# rps URL: requests/s that wrk measures for URL.
rps() {
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -H "Authorization: Bearer $key" "$1" >"$tmp/wrk.out" 2>&1
	if grep -q 'Non-2xx' "$tmp/wrk.out"; then
		cat "$tmp/wrk.out" >&2
		echo "non-2xx answers from $1" >&2
		exit 1
	fi
	awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk.out"
}

echo "nproc: $(nproc); wrk -t$THREADS -c$CONNECTIONS -d$DURATION; hookscope-mock -clock $CLOCK; prism-cli $PRISM_VERSION (node $(node --version))"
printf '%-6s %-66s %11s %11s %12s %12s %7s\n' case path mock_bytes prism_bytes mock_rps prism_rps ratio
for _ in $(seq "$ROUNDS"); do
	for c in small logs; do
		path=${!c}
		mb=$(bytes "$mock$path")
		pb=$(bytes "$prism$path")
		DURATION=1s rps "$mock$path" >/dev/null
		m=$(rps "$mock$path")
		DURATION=3s rps "$prism$path" >/dev/null # Node warms up slowly
		p=$(rps "$prism$path")
		ratio=$(awk -v m="$m" -v p="$p" 'BEGIN { printf "%.3f", p / m }')
		printf '%-6s %-66s %11s %11s %12s %12s %7s\n' "$c" "$path" "$mb" "$pb" "$m" "$p" "$ratio"
	done
done
