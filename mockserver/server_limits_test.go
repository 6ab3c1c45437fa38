package mockserver_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go/mockserver"
)

// dial opens a raw connection to srv.
func dial(t *testing.T, srv *mockserver.Server) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL(), "http://"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func TestServerTimeouts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts []mockserver.Option
		want mockserver.Timeouts
	}{
		{"defaults", nil, mockserver.Timeouts{ReadHeader: 10 * time.Second, Read: time.Minute, Idle: 2 * time.Minute}},
		{"one set, zero and negative keep the defaults",
			[]mockserver.Option{mockserver.WithTimeouts(mockserver.Timeouts{Read: 5 * time.Second, Idle: -1})},
			mockserver.Timeouts{ReadHeader: mockserver.DefaultReadHeaderTimeout, Read: 5 * time.Second, Idle: mockserver.DefaultIdleTimeout}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := newServer(t, append(c.opts, mockserver.WithMessages(0))...)
			var hs http.Server
			srv.ConfigureServer(&hs)
			assert.Equal(t, c.want, mockserver.Timeouts{ReadHeader: hs.ReadHeaderTimeout, Read: hs.ReadTimeout, Idle: hs.IdleTimeout})
			assert.NotNil(t, hs.Handler)
		})
	}
}

// A client that stalls, in its headers or in its body, loses its connection
// at the read limits instead of holding it forever. No stopwatch: were the
// connection held, the read below would never return and the test would fail
// at the test binary's timeout.
func TestStalledClientsAreCut(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(0),
		mockserver.WithTimeouts(mockserver.Timeouts{ReadHeader: 50 * time.Millisecond, Read: 100 * time.Millisecond}))
	cases := []struct{ name, sent, wantFirstLine string }{
		{"headers", "POST /api/v0/webhooks HTTP/1.1\r\nHost: mock\r\n", ""},
		{"body", fmt.Sprintf("POST /api/v0/webhooks HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer %s\r\nContent-Length: 100\r\n\r\n{", srv.APIKey()), "HTTP/1.1 400 Bad Request\r\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			conn := dial(t, srv)
			_, err := io.WriteString(conn, c.sent)
			require.NoError(t, err)
			got, _ := io.ReadAll(conn) // returns once the server closes
			if c.wantFirstLine == "" {
				assert.NotContains(t, string(got), "201", "nothing created")
				return
			}
			line, _, _ := strings.Cut(string(got), "\n")
			assert.Equal(t, c.wantFirstLine, line+"\n")
		})
	}
}

// The read limit bounds reading the request, not the answer: a Delay fault
// longer than it still answers.
func TestDelayOutlastsReadTimeout(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(10),
		mockserver.WithTimeouts(mockserver.Timeouts{Read: 20 * time.Millisecond}))
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Delay: 200 * time.Millisecond, Times: 1})
	r := get(t, srv, "/v1/logs?limit=2")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Len(t, r.json(t)["data"], 2)
	srv.InjectFault(mockserver.Fault{Path: "/api/v0/webhooks", Delay: 200 * time.Millisecond, Times: 1})
	w := do(t, srv, http.MethodPost, "/api/v0/webhooks", srv.APIKey(), webhookBody("late"))
	assert.Equal(t, http.StatusCreated, w.status, "%s", w.body)
}

// A body declared over the limit is refused before "100 Continue": the
// client gets the 400 instead of sending megabytes into a reset.
func TestExpectContinueOverLimitGets400(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(0))
	conn := dial(t, srv)
	_, err := fmt.Fprintf(conn, "POST /api/v0/webhooks HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer %s\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", srv.APIKey(), 4<<20)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "the first answer is the 400, not 100 Continue")
	assert.Contains(t, string(body), "body is larger than 1048576 bytes")

	// The same through net/http's client, which waits for 100 Continue.
	tr := &http.Transport{ExpectContinueTimeout: time.Minute}
	t.Cleanup(tr.CloseIdleConnections)
	for _, size := range []int{4 << 20, 64} {
		payload := bytes.Repeat([]byte("x"), size)
		if size == 64 {
			payload = []byte(webhookBody("small"))
		}
		req, err := http.NewRequest(http.MethodPost, srv.URL()+"/api/v0/webhooks", bytes.NewReader(payload))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+srv.APIKey())
		req.Header.Set("Expect", "100-continue")
		resp, err := (&http.Client{Transport: tr}).Do(req)
		require.NoError(t, err, "an answer, not a reset")
		_ = resp.Body.Close()
		want := http.StatusBadRequest
		if size == 64 {
			want = http.StatusCreated
		}
		assert.Equal(t, want, resp.StatusCode, "body of %d bytes", len(payload))
	}
}

// A chunked body declares no length, so the mock cannot refuse it for its
// size before it is sent: it answers "100 Continue", reads the body up to
// the 1 MiB limit and no further, answers 400 and closes the connection at
// once. No stopwatch: the read timeout is an hour, so that were the mock to
// wait for more of the body after its answer, the read of the close below
// would not return and the test would fail at the test binary's timeout.
func TestExpectContinueChunkedOverLimit(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(0), mockserver.WithTimeouts(mockserver.Timeouts{Read: time.Hour}))
	for _, c := range []struct{ name, path, token string }{
		{"API", "/api/v0/webhooks", srv.APIKey()},
		{"admin API", "/_mock/keys", srv.AdminToken()},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			conn := dial(t, srv)
			_, err := fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer %s\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", c.path, c.token)
			require.NoError(t, err)
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			require.NoError(t, err)
			require.Equal(t, http.StatusContinue, resp.StatusCode)

			// Exactly one byte over the limit, and no final chunk: the mock
			// must answer on what it has read, not wait for the rest.
			const limit = 1 << 20
			chunk := bytes.Repeat([]byte("x"), 64<<10)
			for sent := 0; sent <= limit; {
				n := min(len(chunk), limit+1-sent)
				_, err := fmt.Fprintf(conn, "%x\r\n%s\r\n", n, chunk[:n])
				require.NoError(t, err)
				sent += n
			}
			resp, err = http.ReadResponse(br, nil)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			assert.Contains(t, string(body), "body is larger than 1048576 bytes")
			assert.True(t, resp.Close, "the rest of the body is not read: the connection closes")
			_, err = br.ReadByte()
			assert.ErrorIs(t, err, io.EOF, "the mock closed the connection")
		})
	}
}

// A request the mock refuses whatever its body says (no such path or
// method, no or a bad key, a missing scope) is answered before its body is
// read: a client waiting for "100 Continue" gets the refusal instead, and
// sends nothing, whether its body has a declared length or is chunked.
func TestExpectContinueRefusedWithoutBody(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(0))
	srv.AddKey(mockserver.Key{Token: "sk_noscope", Scopes: nil})
	cases := []struct {
		name, method, path, key string
		want                    int
	}{
		{"no such path", http.MethodPost, "/api/v0/nope", srv.APIKey(), http.StatusNotFound},
		{"method not allowed", http.MethodPost, "/v1/logs", srv.APIKey(), http.StatusMethodNotAllowed},
		{"no key", http.MethodPost, "/api/v0/webhooks", "", http.StatusUnauthorized},
		{"bad key", http.MethodPost, "/api/v0/webhooks", "sk_wrong", http.StatusUnauthorized},
		{"missing scope", http.MethodPost, "/api/v0/webhooks", "sk_noscope", http.StatusForbidden},
	}
	for _, c := range cases {
		for _, framing := range []string{"Content-Length: 65536", "Transfer-Encoding: chunked"} {
			t.Run(c.name+"/"+framing, func(t *testing.T) {
				t.Parallel()
				conn := dial(t, srv)
				auth := ""
				if c.key != "" {
					auth = "Authorization: Bearer " + c.key + "\r\n"
				}
				_, err := fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: mock\r\n%sExpect: 100-continue\r\nContent-Type: application/json\r\n%s\r\n\r\n", c.method, c.path, auth, framing)
				require.NoError(t, err)
				resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
				require.NoError(t, err)
				_ = resp.Body.Close()
				assert.Equal(t, c.want, resp.StatusCode, "the first answer is the refusal, not 100 Continue")
			})
		}
	}
}

// An exhausted rate budget is refused before the body too.
func TestExpectContinueRateLimitedWithoutBody(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(0), mockserver.WithRateLimits())
	srv.AddKey(mockserver.Key{Token: "sk_free", Plan: mockserver.PlanFree, Scopes: mockserver.AllScopes()})
	for i := range 60 {
		r := do(t, srv, http.MethodGet, "/api/v0/webhooks", "sk_free", "")
		require.Equal(t, http.StatusOK, r.status, "request %d: %s", i+1, r.body)
	}
	conn := dial(t, srv)
	_, err := io.WriteString(conn, "POST /api/v0/webhooks HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer sk_free\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode, "the first answer is the 429, not 100 Continue")
	assert.NotEmpty(t, resp.Header.Get("Retry-After"))
}
