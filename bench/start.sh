#!/usr/bin/env bash
# How soon hookscope-mock answers: the time from launching
# `hookscope-mock -messages N` to the first 200 of GET /v1/logs, and then the
# time of the first metrics, analytics and webhooks answers (which build the
# aggregates), and the process's RSS. Medians of ROUNDS launches per size.
#
#	bash bench/start.sh                          # SIZES="2000 100000 1000000" ROUNDS=5
#	SIZES=1000000 ROUNDS=9 bash bench/start.sh
#
# Needs curl. Figures go to stdout, one line per size.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"2000 100000 1000000"}
ROUNDS=${ROUNDS:-5}
CLOCK=${CLOCK:-2026-01-15T12:00:00Z}

tmp=$(mktemp -d)
pid=""
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
go build -o "$tmp/hookscope-mock" ./cmd/hookscope-mock

now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# get URL: the time (ms) until URL answers 200, retrying while the process starts.
get() {
	local url=$1 t0 code
	t0=$(now)
	for _ in $(seq 3000); do
		code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "$url" || true)
		if [ "$code" = 200 ]; then
			ms "$t0" "$(now)"
			return 0
		fi
		sleep 0.01
	done
	echo "no 200 from $url" >&2
	exit 1
}

echo "nproc: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg); rounds: $ROUNDS"
for n in $SIZES; do
	firsts="" metrics="" analytics="" webhooks="" rss="" key=""
	for r in $(seq "$ROUNDS"); do
		log="$tmp/mock-$n-$r.log"
		port=$((20000 + RANDOM % 20000))
		: >"$log"
		t0=$(now)
		"$tmp/hookscope-mock" -addr "127.0.0.1:$port" -messages "$n" -clock "$CLOCK" -log off >"$log" 2>&1 &
		pid=$!
		# The key depends on the seed alone: read it from the log once printed.
		for _ in $(seq 3000); do
			key=$(sed -n 's/^API key: //p' "$log" || true)
			[ -n "$key" ] && break
			sleep 0.005
		done
		base="http://127.0.0.1:$port"
		get "$base/v1/logs?limit=1" >/dev/null
		firsts="$firsts $(ms "$t0" "$(now)")"
		metrics="$metrics $(get "$base/v1/metrics/webhooks?metric=failed&granularity=hour")"
		analytics="$analytics $(get "$base/analytics/webhooks")"
		webhooks="$webhooks $(get "$base/api/v0/webhooks")"
		rss="$rss $(awk '/VmRSS/ {print $2}' /proc/$pid/status)"
		kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
	done
	echo "messages $n: first answer $(echo "$firsts" | median) ms; then first metrics $(echo "$metrics" | median) ms, analytics $(echo "$analytics" | median) ms, webhooks $(echo "$webhooks" | median) ms; RSS $(( $(echo "$rss" | median) / 1024 )) MiB (medians of $ROUNDS)"
done
