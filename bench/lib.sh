# Shared by bench/throughput.sh, bench/profile.sh and bench/peers/prism.sh:
# source it, do not run it. It installs wrk when missing, makes a temp dir
# ($tmp) that is removed on exit together with every process whose id the
# caller appends to $pids, and defines wait_for, start_mock and
# start_baseline.

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

# wait_for FILE PATTERN: the line of FILE matching PATTERN, once it is there
# (START_WAIT seconds at most, 120 unless the caller set it).
wait_for() {
	for _ in $(seq $((${START_WAIT:-120} * 10))); do
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

# start_mock N: $tmp/hookscope-mock (the caller builds it) of N messages at
# $CLOCK, with MOCK_FLAGS, on a loopback port the kernel picks. Its
# standard output goes to $tmp/mock.log, and its standard error (the access
# log) too, or to ACCESS_LOG when that is set. Sets mock_pid, mock (its base
# URL) and key (its API key).
start_mock() {
	(
		if [ -n "${ACCESS_LOG:-}" ]; then exec 2>"$ACCESS_LOG"; else exec 2>&1; fi
		exec "$tmp/hookscope-mock" -addr 127.0.0.1:0 -messages "$1" -clock "$CLOCK" ${MOCK_FLAGS:-}
	) >"$tmp/mock.log" &
	mock_pid=$!
	pids+=("$mock_pid")
	mock=$(wait_for "$tmp/mock.log" '^hookscope mock listening on ' | sed 's/^hookscope mock listening on //')
	key=$(wait_for "$tmp/mock.log" '^API key: ' | sed 's/^API key: //')
}

# start_baseline: $tmp/baseline (the caller builds it) serving the answers
# of the mock start_mock started, with BASELINE_FLAGS. Its output goes to
# $tmp/baseline.log. Sets base_pid and base (its base URL).
start_baseline() {
	"$tmp/baseline" -mock "$mock" -key "$key" ${BASELINE_FLAGS:-} >"$tmp/baseline.log" 2>&1 &
	base_pid=$!
	pids+=("$base_pid")
	base=$(wait_for "$tmp/baseline.log" '^baseline listening on ' | sed 's/^baseline listening on //')
}
