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

// testIDs are ids of the fixed-seed data that the golden commands name.
type testIDs struct {
	// flaky is the "Billing sync" endpoint: some failures, some retries.
	flaky string
	// retried is a message of the flaky endpoint that succeeded after
	// failed attempts.
	retried string
	// inbound is the newest inbound message.
	inbound string
}

// findIDs picks the ids from the data, so that the test names roles, not
// values.
func findIDs(t *testing.T, srv *mockserver.Server) testIDs {
	t.Helper()
	c, err := hookscope.NewClient(srv.APIKey(), hookscope.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	ctx := context.Background()
	var ids testIDs
	for wh, err := range c.Webhooks.All(ctx, nil) {
		require.NoError(t, err)
		if wh.Name == "Billing sync" {
			ids.flaky = wh.ID
		}
	}
	require.NotEmpty(t, ids.flaky, "the generated data has no \"Billing sync\" endpoint")
	for e, err := range c.Logs.All(ctx, &hookscope.LogListParams{EndpointID: ids.flaky, Status: hookscope.StatusSucceeded, Limit: 500}) {
		require.NoError(t, err)
		if e.AttemptCount >= 3 {
			ids.retried = e.MessageID
			break
		}
	}
	require.NotEmpty(t, ids.retried, "no retried-then-delivered message")
	ids.inbound = srv.InboundMessageIDs()[0]
	return ids
}

func (ids testIDs) expand(args []string) []string {
	r := strings.NewReplacer("$FLAKY", ids.flaky, "$RETRIED", ids.retried, "$INBOUND", ids.inbound)
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = r.Replace(a)
	}
	return out
}

// TestGolden checks every read command's output, table and JSON (and CSV
// where it has one), against the fixed-seed, fixed-clock mock.
func TestGolden(t *testing.T) {
	ids := findIDs(t, sharedMock())
	cases := []struct {
		name string
		args []string
	}{
		{"health", []string{"health"}},
		{"health json", []string{"health", "-o", "json"}},
		{"health csv", []string{"health", "-o", "csv"}},
		{"health one", []string{"health", "$FLAKY", "--events", "5"}},
		{"health one json", []string{"health", "$FLAKY", "--events", "3", "-o", "json"}},
		{"logs", []string{"logs", "--limit", "12"}},
		{"logs json", []string{"logs", "--limit", "4", "-o", "json"}},
		{"logs csv", []string{"logs", "--limit", "4", "-o", "csv"}},
		{"logs filtered", []string{"logs", "--status", "failed_permanent", "--endpoint", "$FLAKY", "--since", "48h", "--until", "2026-01-15T00:00:00Z"}},
		{"attempts", []string{"attempts", "$RETRIED"}},
		{"attempts json", []string{"attempts", "$RETRIED", "-o", "json"}},
		{"attempts csv", []string{"attempts", "$RETRIED", "-o", "csv"}},
		{"attempts inbound", []string{"attempts", "--inbound", "$INBOUND"}},
		{"metrics", []string{"metrics", "failed"}},
		{"metrics table", []string{"metrics", "failed", "-o", "table", "--since", "6h"}},
		{"metrics json", []string{"metrics", "failed", "-o", "json", "--since", "3h"}},
		{"metrics csv", []string{"metrics", "retried", "-o", "csv", "--since", "3h", "--compare=false"}},
		{"metrics future", []string{"metrics", "failed", "--since", "8h", "--until", "2026-01-15T15:00:00Z"}},
		{"metrics future table", []string{"metrics", "failed", "-o", "table", "--since", "3h", "--until", "2026-01-15T14:00:00Z"}},
		{"metrics grouped", []string{"metrics", "delivered", "--group-by", "http_status_class", "--since", "7d", "--granularity", "day"}},
		{"metrics grouped json", []string{"metrics", "failed", "--group-by", "kind", "--since", "2h", "-o", "json"}},
		{"analytics", []string{"analytics"}},
		{"analytics json", []string{"analytics", "-o", "json"}},
		{"analytics csv", []string{"analytics", "-o", "csv"}},
		{"webhooks list", []string{"webhooks", "list"}},
		{"webhooks list json", []string{"webhooks", "list", "-o", "json"}},
		{"webhooks list csv", []string{"webhooks", "list", "-o", "csv"}},
		{"webhooks get", []string{"webhooks", "get", "$FLAKY", "--events", "4"}},
		{"webhooks get json", []string{"webhooks", "get", "$FLAKY", "--events", "2", "-o", "json"}},
		{"failures", []string{"failures"}},
		{"failures json", []string{"failures", "--since", "24h", "-o", "json"}},
		{"failures csv", []string{"failures", "--since", "24h", "-o", "csv"}},
		{"failures endpoint", []string{"failures", "--endpoint", "$FLAKY", "--ids", "3"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := runCLI(t, cliOpts{}, ids.expand(tc.args)...)
			require.Equal(t, 0, res.code, "stderr: %s", res.stderr)
			assert.Contains(t, res.stderr, "using an embedded mock server", "the embedded mock is announced on stderr")
			assert.NotContains(t, res.stdout, "\x1b[", "no colour when stdout is not a terminal")
			if strings.HasSuffix(tc.name, "json") {
				assert.True(t, json.Valid([]byte(res.stdout)), "one JSON document")
			}
			checkGolden(t, goldenName(tc.name), res.stdout)
		})
	}
}

// TestGoldenWebhookWrites checks create, update and delete, in order, on a
// mock of their own.
func TestGoldenWebhookWrites(t *testing.T) {
	t.Parallel()
	srv := newTestMock()
	defer srv.Close()
	o := cliOpts{mock: srv}

	res := runCLI(t, o, "webhooks", "create", "--name", "Returns", "--url", "https://returns.example/hooks", "-o", "json")
	require.Equal(t, 0, res.code, res.stderr)
	checkGolden(t, "webhooks_create_json.golden", res.stdout)
	var created struct {
		ID string `json:"id"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &created))
	require.True(t, strings.HasPrefix(created.ID, "ep_"))
	assert.NotContains(t, res.stdout, "signing_secret", "the secret only with --show-secret")

	res = runCLI(t, o, "webhooks", "update", created.ID, "--name", "Returns (paused)", "--active=false")
	require.Equal(t, 0, res.code, res.stderr)
	checkGolden(t, "webhooks_update.golden", res.stdout)
	assert.Contains(t, res.stdout, "no (paused)")

	res = runCLI(t, o, "webhooks", "create", "--name", "Refunds", "--url", "https://refunds.example/hooks", "--show-secret")
	require.Equal(t, 0, res.code, res.stderr)
	checkGolden(t, "webhooks_create.golden", res.stdout)
	assert.Regexp(t, `Signing secret: +whsec_[A-Za-z0-9+/=]{20,}`, res.stdout, "--show-secret prints the whole secret")

	res = runCLI(t, o, "webhooks", "delete", created.ID)
	require.Equal(t, 0, res.code, res.stderr)
	checkGolden(t, "webhooks_delete.golden", res.stdout)

	res = runCLI(t, o, "webhooks", "get", created.ID)
	assert.Equal(t, exitAPIError, res.code, "deleted: 404")
	assert.Contains(t, res.stderr, "WEBHOOK_NOT_FOUND")
}

// TestMetricsPriorTotalLikeForLike checks that the prior period's total
// counts only the buckets whose current value is known: a window reaching
// past now compares the aggregated part with the same part of the prior
// period, not with all of it.
func TestMetricsPriorTotalLikeForLike(t *testing.T) {
	t.Parallel()
	res := runCLI(t, cliOpts{}, "metrics", "failed", "-o", "json", "--since", "6h", "--until", "2026-01-15T16:00:00Z")
	require.Equal(t, 0, res.code, res.stderr)
	var doc metricsDoc
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &doc))
	var total, prior, nulls int64
	for _, b := range doc.Buckets {
		if b.Value == nil {
			nulls++
			continue
		}
		total += *b.Value
		prior += *b.PriorValue
	}
	require.Positive(t, nulls, "the window reaches past now")
	assert.Equal(t, total, doc.Total)
	require.NotNil(t, doc.PriorTotal)
	assert.Equal(t, prior, *doc.PriorTotal)
}

// TestIdempotencyKey checks --idempotency-key: the key is sent, a rerun
// with the same key replays the first create instead of making a second
// endpoint, the same key with other flags is refused (exit 1), and a key
// the API would refuse is a usage error (exit 2) before any request.
func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	srv := newTestMock()
	defer srv.Close()
	o := cliOpts{mock: srv}
	create := func(name, key string) cliResult {
		return runCLI(t, o, "webhooks", "create", "--name", name, "--url", "https://a.example/hooks", "--idempotency-key", key, "-o", "json")
	}
	id := func(res cliResult) string {
		var wh struct {
			ID string `json:"id"`
		}
		require.NoError(t, json.Unmarshal([]byte(res.stdout), &wh), res.stderr)
		return wh.ID
	}

	first := create("Orders", "order-42")
	require.Equal(t, 0, first.code, first.stderr)
	again := create("Orders", "order-42")
	require.Equal(t, 0, again.code, again.stderr)
	assert.Equal(t, id(first), id(again), "the rerun gets the endpoint the first run made")
	assert.Len(t, srv.EndpointIDs(""), 9, "eight generated endpoints and one created")

	var keys []string
	for _, r := range srv.Requests() {
		if r.Method == "POST" {
			keys = append(keys, r.Header.Get("Idempotency-Key"))
		}
	}
	assert.Equal(t, []string{"order-42", "order-42"}, keys)

	other := create("Refunds", "order-42")
	assert.Equal(t, exitAPIError, other.code, "the same key with another body")
	assert.Contains(t, other.stderr, "IDEMPOTENCY_KEY_REUSED")
	assert.Contains(t, other.stderr, "HTTP 422")

	res := runCLI(t, o, "webhooks", "update", id(first), "--active=false", "--idempotency-key", "pause-1")
	require.Equal(t, 0, res.code, res.stderr)
	last := srv.Requests()[len(srv.Requests())-1]
	assert.Equal(t, "PATCH", last.Method)
	assert.Equal(t, "pause-1", last.Header.Get("Idempotency-Key"))

	before := len(srv.Requests())
	for _, bad := range []string{"", " padded", "clé", strings.Repeat("k", 256)} {
		res := create("Orders", bad)
		assert.Equal(t, exitUsage, res.code, "%q: %s", bad, res.stderr)
		assert.Contains(t, res.stderr, "--idempotency-key")
	}
	assert.Len(t, srv.Requests(), before, "nothing sent")
}

// TestWebhookEventTypesAndActive checks --event-type and --active on the
// writes: create subscribes to the types given and can start paused, create
// without them gets every type and is active, update --event-type replaces
// the types and leaves the rest unchanged, and the help names both flags.
func TestWebhookEventTypesAndActive(t *testing.T) {
	t.Parallel()
	srv := newTestMock()
	defer srv.Close()
	o := cliOpts{mock: srv}
	type hook struct {
		ID         string   `json:"id"`
		Name       string   `json:"name"`
		Active     bool     `json:"active"`
		EventTypes []string `json:"event_types"`
	}
	decode := func(res cliResult) hook {
		t.Helper()
		require.Equal(t, 0, res.code, res.stderr)
		var h hook
		require.NoError(t, json.Unmarshal([]byte(res.stdout), &h))
		return h
	}

	res := runCLI(t, o, "webhooks", "create", "--name", "Orders", "--url", "https://orders.example/hooks",
		"--event-type", "order.created", "--event-type", "order.updated", "--active=false", "-o", "json")
	checkGolden(t, "webhooks_create_events_json.golden", res.stdout)
	created := decode(res)
	assert.Equal(t, []string{"order.created", "order.updated"}, created.EventTypes)
	assert.False(t, created.Active, "--active=false creates it paused")

	plain := decode(runCLI(t, o, "webhooks", "create", "--name", "All", "--url", "https://all.example/hooks", "-o", "json"))
	assert.True(t, plain.Active, "active without --active")
	assert.NotEqual(t, []string{"order.created", "order.updated"}, plain.EventTypes)
	assert.NotEmpty(t, plain.EventTypes, "every event type of the organization")

	updated := decode(runCLI(t, o, "webhooks", "update", created.ID, "--event-type", "order.refunded", "-o", "json"))
	assert.Equal(t, []string{"order.refunded"}, updated.EventTypes, "replaced")
	assert.Equal(t, "Orders", updated.Name, "the rest unchanged")
	assert.False(t, updated.Active, "the rest unchanged")

	for _, sub := range []string{"create", "update"} {
		help := runCLI(t, o, "webhooks", sub, "--help")
		require.Equal(t, 0, help.code, help.stderr)
		assert.Contains(t, help.stdout, "--event-type", sub)
		assert.Contains(t, help.stdout, "--active", sub)
	}
}
