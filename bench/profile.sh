#!/usr/bin/env bash
# Where a server's CPU goes per request under wrk: a perf CPU profile of
# cmd/hookscope-mock (or of bench/baseline, the static handler that
# bench/throughput.sh compares it with) while wrk asks for the small or
# the large answer, printed as microseconds of CPU per request for each
# function matching FRAMES, inclusive (with what it calls) and its own.
#
#   bash bench/profile.sh                                  # the mock, small answer
#   TARGET=baseline FRAMES='net/http' bash bench/profile.sh
#   FRAMES='journal|boundHeader' bash bench/profile.sh
#
# Environment: TARGET (mock or baseline; default mock), CASE (small or
# large; default small), MESSAGES (the mock's -messages; default
# 1000000), MOCK_FLAGS (more hookscope-mock flags, e.g. "-log off"),
# ACCESS_LOG and BASELINE_FLAGS (as bench/throughput.sh takes them),
# DURATION (seconds profiled; default 8), FRAMES (an extended regular
# expression of function names; default the mock's packages), KEEP (a path:
# the profile is copied there, for `perf annotate -i KEEP -s SYMBOL`).
# Installs wrk and perf from Debian's packages when they are missing;
# perf needs the rights to profile a process of the same user
# (kernel.perf_event_paranoid ≤ 2, or root). Everything listens on
# 127.0.0.1 only and stops when the script ends.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=${TARGET:-mock}
CASE=${CASE:-small}
MESSAGES=${MESSAGES:-1000000}
DURATION=${DURATION:-8}
FRAMES=${FRAMES:-hookscope-go/mockserver}
START_WAIT=${START_WAIT:-600}
CLOCK=2026-05-06T15:04:05Z

# shellcheck source=/dev/null
source bench/lib.sh
if ! command -v perf >/dev/null 2>&1; then
	echo "installing perf" >&2
	apt-get update -qq && apt-get install -y -qq linux-perf >/dev/null
fi

go build -o "$tmp/hookscope-mock" ./cmd/hookscope-mock
go build -o "$tmp/baseline" ./bench/baseline

start_mock "$MESSAGES"
start_baseline
path=$(wait_for "$tmp/baseline.log" "^$CASE: " | sed "s/^$CASE: //; s/ (.*//")

case $TARGET in
mock) url=$mock$path pid=$mock_pid ;;
baseline) url=$base$path pid=$base_pid ;;
*) echo "TARGET must be mock or baseline" >&2; exit 1 ;;
esac

wrk -t2 -c32 -d2s -H "Authorization: Bearer $key" "$url" >/dev/null # warm up
perf record -q -F 2000 -g -o "$tmp/perf.data" -p "$pid" -- sleep "$DURATION" >/dev/null 2>&1 &
perf_pid=$!
wrk -t2 -c32 -d"${DURATION}s" -H "Authorization: Bearer $key" "$url" >"$tmp/wrk.out"
wait "$perf_pid"
requests=$(awk '/ requests in / {print $1}' "$tmp/wrk.out")
echo "$TARGET, $CASE answer ($path), $MESSAGES messages, $(nproc) cores: $(awk '/^Requests\/sec:/ {print $2}' "$tmp/wrk.out") req/s under perf, $requests requests in ${DURATION} s"
if [ -n "${KEEP:-}" ]; then
	cp "$tmp/perf.data" "$KEEP"
	echo "profile kept in $KEEP"
fi

# Each sample is a stack, leaf first, then a blank line; a function counts
# once per sample however often it recurs (inclusive), and as the leaf for
# its own time. A sample is 1/2000 s of CPU.
perf script -i "$tmp/perf.data" -F ip,sym 2>/dev/null | awk -v re="$FRAMES" -v n="$requests" '
	function flush(   f) {
		if (depth == 0) return
		total++
		own[leaf]++
		for (f in seen) incl[f]++
		delete seen
		depth = 0
	}
	NF == 0 { flush(); next }
	{
		sym = $0
		sub(/^[ \t]*[0-9a-f]+[ \t]+/, "", sym)
		sub(/\+0x[0-9a-f]+$/, "", sym)
		if (depth == 0) leaf = sym
		seen[sym] = 1
		depth++
	}
	END {
		flush()
		us = 1e6 / 2000 / n
		printf "all samples: %.2f us per request\n", total * us
		printf "%9s %9s  %s\n", "incl_us", "own_us", "function"
		for (f in incl) if (f ~ re) printf "%9.3f %9.3f  %s\n", incl[f] * us, own[f] * us, f
	}' | { read -r head; echo "$head"; read -r cols; echo "$cols"; sort -rn; }
