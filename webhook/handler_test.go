package webhook_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go/webhook"
)

// echo answers 200 with the body it was handed, so a test sees exactly what
// next received.
type echo struct {
	mu    sync.Mutex
	calls int
}

func (e *echo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.calls++
	e.mu.Unlock()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusTeapot)
		return
	}
	w.Header().Set("X-Content-Length", strconv.FormatInt(r.ContentLength, 10))
	_, _ = w.Write(b)
}

func (e *echo) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.calls
}

// signedRequest is a delivery of body signed now (per clock) with secret.
func signedRequest(t *testing.T, secret, id string, at time.Time, body []byte) *http.Request {
	t.Helper()
	sig, err := webhook.Sign(secret, id, at, body)
	require.NoError(t, err)
	r := httptest.NewRequest(http.MethodPost, "/hooks", bytes.NewReader(body))
	r.Header.Set(webhook.HeaderID, id)
	r.Header.Set(webhook.HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
	r.Header.Set(webhook.HeaderSignature, sig)
	return r
}

// rejections records what WithOnReject saw.
type rejections struct {
	mu   sync.Mutex
	errs []error
}

func (r *rejections) record(_ *http.Request, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, err)
}

func (r *rejections) last() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.errs) == 0 {
		return nil
	}
	return r.errs[len(r.errs)-1]
}

func TestHandler(t *testing.T) {
	t.Parallel()
	secret := vectors[0].secret
	at := time.Unix(1_700_000_000, 0)
	body := []byte(`{"type":"message.delivered","data":{"id":"msg_1"}}`)
	big := bytes.Repeat([]byte("x"), 1024)

	cases := []struct {
		name     string
		req      func(t *testing.T) *http.Request
		opts     []webhook.HandlerOption
		wantCode int
		wantErr  error // what WithOnReject sees
	}{
		{"genuine", func(t *testing.T) *http.Request { return signedRequest(t, secret, "msg_1", at, body) }, nil, http.StatusOK, nil},
		{"genuine, empty body", func(t *testing.T) *http.Request { return signedRequest(t, secret, "msg_1", at, nil) }, nil, http.StatusOK, nil},
		{"genuine, nil Body", func(t *testing.T) *http.Request {
			r := signedRequest(t, secret, "msg_1", at, nil)
			r.Body = nil
			return r
		}, nil, http.StatusOK, nil},
		{"missing headers", func(t *testing.T) *http.Request {
			r := signedRequest(t, secret, "msg_1", at, body)
			r.Header.Del(webhook.HeaderSignature)
			return r
		}, nil, http.StatusBadRequest, webhook.ErrMissingHeaders},
		{"malformed timestamp", func(t *testing.T) *http.Request {
			r := signedRequest(t, secret, "msg_1", at, body)
			r.Header.Set(webhook.HeaderTimestamp, "soon")
			return r
		}, nil, http.StatusUnauthorized, webhook.ErrTimestamp},
		{"stale", func(t *testing.T) *http.Request {
			return signedRequest(t, secret, "msg_1", at.Add(-6*time.Minute), body)
		}, nil, http.StatusUnauthorized, webhook.ErrTimestamp},
		{"body altered", func(t *testing.T) *http.Request {
			r := signedRequest(t, secret, "msg_1", at, body)
			r.Body = io.NopCloser(bytes.NewReader(append(bytes.Clone(body), ' ')))
			return r
		}, nil, http.StatusUnauthorized, webhook.ErrInvalidSignature},
		{"other secret", func(t *testing.T) *http.Request { return signedRequest(t, vectors[1].secret, "msg_1", at, body) }, nil, http.StatusUnauthorized, webhook.ErrInvalidSignature},
		{"body at the cap", func(t *testing.T) *http.Request { return signedRequest(t, secret, "msg_1", at, big) },
			[]webhook.HandlerOption{webhook.WithMaxBodyBytes(int64(len(big)))}, http.StatusOK, nil},
		{"body over the cap, Content-Length known", func(t *testing.T) *http.Request { return signedRequest(t, secret, "msg_1", at, big) },
			[]webhook.HandlerOption{webhook.WithMaxBodyBytes(int64(len(big) - 1))}, http.StatusRequestEntityTooLarge, webhook.ErrBodyTooLarge},
		{"body over the cap, length unknown", func(t *testing.T) *http.Request {
			r := signedRequest(t, secret, "msg_1", at, big)
			r.ContentLength = -1
			r.Body = io.NopCloser(bytes.NewReader(big)) // no Len: read until the cap
			return r
		}, []webhook.HandlerOption{webhook.WithMaxBodyBytes(int64(len(big) - 1))}, http.StatusRequestEntityTooLarge, webhook.ErrBodyTooLarge},
		{"body read fails", func(t *testing.T) *http.Request {
			r := signedRequest(t, secret, "msg_1", at, body)
			r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body[:3]), errReader{}))
			return r
		}, nil, http.StatusBadRequest, errBroken},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v, err := webhook.NewVerifier(secret, fixedClock(at))
			require.NoError(t, err)
			next := &echo{}
			var rej rejections
			h := v.Handler(next, append(tc.opts, webhook.WithOnReject(rej.record))...)
			req := tc.req(t)
			var sent []byte
			if tc.wantCode == http.StatusOK && req.Body != nil {
				sent, err = io.ReadAll(req.Body)
				require.NoError(t, err)
				req.Body = io.NopCloser(bytes.NewReader(sent))
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			require.Equal(t, tc.wantCode, rec.Code)
			if tc.wantCode == http.StatusOK {
				assert.Equal(t, 1, next.count())
				assert.Equal(t, string(sent), rec.Body.String(), "next reads the verified bytes")
				assert.Equal(t, strconv.Itoa(len(sent)), rec.Header().Get("X-Content-Length"))
				assert.NoError(t, rej.last())
				return
			}
			assert.Equal(t, 0, next.count(), "a refused request never reaches next")
			assert.Equal(t, http.StatusText(tc.wantCode)+"\n", rec.Body.String(), "the answer says nothing of the reason")
			require.ErrorIs(t, rej.last(), tc.wantErr)
		})
	}
}

var errBroken = errors.New("connection broke")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errBroken }

// A request without signature headers is refused before its body is read.
func TestHandlerChecksHeadersBeforeReadingBody(t *testing.T) {
	t.Parallel()
	v, err := webhook.NewVerifier(vectors[0].secret)
	require.NoError(t, err)
	next := &echo{}
	h := v.Handler(next)
	body := &countingReader{r: strings.NewReader("x")}
	req := httptest.NewRequest(http.MethodPost, "/hooks", body)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Equal(t, 0, body.reads)
	assert.Equal(t, 0, next.count())
}

type countingReader struct {
	r     io.Reader
	reads int
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.reads++
	return c.r.Read(p)
}

func TestHandlerDefaultCapIsOneMiB(t *testing.T) {
	t.Parallel()
	assert.Equal(t, int64(1<<20), webhook.DefaultMaxBodyBytes)
	secret := vectors[0].secret
	srv := httptest.NewServer(webhook.Handler(secret, &echo{}))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		size int
		want int
	}{{1 << 20, http.StatusOK}, {1<<20 + 1, http.StatusRequestEntityTooLarge}} {
		body := bytes.Repeat([]byte("a"), tc.size)
		sig, err := webhook.Sign(secret, "msg_1", time.Now(), body)
		require.NoError(t, err)
		req, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set(webhook.HeaderID, "msg_1")
		req.Header.Set(webhook.HeaderTimestamp, strconv.FormatInt(time.Now().Unix(), 10))
		req.Header.Set(webhook.HeaderSignature, sig)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		got, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		_ = resp.Body.Close()
		require.Equal(t, tc.want, resp.StatusCode, "%d bytes", tc.size)
		if tc.want == http.StatusOK {
			assert.True(t, bytes.Equal(body, got))
		}
	}
}

func TestHandlerMisconfigured(t *testing.T) {
	t.Parallel()
	secret := vectors[0].secret
	v, err := webhook.NewVerifier(secret)
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		build   func(onReject webhook.HandlerOption) http.Handler
		wantErr error
		wantMsg string
	}{
		{"bad secret", func(o webhook.HandlerOption) http.Handler {
			return webhook.Handler("whsec_short", &echo{}, o)
		}, webhook.ErrInvalidSecret, ""},
		{"bad cap", func(o webhook.HandlerOption) http.Handler {
			return webhook.Handler(secret, &echo{}, webhook.WithMaxBodyBytes(0), o)
		}, nil, "WithMaxBodyBytes"},
		{"nil next", func(o webhook.HandlerOption) http.Handler { return v.Handler(nil, o) }, nil, "next must not be nil"},
		{"zero Verifier", func(o webhook.HandlerOption) http.Handler { return (&webhook.Verifier{}).Handler(&echo{}, o) }, webhook.ErrInvalidSecret, "not made by NewVerifier"},
		{"nil Verifier", func(o webhook.HandlerOption) http.Handler { return (*webhook.Verifier)(nil).Handler(&echo{}, o) }, webhook.ErrInvalidSecret, "not made by NewVerifier"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var rej rejections
			h := tc.build(webhook.WithOnReject(rej.record))
			req := signedRequest(t, secret, "msg_1", time.Now(), []byte("{}"))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			assert.Equal(t, http.StatusInternalServerError, rec.Code)
			assert.Equal(t, "Internal Server Error\n", rec.Body.String())
			require.Error(t, rej.last())
			if tc.wantErr != nil {
				require.ErrorIs(t, rej.last(), tc.wantErr)
			}
			assert.Contains(t, rej.last().Error(), tc.wantMsg)
		})
	}
}
