package main

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// TestUsageErrorsExit2 checks that every mistake in the command line exits
// 2 with a message naming the flag or argument, before any request.
func TestUsageErrorsExit2(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		args  []string
		env   map[string]string
		names string
	}{
		{"unknown flag", []string{"health", "--bogus"}, nil, "--bogus"},
		{"unknown command", []string{"helth"}, nil, "helth"},
		{"bad output", []string{"health", "-o", "yaml"}, nil, "--output"},
		{"chart only for metrics", []string{"logs", "-o", "chart"}, nil, "--output"},
		{"bad status", []string{"logs", "--status", "failed"}, nil, "--status"},
		{"bad since", []string{"logs", "--since", "yesterday"}, nil, "--since"},
		{"until before since", []string{"logs", "--since", "2026-01-15T00:00:00Z", "--until", "2026-01-14T00:00:00Z"}, nil, "--until"},
		{"bad limit", []string{"logs", "--limit", "0"}, nil, "--limit"},
		{"limit not a number", []string{"logs", "--limit", "ten"}, nil, "--limit"},
		{"follow with until", []string{"logs", "--follow", "--until", "1h"}, nil, "--until"},
		{"bad endpoint id", []string{"logs", "--endpoint", "ep_nothex"}, nil, "--endpoint"},
		{"missing message id", []string{"attempts"}, nil, "MESSAGE_ID"},
		{"extra argument", []string{"attempts", "a", "b"}, nil, `"b"`},
		{"bad message id", []string{"attempts", "not-a-uuid"}, nil, "MESSAGE_ID"},
		{"missing metric", []string{"metrics"}, nil, "METRIC"},
		{"bad metric", []string{"metrics", "latency"}, nil, "METRIC"},
		{"bad granularity", []string{"metrics", "failed", "--granularity", "week"}, nil, "--granularity"},
		{"too many buckets", []string{"metrics", "failed", "--granularity", "minute", "--since", "7d"}, nil, "--granularity"},
		{"bad endpoint argument", []string{"health", "ep_1"}, nil, "ENDPOINT_ID"},
		{"bad group by", []string{"metrics", "failed", "--group-by", "url"}, nil, "--group-by"},
		{"bad events", []string{"health", "--events", "99"}, nil, "--events"},
		{"create without url", []string{"webhooks", "create", "--name", "x"}, nil, "--url"},
		{"update nothing", []string{"webhooks", "update", "ep_0123456789abcdef0123456789abcdef"}, nil, "--name, --url, --active or --event-type"},
		{"create empty event type", []string{"webhooks", "create", "--name", "x", "--url", "https://a.example/h", "--event-type", "order.created", "--event-type", " "}, nil, "--event-type: value 2 is empty"},
		{"update empty event type", []string{"webhooks", "update", "ep_0123456789abcdef0123456789abcdef", "--event-type", ""}, nil, "--event-type"},
		{"create too many event types", append([]string{"webhooks", "create", "--name", "x", "--url", "https://a.example/h"}, manyEventTypes(101)...), nil, "too many --event-type: 101"},
		{"unknown webhooks command", []string{"webhooks", "purge"}, nil, "purge"},
		{"webhooks alone", []string{"webhooks"}, nil, "create, delete, get, list, update"},
		{"export without out", []string{"export", "logs"}, nil, "--out"},
		{"export bad format", []string{"export", "logs", "--out", "x", "--format", "xml"}, nil, "--format"},
		{"base url without key", []string{"health"}, map[string]string{"HOOKSCOPE_BASE_URL": "https://api.example"}, "HOOKSCOPE_API_KEY"},
		{"bad mock clock", []string{"health"}, map[string]string{"HOOKSCOPE_MOCK_NOW": "noon"}, "HOOKSCOPE_MOCK_NOW"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := runCLI(t, cliOpts{env: tc.env}, tc.args...)
			assert.Equal(t, exitUsage, res.code, "stderr: %s", res.stderr)
			assert.Contains(t, res.stderr, tc.names)
			assert.Empty(t, res.stdout)
		})
	}
}

// TestAPIErrorsExit1 checks that an API error exits 1 with its message,
// code and request id on stderr, and that the key never shows.
func TestAPIErrorsExit1(t *testing.T) {
	t.Parallel()
	srv := sharedMock()
	const secretKey = "am_test_secret_key_that_must_not_leak_0001"
	srv.AddKey(mockserver.Key{Token: secretKey, Plan: mockserver.PlanFree, Scopes: []string{mockserver.ScopeMetricsRead, mockserver.ScopeWebhookRead}})
	api := map[string]string{"HOOKSCOPE_API_KEY": secretKey, "HOOKSCOPE_BASE_URL": srv.URL()}
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"not found", api, []string{"webhooks", "get", "ep_0123456789abcdef0123456789abcdef"}, []string{"WEBHOOK_NOT_FOUND", "HTTP 404", "request id "}},
		{"missing scope", api, []string{"logs"}, []string{"FORBIDDEN", "HTTP 403", "request id "}},
		{"plan gate", api, []string{"metrics", "failed", "--granularity", "minute", "--since", "1h"}, []string{"GRANULARITY_NOT_AVAILABLE", "request id "}},
		{"unknown inbound message", api, []string{"attempts", "--inbound", "019bc186-0000-7000-8000-000000000000"}, []string{"FORBIDDEN"}},
		{"unknown key", map[string]string{"HOOKSCOPE_API_KEY": secretKey + "x", "HOOKSCOPE_BASE_URL": srv.URL()}, []string{"health"}, []string{"UNAUTHORIZED", "HTTP 401"}},
		{"key flag", nil, []string{"health", "--api-key", secretKey + "y", "--base-url", srv.URL()}, []string{"UNAUTHORIZED"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := runCLI(t, cliOpts{env: tc.env}, tc.args...)
			assert.Equal(t, exitAPIError, res.code, "stderr: %s", res.stderr)
			for _, w := range tc.want {
				assert.Contains(t, res.stderr, w)
			}
			assert.NotContains(t, res.stderr, "embedded mock", "a key means the API, not the mock")
			assert.NotContains(t, res.stdout+res.stderr, secretKey)
		})
	}
}

// TestNetworkErrorExit1 checks that a proxy that answers 502 every time
// (after the SDK's retries) is an exit 1 naming the status.
func TestNetworkErrorExit1(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		calls.Add(1)
		http.Error(w, "<html>bad gateway</html>", http.StatusBadGateway)
	}))
	defer ts.Close()
	res := runCLI(t, cliOpts{env: map[string]string{"HOOKSCOPE_API_KEY": "am_test_x", "HOOKSCOPE_BASE_URL": ts.URL}}, "analytics")
	assert.Equal(t, exitAPIError, res.code, res.stderr)
	assert.Contains(t, res.stderr, "HTTP 502")
	assert.GreaterOrEqual(t, calls.Load(), int32(1))
}

// TestMockFlag checks that --mock uses the embedded mock even with a key.
func TestMockFlag(t *testing.T) {
	t.Parallel()
	res := runCLI(t, cliOpts{env: map[string]string{"HOOKSCOPE_API_KEY": "am_test_unused"}}, "--mock", "webhooks", "list", "-o", "csv")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Contains(t, res.stderr, "--mock: using an embedded mock server")
	assert.Equal(t, 9, strings.Count(res.stdout, "\n"), "a header and 8 endpoints")
}

// TestColour checks that colour appears on a terminal only, and never with
// --no-color or NO_COLOR.
func TestColour(t *testing.T) {
	t.Parallel()
	res := runCLI(t, cliOpts{tty: true}, "health")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Contains(t, res.stdout, "\x1b[31m", "critical in red on a terminal")

	res = runCLI(t, cliOpts{tty: true}, "health", "--no-color")
	assert.NotContains(t, res.stdout, "\x1b[")
	res = runCLI(t, cliOpts{tty: true, env: map[string]string{"NO_COLOR": "1"}}, "health")
	assert.NotContains(t, res.stdout, "\x1b[")
	checkGolden(t, "health.golden", res.stdout) // the same text without colour

	res = runCLI(t, cliOpts{tty: true}, "metrics", "failed")
	assert.Contains(t, res.stdout, "\x1b[91m■\x1b[0m current", "asciigraph's coloured legend")
	assert.Contains(t, res.stdout, "\x1b[")
}

func TestVersion(t *testing.T) {
	t.Parallel()
	res := runCLI(t, cliOpts{}, "--version")
	assert.Equal(t, 0, res.code)
	assert.Equal(t, "hookscope "+hookscope.Version+"\n", res.stdout)
}

// TestCompletion checks cobra's completion scripts for the four shells.
func TestCompletion(t *testing.T) {
	t.Parallel()
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		res := runCLI(t, cliOpts{}, "completion", shell)
		assert.Equal(t, 0, res.code, shell)
		assert.Contains(t, res.stdout, "hookscope", shell)
		assert.Greater(t, len(res.stdout), 500, shell)
	}
	res := runCLI(t, cliOpts{}, "__complete", "metrics", "")
	assert.Contains(t, res.stdout, "delivered\nfailed\nretried\n", "metric names complete")
	res = runCLI(t, cliOpts{}, "__complete", "logs", "--status", "")
	assert.Contains(t, res.stdout, "pending_retry\nfailed_permanent\n", "flag values complete")
}

// TestEmptyResults checks that an empty answer is an empty JSON array, not
// null, and an unknown inbound message a 404.
func TestEmptyResults(t *testing.T) {
	t.Parallel()
	res := runCLI(t, cliOpts{}, "logs", "--since", "2026-01-15T11:59:59.9Z", "--status", "succeeded", "-o", "json")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, "[]\n", res.stdout)

	res = runCLI(t, cliOpts{}, "attempts", "--inbound", "019bc186-0000-7000-8000-000000000000")
	assert.Equal(t, exitAPIError, res.code)
	assert.Contains(t, res.stderr, "MESSAGE_NOT_FOUND")
}

// TestConnectionRefusedExit1 checks a network error: exit 1, the error once.
func TestConnectionRefusedExit1(t *testing.T) {
	t.Parallel()
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close() // nothing listens there any more
	res := runCLI(t, cliOpts{env: map[string]string{"HOOKSCOPE_API_KEY": "am_test_x", "HOOKSCOPE_BASE_URL": url}}, "webhooks", "list")
	assert.Equal(t, exitAPIError, res.code)
	assert.Contains(t, res.stderr, "connection refused")
	assert.Equal(t, 1, strings.Count(res.stderr, "hookscope:"), res.stderr)
}

// manyEventTypes returns n --event-type flags with distinct values.
func manyEventTypes(n int) []string {
	args := make([]string, 0, 2*n)
	for i := range n {
		args = append(args, "--event-type", "order.e"+strconv.Itoa(i))
	}
	return args
}
