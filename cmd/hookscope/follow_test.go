package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// follower runs logs --follow in process and lets the test act between
// polls: after each poll the command waits until the test calls next.
type follower struct {
	polled chan struct{}
	resume chan struct{}
	cancel context.CancelFunc
	done   chan cliResult
}

func startFollow(t *testing.T, srv *mockserver.Server, args ...string) *follower {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	f := &follower{polled: make(chan struct{}), resume: make(chan struct{}), cancel: cancel, done: make(chan cliResult, 1)}
	o := cliOpts{mock: srv, ctx: ctx, afterPoll: func() {
		f.polled <- struct{}{}
		<-f.resume
	}}
	go func() {
		f.done <- runCLI(t, o, append([]string{"logs", "--follow", "--interval", "1ms", "-o", "json"}, args...)...)
	}()
	<-f.polled // the initial rows are out
	return f
}

// next lets the command poll once more and waits until that poll is done.
func (f *follower) next() {
	f.resume <- struct{}{}
	<-f.polled
}

// stop cancels the command, as Ctrl-C does, and returns its result.
func (f *follower) stop() cliResult {
	f.cancel()
	f.resume <- struct{}{}
	return <-f.done
}

// ids reads the message ids of NDJSON output, in order.
func ndjsonIDs(t *testing.T, out string) []string {
	t.Helper()
	var ids []string
	for line := range strings.Lines(out) {
		var row logRow
		require.NoError(t, json.Unmarshal([]byte(line), &row), "every line is one JSON object: %q", line)
		ids = append(ids, row.MessageID)
	}
	return ids
}

// TestFollowPrintsNewMessagesOnce adds messages while logs --follow runs,
// in batches at the same created_at (the mock's clock is fixed, as a busy
// endpoint makes them within one millisecond), and a batch of more than
// one page: each is printed once, none is skipped, and Ctrl-C ends the
// command with 130.
func TestFollowPrintsNewMessagesOnce(t *testing.T) {
	t.Parallel()
	srv := newTestMock()
	defer srv.Close()
	endpoint := srv.EndpointIDs("")[1]
	add := func(n int) []string {
		ids := make([]string, n)
		for i := range ids {
			id, err := srv.AddMessage(mockserver.Message{EndpointID: endpoint, EventType: "order.created",
				Attempts: []mockserver.AttemptSpec{{Status: 200}}})
			require.NoError(t, err)
			ids[i] = id
		}
		return ids
	}

	f := startFollow(t, srv, "--limit", "3", "--endpoint", endpoint)
	f.next() // a poll with nothing new

	batch1 := add(3)
	f.next()
	batch2 := add(2) // the same created_at as batch1: the boundary case
	f.next()
	f.next() // nothing new: nothing printed
	batch3 := add(620)
	f.next()
	res := f.stop()

	assert.Equal(t, exitInterrupted, res.code, "Ctrl-C exits 130")
	assert.Contains(t, res.stderr, "interrupted")
	got := ndjsonIDs(t, res.stdout)
	require.GreaterOrEqual(t, len(got), 3)
	initial := got[:3]
	var want []string
	want = append(want, batch1...)
	want = append(want, batch2...)
	want = append(want, batch3...)
	assert.ElementsMatch(t, want, got[3:], "every added message once, nothing else")
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	for id, n := range seen {
		assert.Equal(t, 1, n, "message %s printed %d times", id, n)
	}
	// Batches come out in the order they were added; within a poll, by
	// (created_at, id), as ids are UUIDv7 of the same time.
	assert.ElementsMatch(t, batch1, got[3:6])
	assert.ElementsMatch(t, batch2, got[6:8])
	for _, id := range initial {
		assert.NotContains(t, want, id)
	}
}

// TestFollowInitialRowsOldestFirst checks the rows printed before
// following: the newest --limit, oldest first, as tail -f shows them.
func TestFollowInitialRowsOldestFirst(t *testing.T) {
	t.Parallel()
	srv := sharedMock()
	f := startFollow(t, srv, "--limit", "5")
	res := f.stop()
	assert.Equal(t, exitInterrupted, res.code)
	got := ndjsonIDs(t, res.stdout)
	newest := srv.OutboundMessageIDs()[:5]
	require.Len(t, got, 5)
	for i := range got {
		assert.Equal(t, newest[4-i], got[i])
	}
}

// TestFollowSurvivesServerErrors makes one poll fail with 503s past the
// SDK's retries: the command says so on stderr and the next poll prints
// what the failed one would have.
func TestFollowSurvivesServerErrors(t *testing.T) {
	t.Parallel()
	srv := newTestMock()
	defer srv.Close()
	f := startFollow(t, srv, "--limit", "1")
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Status: 503, Times: 1 + hookscope.DefaultMaxRetries})
	id, err := srv.AddMessage(mockserver.Message{EndpointID: srv.EndpointIDs("")[1]})
	require.NoError(t, err)
	f.next() // fails
	f.next() // succeeds
	res := f.stop()
	assert.Equal(t, exitInterrupted, res.code)
	assert.Contains(t, res.stderr, "poll failed, trying again in 1ms")
	assert.Contains(t, res.stderr, "HTTP 503")
	got := ndjsonIDs(t, res.stdout)
	require.Len(t, got, 2)
	assert.Equal(t, id, got[1])
}
