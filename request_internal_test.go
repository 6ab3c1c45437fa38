package hookscope

import (
	"fmt"
	"net/url"
	"testing"
	"time"

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

// backoffFor stays within [min, min(max, min·2^(n-1))] and grows with n, also
// when the minimum is 0 (the ceiling then grows from 1 ms).
func TestBackoffBoundsAndGrowth(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		lo, hi time.Duration
		n      int
		ceil   time.Duration
	}{
		{200 * time.Millisecond, 5 * time.Second, 1, 200 * time.Millisecond},
		{200 * time.Millisecond, 5 * time.Second, 2, 400 * time.Millisecond},
		{200 * time.Millisecond, 5 * time.Second, 4, 1600 * time.Millisecond},
		{200 * time.Millisecond, 5 * time.Second, 10, 5 * time.Second},
		{0, time.Second, 1, time.Millisecond},
		{0, time.Second, 5, 16 * time.Millisecond},
		{0, time.Second, 20, time.Second},
	} {
		p := &tryPolicy{c: &Client{retryWaitMin: tc.lo, retryWaitMax: tc.hi}}
		var most time.Duration
		for range 2000 {
			w := p.backoffFor(tc.n)
			if w < tc.lo || w > tc.ceil {
				t.Fatalf("lo %v hi %v n %d: wait %v outside [%v, %v]", tc.lo, tc.hi, tc.n, w, tc.lo, tc.ceil)
			}
			most = max(most, w)
		}
		if tc.ceil > tc.lo && most <= tc.lo+(tc.ceil-tc.lo)/2 {
			t.Errorf("lo %v hi %v n %d: 2000 draws never passed the middle of the range (max %v): not jittered up to the ceiling", tc.lo, tc.hi, tc.n, most)
		}
	}
}

// The key's own type formats redacted with every verb and in slog.
func TestSecretKeyFormatsRedacted(t *testing.T) {
	t.Parallel()
	k := secretKey(func() string { return "am_live_Zk4rT9wQ2mXyLp7sVb3N" })
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		got := fmt.Sprintf(verb, k)
		assert.NotContains(t, got, "Zk4rT9wQ2mXyLp7sVb3N", verb)
		assert.Contains(t, got, "am_live_[REDACTED]", verb)
	}
	assert.Equal(t, "am_live_[REDACTED]", k.LogValue().String())
	b, err := k.MarshalText()
	assert.NoError(t, err)
	assert.Equal(t, "am_live_[REDACTED]", string(b))
}
