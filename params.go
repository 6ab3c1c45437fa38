package hookscope

import (
	"net/url"
	"regexp"
	"time"
)

// Checks shared by the services: each returns a *ParamError naming the
// parameter, before any request is sent.

// endpointIDPattern is the format of an endpoint (webhook) id: "ep_" and 32
// lowercase hex digits.
var endpointIDPattern = regexp.MustCompile(`^ep_[a-f0-9]{32}$`)

// uuidPattern accepts a UUID in its canonical 8-4-4-4-12 form, any version.
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// checkEndpointID checks an endpoint (webhook) id passed as param.
func checkEndpointID(param, id string) error {
	if !endpointIDPattern.MatchString(id) {
		return paramErrorf(param, "%q does not match ^ep_[a-f0-9]{32}$", id)
	}
	return nil
}

// checkMessageID checks a message id, a UUID.
func checkMessageID(id string) error {
	if !uuidPattern.MatchString(id) {
		return paramErrorf("id", "%q is not a UUID", id)
	}
	return nil
}

// checkLimit checks a page size or count: 0 leaves the server's default,
// anything else must be within 1..maxLimit.
func checkLimit(param string, n, maxLimit int) error {
	if n != 0 && (n < 1 || n > maxLimit) {
		return paramErrorf(param, "%d is outside 1..%d", n, maxLimit)
	}
	return nil
}

// checkWireTime refuses a time RFC 3339 cannot write: a year before 0000 or
// after 9999 (in UTC). The zero time means "not set" and passes.
func checkWireTime(param string, t time.Time) error {
	if t.IsZero() {
		return nil
	}
	if y := t.UTC().Year(); y < 0 || y > 9999 {
		return paramErrorf(param, "year %d is outside 0000..9999, the range of RFC 3339 times", y)
	}
	return nil
}

func oneOf[T comparable](v T, allowed []T) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// utc converts t to UTC without its monotonic reading; the zero time stays zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Round(0)
}

// escapePath escapes one path segment. Ids are validated before they get here;
// this makes sure that nothing in one ("/", "..") can reach another path.
func escapePath(segment string) string {
	return url.PathEscape(segment)
}
