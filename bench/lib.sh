# Shared by bench/throughput.sh and bench/peers/prism.sh: source it, do not run it.
# It installs wrk when missing, makes a temp dir ($tmp) that is removed on exit
# together with every process whose id the caller appends to $pids, and
# defines wait_for.

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
