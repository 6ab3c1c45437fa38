package hookscope_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go"
)

// bodyCountingTransport answers from a script of (status, body) pairs and
// counts how many response bodies it handed out and how many were closed.
type bodyCountingTransport struct {
	mu      sync.Mutex
	script  []scripted
	served  int
	opened  int
	closed  int
	drained int
}

type scripted struct {
	status int
	body   string
}

type trackedBody struct {
	io.Reader
	t        *bodyCountingTransport
	size     int
	consumed int
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.Reader.Read(p)
	b.consumed += n
	return n, err
}

func (b *trackedBody) Close() error {
	b.t.mu.Lock()
	defer b.t.mu.Unlock()
	b.t.closed++
	if b.consumed == b.size {
		b.t.drained++
	}
	return nil
}

func (t *bodyCountingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.script[min(t.served, len(t.script)-1)]
	t.served++
	t.opened++
	h := http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"req_" + string(rune('a'+t.served))}}
	return &http.Response{StatusCode: s.status, Header: h, Request: req,
		Body: &trackedBody{Reader: strings.NewReader(s.body), t: t, size: len(s.body)}}, nil
}

// Every response the client sees, the retried ones and the last, has its
// body drained and closed, whether the call succeeds or fails.
func TestEveryDiscardedBodyIsDrainedAndClosed(t *testing.T) {
	t.Parallel()
	const fail = `{"error":{"code":"INTERNAL_ERROR","message":"try again"},"meta":{"request_id":"req_x"}}`
	const ok = `{"data":[],"meta":{"request_id":"req_ok","next_cursor":null,"has_more":false}}`
	for _, tc := range []struct {
		name    string
		script  []scripted
		tries   int
		wantErr bool
	}{
		{"two 503s then 200", []scripted{{503, fail}, {503, fail}, {200, ok}}, 3, false},
		{"retries exhausted", []scripted{{500, fail}}, 4, true},
		{"not retried 404", []scripted{{404, `{"error":{"code":"ENDPOINT_NOT_FOUND","message":"no"},"meta":{}}`}}, 1, true},
		{"html 502 then 200", []scripted{{502, "<html>" + strings.Repeat("x", 10_000) + "</html>"}, {200, ok}}, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tr := &bodyCountingTransport{script: tc.script}
			c, err := hookscope.NewClient("am_test_k", hookscope.WithBaseURL("https://api.test"),
				hookscope.WithHTTPClient(&http.Client{Transport: tr}), hookscope.WithRetryWait(time.Millisecond, time.Millisecond))
			require.NoError(t, err)
			_, err = c.Logs.List(context.Background(), nil)
			if tc.wantErr {
				var apiErr *hookscope.APIError
				require.True(t, errors.As(err, &apiErr), "got %v", err)
				assert.Equal(t, tc.script[len(tc.script)-1].status, apiErr.StatusCode, "the last response's error")
			} else {
				require.NoError(t, err)
			}
			tr.mu.Lock()
			defer tr.mu.Unlock()
			assert.Equal(t, tc.tries, tr.opened, "tries")
			assert.Equal(t, tr.opened, tr.closed, "every body closed")
			assert.Equal(t, tr.opened, tr.drained, "every body read to its end, so the connection can be reused")
		})
	}
}
