#!/usr/bin/env bash
# Throughput of cmd/hookscope-mock on loopback under wrk, beside a plain
# net/http handler (bench/baseline) serving the same precomputed bytes:
# requests/s for a small response (webhook get with recent events) and a
# large one (a 500-row /v1/logs page), the ratio mock / baseline, and each
# side's 99th-percentile latency and their ratio, and the CPU time each
# server process spent per request (user + system, from /proc; it holds
# better than requests/s when other work shares the cores), at each mock size.
# Each round measures both sides back to back, in turn first; a last line
# per answer gives the median of the rounds' ratios (requests/s, p99 and
# CPU per request, mock / static) and their range.
#
#   bash bench/throughput.sh                       # 2,000 and 1,000,000 messages
#   MESSAGES=2000 bash bench/throughput.sh         # one size
#
# Columns base_cpu and mock_cpu are microseconds of CPU per request.
# Environment: DURATION (wrk -d, default 5s), THREADS (-t, 2),
# CONNECTIONS (-c, 32), MESSAGES (the mock's -messages, one run per size
# of the list; default "2000 1000000"), ROUNDS (how many times each pair is
# measured, one line each; default 5: one round's ratio moves with
# whatever else the machine runs, their median much less), START_WAIT (seconds to wait for a
# server to listen; default 600, a million messages take a while),
# MOCK_FLAGS (more hookscope-mock flags, e.g. "-log off": the static handler
# writes no access log), ACCESS_LOG (where the mock's standard error, its
# access log, goes; default a file in a temporary directory, with its
# standard output; e.g. /dev/null to leave out the cost of writing the
# file, not that of making its lines), BASELINE_FLAGS (more bench/baseline
# flags, e.g. "-timeouts": the mock's connection time limits, which the
# static handler has not by default). Installs wrk
# from Debian's packages when it is missing. Everything listens on
# 127.0.0.1 only, on ports the kernel picks, and stops when the script ends.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
MESSAGES=${MESSAGES:-2000 1000000}
START_WAIT=${START_WAIT:-600}
ROUNDS=${ROUNDS:-5}
CLOCK=2026-05-06T15:04:05Z

# shellcheck source=/dev/null
source bench/lib.sh

hz=$(getconf CLK_TCK)
go build -o "$tmp/hookscope-mock" ./cmd/hookscope-mock
go build -o "$tmp/baseline" ./bench/baseline

# cpu_ticks PID: user + system CPU time of process PID, in clock ticks.
cpu_ticks() {
	# Fields after the command name (which may hold spaces): utime is the
	# 12th, stime the 13th.
	sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

# rps URL: requests/s, p99 latency (ms) and the number of requests that wrk
# measures for URL.
rps() {
	wrk --latency -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -H "Authorization: Bearer $key" "$1" >"$tmp/wrk.out" 2>&1
	if grep -q 'Non-2xx' "$tmp/wrk.out"; then
		cat "$tmp/wrk.out" >&2
		echo "non-2xx answers from $1" >&2
		exit 1
	fi
	awk '/^Requests\/sec:/ {r=$2}
	     / requests in / {n=$1}
	     /^ +99%/ {v=$2; u=v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
	              if (u=="us") v/=1000; else if (u=="s") v*=1000; p=v}
	     END {printf "%s %.2f %s\n", r, p, n}' "$tmp/wrk.out"
}

# measure SIDE URL PID: a second of warm-up, then SIDE's requests/s, p99
# and CPU per request for URL (PID the server's process), into
# ${SIDE}_rps, ${SIDE}_p99 and ${SIDE}_cpu.
measure() {
	local side=$1 url=$2 pid=$3 t0 r p n
	DURATION=1s rps "$url" >/dev/null
	t0=$(cpu_ticks "$pid")
	read -r r p n < <(rps "$url")
	printf -v "${side}_rps" '%s' "$r"
	printf -v "${side}_p99" '%s' "$p"
	printf -v "${side}_cpu" '%s' "$(awk -v t="$(($(cpu_ticks "$pid") - t0))" -v n="$n" -v hz="$hz" 'BEGIN { printf "%.1f", t * 1e6 / hz / n }')"
}

# median, min, max X...: of numbers.
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {printf "%.2f", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
min() { printf '%s\n' "$@" | sort -g | head -1; }
max() { printf '%s\n' "$@" | sort -g | tail -1; }

# run_size N: start a mock of N messages and its baseline, measure, stop both.
run_size() {
	local n=$1 started
	started=$(date +%s.%N)
	start_mock "$n"
	local start_s
	start_s=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

	start_baseline
	small=$(wait_for "$tmp/baseline.log" '^small: ' | sed 's/^small: //; s/ (.*//')
	large=$(wait_for "$tmp/baseline.log" '^large: ' | sed 's/^large: //; s/ (.*//')
	small_bytes=$(grep -m1 '^small: ' "$tmp/baseline.log" | sed 's/.*(\(.*\) bytes)/\1/')
	large_bytes=$(grep -m1 '^large: ' "$tmp/baseline.log" | sed 's/.*(\(.*\) bytes)/\1/')

	case "$mock$base" in
	*127.0.0.1:*127.0.0.1:*) ;;
	*) echo "not on loopback: $mock $base" >&2; exit 1 ;;
	esac

	echo "nproc: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg); wrk -t$THREADS -c$CONNECTIONS -d$DURATION; mock -messages $n -clock $CLOCK (listening after ${start_s} s, RSS $(awk '/VmRSS/ {print $2, $3}' /proc/$mock_pid/status))"
	printf '%-6s %-8s %-62s %9s %12s %12s %6s %8s %8s %6s %8s %8s %6s\n' case msgs path bytes base_rps mock_rps ratio base_p99 mock_p99 p99x base_cpu mock_cpu cpux
	local -A ratios p99s cpus
	for round in $(seq "$ROUNDS"); do
		for c in small large; do
			path=${!c}
			bytes_var=${c}_bytes
			# Warm each server up for a second (connections, caches), then
			# measure; the static handler first in odd rounds, the mock
			# first in even ones, so that neither always follows the other.
			# CPU per request in microseconds (base_cpu, mock_cpu): the
			# server's CPU ticks over the run / its requests.
			if ((round % 2)); then
				measure base "$base$path" "$base_pid"
				measure mock "$mock$path" "$mock_pid"
			else
				measure mock "$mock$path" "$mock_pid"
				measure base "$base$path" "$base_pid"
			fi
			ratio=$(awk -v m="$mock_rps" -v b="$base_rps" 'BEGIN { printf "%.2f", m / b }')
			p99x=$(awk -v m="$mock_p99" -v b="$base_p99" 'BEGIN { printf "%.2f", m / b }')
			cpux=$(awk -v m="$mock_cpu" -v b="$base_cpu" 'BEGIN { printf "%.2f", m / b }')
			ratios[$c]+=" $ratio" p99s[$c]+=" $p99x" cpus[$c]+=" $cpux"
			printf '%-6s %-8s %-62s %9s %12s %12s %6s %8s %8s %6s %8s %8s %6s\n' "$c" "$n" "$path" "${!bytes_var}" "$base_rps" "$mock_rps" "$ratio" "$base_p99" "$mock_p99" "$p99x" "$base_cpu" "$mock_cpu" "$cpux"
		done
	done
	for c in small large; do
		echo "$c, median of $ROUNDS rounds: ratio $(median ${ratios[$c]}), p99x $(median ${p99s[$c]}), cpux $(median ${cpus[$c]}); ratio from $(min ${ratios[$c]}) to $(max ${ratios[$c]}), p99x up to $(max ${p99s[$c]})"
	done
	echo "mock RSS after the runs: $(awk '/VmRSS/ {print $2, $3}' /proc/$mock_pid/status)"
	kill "$mock_pid" "$base_pid" 2>/dev/null || true
	wait "$mock_pid" "$base_pid" 2>/dev/null || true
}

for n in $MESSAGES; do
	run_size "$n"
done
