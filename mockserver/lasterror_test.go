package mockserver_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// TestLogLastError: last_error is the error of the latest failed attempt of
// a message that has not succeeded, absent on a succeeded one, on every row
// of the generated history and on messages built for the edge cases.
func TestLogLastError(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t, mockserver.WithMessages(400))
	ctx := context.Background()
	ep := srv.EndpointIDs("")[0]
	start := fixedNow.Add(-time.Hour)
	built := map[string]struct {
		attempts []mockserver.AttemptSpec
		want     string
	}{
		"retried then succeeded": {[]mockserver.AttemptSpec{{Status: 503, Error: "HTTP 503 first"}, {Status: 200}}, ""},
		"two failures":           {[]mockserver.AttemptSpec{{Status: 500, Error: "older"}, {Status: 0, Error: "newer"}}, "newer"},
		"no attempt yet":         {nil, ""},
	}
	ids := map[string]string{}
	for name, b := range built {
		id, err := srv.AddMessage(mockserver.Message{EndpointID: ep, CreatedAt: start, Attempts: b.attempts})
		require.NoError(t, err, name)
		ids[id] = name
	}

	var rows, succeeded, failing int
	for e, err := range c.Logs.All(ctx, &hookscope.LogListParams{Limit: 500}) {
		require.NoError(t, err)
		rows++
		attempts := collect(t, c.Attempts.AllOutbound(ctx, e.MessageID))
		want := ""
		for i := len(attempts) - 1; i >= 0; i-- {
			if s := attempts[i].ResponseStatus; s == nil || *s < 200 || *s > 299 {
				want = attempts[i].ErrorText
				break
			}
		}
		if e.Status == hookscope.StatusSucceeded {
			succeeded++
			want = ""
		} else if want != "" {
			failing++
		}
		assert.Equal(t, want, e.LastError, "message %s (%s, %d attempts)", e.MessageID, e.Status, len(attempts))
		if name, ok := ids[e.MessageID]; ok {
			assert.Equal(t, built[name].want, e.LastError, name)
			delete(ids, e.MessageID)
		}
	}
	assert.Empty(t, ids, "every built message was listed")
	require.Greater(t, succeeded, 0, "the history has succeeded messages")
	require.Greater(t, failing, 0, "the history has messages with a failed attempt")
	t.Logf("%d rows: %d succeeded, %d with a last_error", rows, succeeded, failing)
}
