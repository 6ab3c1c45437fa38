package mockserver

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

var (
	uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// Accepted range of times in queries: wide enough for any real window, narrow
// enough that every derived time (a prior period) still encodes as RFC 3339.
var (
	minQueryTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxQueryTime = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// isEndpointID reports whether id matches ^ep_[a-f0-9]{32}$.
func isEndpointID(id string) bool {
	if len(id) != 35 || id[:3] != "ep_" {
		return false
	}
	for i := 3; i < len(id); i++ {
		if c := id[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// queryValue returns the one value of name; giving it twice is an error.
func queryValue(q *queryArgs, name string) (string, bool, *apiError) {
	v, n := q.lookup(name)
	if n == 0 {
		return "", false, nil
	}
	if n > 1 {
		return "", false, invalid(name, "must be given at most once")
	}
	return v, true, nil
}

// queryInt reads an integer name in lo..hi, def when absent.
func queryInt(q *queryArgs, name string, def, lo, hi int) (int, *apiError) {
	v, ok, err := queryValue(q, name)
	if err != nil || !ok {
		return def, err
	}
	n, perr := strconv.Atoi(strings.TrimSpace(v))
	if perr != nil || n < lo || n > hi {
		return 0, invalid(name, "must be an integer between %d and %d", lo, hi)
	}
	return n, nil
}

// queryTime reads an RFC 3339 time (fractional seconds and offsets accepted),
// in UTC.
func queryTime(q *queryArgs, name string) (time.Time, bool, *apiError) {
	v, ok, err := queryValue(q, name)
	if err != nil || !ok {
		return time.Time{}, false, err
	}
	t, perr := time.Parse(time.RFC3339Nano, strings.TrimSpace(v))
	if perr != nil {
		return time.Time{}, false, invalid(name, "must be an RFC 3339 date-time, such as 2025-12-06T12:00:00Z")
	}
	t = t.UTC()
	if t.Before(minQueryTime) || !t.Before(maxQueryTime) {
		return time.Time{}, false, invalid(name, "must be between 1970 and 3000")
	}
	return t, true, nil
}

// queryEnum reads name, which must be one of allowed; "" when absent.
func queryEnum(q *queryArgs, name string, allowed ...string) (string, *apiError) {
	v, ok, err := queryValue(q, name)
	if err != nil || !ok {
		return "", err
	}
	if slices.Contains(allowed, v) {
		return v, nil
	}
	return "", invalid(name, "must be one of %s", strings.Join(allowed, ", "))
}

// queryBool reads a boolean (true/false/1/0), def when absent.
func queryBool(q *queryArgs, name string, def bool) (bool, *apiError) {
	v, ok, err := queryValue(q, name)
	if err != nil || !ok {
		return def, err
	}
	b, perr := strconv.ParseBool(v)
	if perr != nil {
		return false, invalid(name, "must be true or false")
	}
	return b, nil
}

// queryEndpointID reads an optional endpoint id; "" when absent.
func queryEndpointID(q *queryArgs, name string) (string, *apiError) {
	v, ok, err := queryValue(q, name)
	if err != nil || !ok {
		return "", err
	}
	if !isEndpointID(v) {
		return "", invalid(name, "must match ^ep_[a-f0-9]{32}$")
	}
	return v, nil
}
