package mockserver_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// fixedNow is the clock of most tests: mid-day, so that the analytics day has data.
var fixedNow = time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)

func fixedClock() time.Time { return fixedNow }

// newServer starts a server on fixedNow (unless opts set another clock) and
// a client of its default organization.
func newServer(t testing.TB, opts ...mockserver.Option) (*mockserver.Server, *hookscope.Client) {
	t.Helper()
	srv := mockserver.New(append([]mockserver.Option{mockserver.WithClock(fixedClock)}, opts...)...)
	t.Cleanup(srv.Close)
	return srv, newClient(t, srv, srv.APIKey())
}

func newClient(t testing.TB, srv *mockserver.Server, key string, opts ...hookscope.Option) *hookscope.Client {
	t.Helper()
	c, err := hookscope.NewClient(key, append([]hookscope.Option{hookscope.WithBaseURL(srv.URL()), hookscope.WithMaxRetries(0)}, opts...)...)
	must(t, err)
	return c
}

// response is a raw answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

// do sends a raw request with key ("" for none).
func do(t testing.TB, srv *mockserver.Server, method, path, key string, body string, header ...string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, srv.URL()+path, rd)
	must(t, err)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err)
	return response{resp.StatusCode, resp.Header, b}
}

func get(t testing.TB, srv *mockserver.Server, path string) response {
	t.Helper()
	return do(t, srv, http.MethodGet, path, srv.APIKey(), "")
}

// must stops the test on an error.
func must(t testing.TB, err error) {
	t.Helper()
	require.NoError(t, err)
}

// eq asserts got == want (typed, so that a wrong type fails to compile) and
// goes on.
func eq[T any](t testing.TB, got, want T, what string, args ...any) {
	t.Helper()
	assert.Equal(t, want, got, append([]any{what}, args...)...)
}

// check asserts ok and goes on.
func check(t testing.TB, ok bool, what string, args ...any) {
	t.Helper()
	assert.True(t, ok, append([]any{what}, args...)...)
}

// need asserts ok and stops the test otherwise.
func need(t testing.TB, ok bool, what string, args ...any) {
	t.Helper()
	require.True(t, ok, append([]any{what}, args...)...)
}

// dig walks a decoded JSON value by keys.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// errorOf returns code, message and request id of any of the four envelopes.
func errorOf(t testing.TB, r response) (code, msg, rid string) {
	t.Helper()
	m := r.json(t)
	switch e := m["error"].(type) {
	case map[string]any:
		code, _ = e["code"].(string)
		msg, _ = e["message"].(string)
		rid, _ = e["request_id"].(string)
		if rid == "" {
			rid, _ = dig(m, "meta", "request_id").(string)
		}
	case string:
		code = e
		msg, _ = m["message"].(string)
		rid, _ = dig(m, "log", "request_id").(string)
	}
	return code, msg, rid
}

// collect runs an SDK iterator to its end.
func collect[T any](t testing.TB, seq func(func(*T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		must(t, err)
		out = append(out, *v)
	}
	return out
}
