package hookscope

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Ids are validated before they reach a path, so escaping cannot be seen
// through the public API; escapePath is its last line of defence.
func TestEscapePathKeepsOneSegment(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ep_550e8400e29b41d4a716446655440000":  "ep_550e8400e29b41d4a716446655440000",
		"01935abc-def0-7123-4567-890abcdef012": "01935abc-def0-7123-4567-890abcdef012",
		"a/b":                                  "a%2Fb",
		"../../v1/logs":                        "..%2F..%2Fv1%2Flogs",
		"a?b=c":                                "a%3Fb=c",
		"a#b":                                  "a%23b",
		"a b":                                  "a%20b",
		"%2F":                                  "%252F",
	} {
		got := escapePath(in)
		assert.Equal(t, want, got, "escapePath(%q)", in)
		u, err := url.Parse("https://api.test/api/v0/webhooks/" + got)
		if assert.NoError(t, err) {
			assert.Equal(t, "/api/v0/webhooks/"+in, u.Path, "the segment round-trips")
		}
	}
}
