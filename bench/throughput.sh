#!/usr/bin/env bash
# Throughput of cmd/hookscope-mock on loopback under wrk, beside a plain
# net/http handler (bench/baseline) serving the same precomputed bytes:
# requests/s for a small response (webhook get with recent events) and a
# large one (a 500-row /v1/logs page), and the ratio mock / baseline.
#
#   bash bench/throughput.sh
#
# Environment: DURATION (wrk -d, default 10s), THREADS (-t, 2),
# CONNECTIONS (-c, 32), MESSAGES (the mock's -messages, 2000), ROUNDS (how
# many times each pair is measured, one line each; default 1). Installs wrk
# from Debian's packages when it is missing. Everything listens on
# 127.0.0.1 only, on ports the kernel picks, and stops when the script ends.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
MESSAGES=${MESSAGES:-2000}
ROUNDS=${ROUNDS:-1}
CLOCK=2026-05-06T15:04:05Z

if ! command -v wrk >/dev/null 2>&1; then
	echo "installing wrk" >&2
	apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi

tmp=$(mktemp -d)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/hookscope-mock" ./cmd/hookscope-mock
go build -o "$tmp/baseline" ./bench/baseline

# wait_for FILE PATTERN: the line of FILE matching PATTERN, once it is there (30 s at most).
wait_for() {
	for _ in $(seq 300); do
		if line=$(grep -m1 "$2" "$1" 2>/dev/null); then
			echo "$line"
			return 0
		fi
		sleep 0.1
	done
	echo "timed out waiting for '$2' in $1" >&2
	cat "$1" >&2
	return 1
}

"$tmp/hookscope-mock" -addr 127.0.0.1:0 -messages "$MESSAGES" -clock "$CLOCK" >"$tmp/mock.log" 2>&1 &
pids+=($!)
mock=$(wait_for "$tmp/mock.log" '^hookscope mock listening on ' | sed 's/^hookscope mock listening on //')
key=$(wait_for "$tmp/mock.log" '^API key: ' | sed 's/^API key: //')

"$tmp/baseline" -mock "$mock" -key "$key" >"$tmp/baseline.log" 2>&1 &
pids+=($!)
base=$(wait_for "$tmp/baseline.log" '^baseline listening on ' | sed 's/^baseline listening on //')
small=$(wait_for "$tmp/baseline.log" '^small: ' | sed 's/^small: //; s/ (.*//')
large=$(wait_for "$tmp/baseline.log" '^large: ' | sed 's/^large: //; s/ (.*//')
small_bytes=$(grep -m1 '^small: ' "$tmp/baseline.log" | sed 's/.*(\(.*\) bytes)/\1/')
large_bytes=$(grep -m1 '^large: ' "$tmp/baseline.log" | sed 's/.*(\(.*\) bytes)/\1/')

case "$mock$base" in
*127.0.0.1:*127.0.0.1:*) ;;
*) echo "not on loopback: $mock $base" >&2; exit 1 ;;
esac

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

echo "nproc: $(nproc); wrk -t$THREADS -c$CONNECTIONS -d$DURATION; mock -messages $MESSAGES -clock $CLOCK"
printf '%-8s %-62s %10s %14s %14s %7s\n' case path bytes baseline_rps mock_rps ratio
for _ in $(seq "$ROUNDS"); do
	for c in small large; do
		path=${!c}
		bytes_var=${c}_bytes
		# Warm each server up for a second (connections, caches), then measure.
		DURATION=1s rps "$base$path" >/dev/null
		b=$(rps "$base$path")
		DURATION=1s rps "$mock$path" >/dev/null
		m=$(rps "$mock$path")
		ratio=$(awk -v m="$m" -v b="$b" 'BEGIN { printf "%.2f", m / b }')
		printf '%-8s %-62s %10s %14s %14s %7s\n' "$c" "$path" "${!bytes_var}" "$b" "$m" "$ratio"
	done
done
