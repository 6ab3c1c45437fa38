package webhook_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go/webhook"
)

// These tests run Handler behind a real net/http server and talk to it over
// raw TCP, counting the bytes the server reads from the connection: what a
// recorder-based test cannot see is what net/http does with the rest of a
// body after the handler returns (it drains up to 256 KiB to keep the
// connection, before or after the answer) and whether "100 Continue" is
// sent.

// connSafetyNet bounds every client read and write, so that a server that
// never answers or never closes fails the test instead of blocking it. It is
// not an assertion of speed: nothing here waits for it on a correct server.
const connSafetyNet = 20 * time.Second

// readSlack is what the server may read beyond the bytes the handler needs:
// the rest of one read into net/http's 4 KiB connection buffer and chunk
// framing. net/http's own drain of a refused body (256 KiB) is far above it.
const readSlack = 16 << 10

// countingListener counts the bytes the server reads from its connections.
type countingListener struct {
	net.Listener
	read *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, read: l.read}, nil
}

type countingConn struct {
	net.Conn
	read *atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

// CloseWrite keeps net/http's half-close (a FIN before the final close) that
// it uses when it refuses to read a body further.
func (c *countingConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return c.Conn.Close()
}

// connServer serves h and reports how many bytes the server has read.
func connServer(t *testing.T, h http.Handler) (addr string, read *atomic.Int64) {
	t.Helper()
	read = new(atomic.Int64)
	srv := httptest.NewUnstartedServer(h)
	srv.Listener = countingListener{Listener: srv.Listener, read: read}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String(), read
}

func rawDial(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	require.NoError(t, conn.SetDeadline(time.Now().Add(connSafetyNet)))
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// requestHead is a POST's request line and headers; hdr's values replace or
// (when empty) remove the defaults.
func requestHead(hdr map[string]string) string {
	lines := map[string]string{"Host": "receiver"}
	var order []string
	for _, k := range []string{"Host", webhook.HeaderID, webhook.HeaderTimestamp, webhook.HeaderSignature, "Expect", "Transfer-Encoding", "Content-Length"} {
		if v, ok := hdr[k]; ok {
			lines[k] = v
		}
		if lines[k] != "" {
			order = append(order, k)
		}
	}
	var b strings.Builder
	b.WriteString("POST /hooks HTTP/1.1\r\n")
	for _, k := range order {
		fmt.Fprintf(&b, "%s: %s\r\n", k, lines[k])
	}
	b.WriteString("\r\n")
	return b.String()
}

// sendChunked writes size bytes of body as 4 KiB chunks and the final chunk,
// stopping at the first write error (the server closing). It returns at
// once; wait for the channel before the test ends.
func sendChunked(conn net.Conn, size int) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		chunk := strings.Repeat("x", 4<<10)
		for sent := 0; sent < size; sent += len(chunk) {
			if _, err := fmt.Fprintf(conn, "%x\r\n%s\r\n", len(chunk), chunk); err != nil {
				return
			}
		}
		_, _ = io.WriteString(conn, "0\r\n\r\n")
	}()
	return done
}

// requireClosed reads past the answer: the server must close the
// connection (a FIN, or a reset as it drops unread bytes), not leave it open
// until the client gives up.
func requireClosed(t *testing.T, br *bufio.Reader) {
	t.Helper()
	_, err := br.ReadByte()
	require.Error(t, err, "nothing follows the answer")
	var ne net.Error
	require.False(t, errors.As(err, &ne) && ne.Timeout(), "the server left the connection open: %v", err)
	if !errors.Is(err, io.EOF) {
		require.ErrorIs(t, err, syscall.ECONNRESET)
	}
}

func readAnswer(t *testing.T, br *bufio.Reader) (*http.Response, string) {
	t.Helper()
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// A chunked body over the cap is read to cap+1 bytes and no further: the
// answer is 413 with "Connection: close", the error hook sees
// ErrBodyTooLarge, and the server closes the connection instead of reading
// on, with or without "Expect: 100-continue", and also behind middleware
// that wraps the ResponseWriter (net/http's own over-limit hook then does
// not reach the connection).
func TestHandlerChunkedOverCapReadsNoFurther(t *testing.T) {
	t.Parallel()
	const capBytes = 16 << 10
	const bodySize = 1 << 20
	at := time.Unix(1_700_000_000, 0)
	for _, tc := range []struct {
		name         string
		expect, wrap bool
	}{{"plain", false, false}, {"expect 100-continue", true, false}, {"wrapped writer", false, true}, {"wrapped writer, expect 100-continue", true, true}} {
		expect := tc.expect
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v, err := webhook.NewVerifier(vectors[0].secret, fixedClock(at))
			require.NoError(t, err)
			next := &echo{}
			var rej rejections
			var h http.Handler = v.Handler(next, webhook.WithMaxBodyBytes(capBytes), webhook.WithOnReject(rej.record))
			if tc.wrap {
				h = wrapWriter(h)
			}
			addr, read := connServer(t, h)
			conn := rawDial(t, addr)
			br := bufio.NewReader(conn)

			hdr := map[string]string{
				webhook.HeaderID:        "msg_1",
				webhook.HeaderTimestamp: strconv.FormatInt(at.Unix(), 10),
				webhook.HeaderSignature: "v1,AAAA",
				"Transfer-Encoding":     "chunked",
			}
			if expect {
				hdr["Expect"] = "100-continue"
			}
			head := requestHead(hdr)
			_, err = io.WriteString(conn, head)
			require.NoError(t, err)
			if expect {
				resp, err := http.ReadResponse(br, nil)
				require.NoError(t, err)
				require.Equal(t, http.StatusContinue, resp.StatusCode, "the headers verify: the body is asked for")
			}
			sent := sendChunked(conn, bodySize)

			resp, body := readAnswer(t, br)
			assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
			assert.Equal(t, http.StatusText(http.StatusRequestEntityTooLarge)+"\n", body)
			assert.True(t, resp.Close, "the answer says Connection: close")
			requireClosed(t, br)
			got := read.Load()
			_ = conn.Close()
			<-sent

			t.Logf("server read %d bytes: %d of headers, cap %d", got, len(head), capBytes)
			assert.LessOrEqual(t, got, int64(len(head)+capBytes+1+readSlack),
				"server read %d bytes; the cap is %d", got, capBytes)
			assert.Equal(t, 0, next.count())
			require.ErrorIs(t, rej.last(), webhook.ErrBodyTooLarge)
		})
	}
}

// wrapWriter is middleware whose ResponseWriter hides the server's own
// methods but offers Unwrap, as http.ResponseController expects.
func wrapWriter(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&wrappedWriter{ResponseWriter: w}, r)
	})
}

type wrappedWriter struct{ http.ResponseWriter }

func (w *wrappedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// A refusal the headers decide (a missing header, a malformed or stale
// timestamp, a declared length over the cap) is answered without reading
// the body: with "Expect: 100-continue" the first answer is the refusal,
// never "100 Continue", and the server reads nothing past the headers;
// without it, the server does not drain the body first. Either way the
// connection closes after the answer.
func TestHandlerHeaderRefusalReadsNoBody(t *testing.T) {
	t.Parallel()
	const capBytes = 16 << 10
	at := time.Unix(1_700_000_000, 0)
	good := map[string]string{
		webhook.HeaderID:        "msg_1",
		webhook.HeaderTimestamp: strconv.FormatInt(at.Unix(), 10),
		webhook.HeaderSignature: "v1,AAAA",
	}
	with := func(k, v string) map[string]string {
		m := map[string]string{k: v}
		for k2, v2 := range good {
			if _, ok := m[k2]; !ok {
				m[k2] = v2
			}
		}
		return m
	}
	cases := []struct {
		name     string
		hdr      map[string]string
		length   int // declared Content-Length; 0: chunked
		wantCode int
		wantErr  error
	}{
		{"missing id", with(webhook.HeaderID, ""), 0, http.StatusBadRequest, webhook.ErrMissingHeaders},
		{"missing timestamp", with(webhook.HeaderTimestamp, ""), 0, http.StatusBadRequest, webhook.ErrMissingHeaders},
		{"missing signature", with(webhook.HeaderSignature, ""), 0, http.StatusBadRequest, webhook.ErrMissingHeaders},
		{"malformed timestamp", with(webhook.HeaderTimestamp, "soon"), 0, http.StatusUnauthorized, webhook.ErrTimestamp},
		{"stale timestamp", with(webhook.HeaderTimestamp, strconv.FormatInt(at.Add(-time.Hour).Unix(), 10)), 0, http.StatusUnauthorized, webhook.ErrTimestamp},
		{"future timestamp", with(webhook.HeaderTimestamp, strconv.FormatInt(at.Add(time.Hour).Unix(), 10)), 0, http.StatusUnauthorized, webhook.ErrTimestamp},
		{"stale timestamp, declared length", with(webhook.HeaderTimestamp, strconv.FormatInt(at.Add(-time.Hour).Unix(), 10)), 1 << 20, http.StatusUnauthorized, webhook.ErrTimestamp},
		{"declared length just over the cap", good, capBytes + 1, http.StatusRequestEntityTooLarge, webhook.ErrBodyTooLarge},
		{"declared length far over the cap", good, 1 << 30, http.StatusRequestEntityTooLarge, webhook.ErrBodyTooLarge},
	}
	for _, tc := range cases {
		for _, expect := range []bool{false, true} {
			t.Run(tc.name+"/expect "+strconv.FormatBool(expect), func(t *testing.T) {
				t.Parallel()
				v, err := webhook.NewVerifier(vectors[0].secret, fixedClock(at))
				require.NoError(t, err)
				next := &echo{}
				var rej rejections
				addr, read := connServer(t, v.Handler(next, webhook.WithMaxBodyBytes(capBytes), webhook.WithOnReject(rej.record)))
				conn := rawDial(t, addr)
				br := bufio.NewReader(conn)

				hdr := map[string]string{}
				for k, v := range tc.hdr {
					hdr[k] = v
				}
				if tc.length > 0 {
					hdr["Content-Length"] = strconv.Itoa(tc.length)
				} else {
					hdr["Transfer-Encoding"] = "chunked"
				}
				if expect {
					hdr["Expect"] = "100-continue"
				}
				head := requestHead(hdr)
				_, err = io.WriteString(conn, head)
				require.NoError(t, err)
				var sent <-chan struct{}
				if expect {
					done := make(chan struct{})
					close(done) // a client waiting for 100 Continue sends nothing more
					sent = done
				} else {
					sent = sendChunked(conn, 1<<20) // a declared length is not honoured: the server must not read it anyway
				}

				resp, body := readAnswer(t, br)
				assert.Equal(t, tc.wantCode, resp.StatusCode, "the first answer is the refusal, not 100 Continue")
				assert.Equal(t, http.StatusText(tc.wantCode)+"\n", body)
				assert.True(t, resp.Close, "the answer says Connection: close")
				requireClosed(t, br)
				got := read.Load()
				_ = conn.Close()
				<-sent

				if expect {
					assert.Equal(t, int64(len(head)), got, "the server read past the headers")
				} else {
					t.Logf("server read %d bytes: %d of headers", got, len(head))
					assert.LessOrEqual(t, got, int64(len(head)+readSlack), "server read %d bytes", got)
				}
				assert.Equal(t, 0, next.count())
				require.ErrorIs(t, rej.last(), tc.wantErr)
			})
		}
	}
}

// A genuine chunked delivery under the cap, sent after "100 Continue",
// reaches next whole, and the connection stays open for the next delivery;
// so does it after a bad signature, which is known only once the body has
// been read whole.
func TestHandlerChunkedDeliveryKeepsConnection(t *testing.T) {
	t.Parallel()
	secret := vectors[0].secret
	at := time.Unix(1_700_000_000, 0)
	v, err := webhook.NewVerifier(secret, fixedClock(at))
	require.NoError(t, err)
	next := &echo{}
	var rej rejections
	addr, _ := connServer(t, v.Handler(next, webhook.WithMaxBodyBytes(64<<10), webhook.WithOnReject(rej.record)))
	conn := rawDial(t, addr)
	br := bufio.NewReader(conn)

	payload := strings.Repeat("x", 32<<10)
	for i, d := range []struct {
		id, secret string
		want       int
	}{
		{"msg_1", secret, http.StatusOK},
		{"msg_2", vectors[1].secret, http.StatusUnauthorized},
		{"msg_3", secret, http.StatusOK},
	} {
		sig, err := webhook.Sign(d.secret, d.id, at, []byte(payload))
		require.NoError(t, err)
		_, err = io.WriteString(conn, requestHead(map[string]string{
			webhook.HeaderID:        d.id,
			webhook.HeaderTimestamp: strconv.FormatInt(at.Unix(), 10),
			webhook.HeaderSignature: sig,
			"Expect":                "100-continue",
			"Transfer-Encoding":     "chunked",
		}))
		require.NoError(t, err)
		resp, err := http.ReadResponse(br, nil)
		require.NoError(t, err)
		require.Equal(t, http.StatusContinue, resp.StatusCode)
		<-sendChunked(conn, len(payload))
		resp, body := readAnswer(t, br)
		require.Equal(t, d.want, resp.StatusCode, "delivery %d", i)
		if d.want == http.StatusOK {
			assert.Equal(t, payload, body)
		}
		assert.False(t, resp.Close, "delivery %d: the connection is kept", i)
	}
	assert.Equal(t, 2, next.count())
	require.ErrorIs(t, rej.last(), webhook.ErrInvalidSignature)
}

// A misconfigured handler refuses every request 500 without asking for or
// reading its body either.
func TestHandlerMisconfiguredReadsNoBody(t *testing.T) {
	t.Parallel()
	var rej rejections
	addr, read := connServer(t, webhook.Handler("whsec_short", &echo{}, webhook.WithOnReject(rej.record)))
	conn := rawDial(t, addr)
	br := bufio.NewReader(conn)
	head := requestHead(map[string]string{
		webhook.HeaderID:        "msg_1",
		webhook.HeaderTimestamp: "1700000000",
		webhook.HeaderSignature: "v1,AAAA",
		"Expect":                "100-continue",
		"Transfer-Encoding":     "chunked",
	})
	_, err := io.WriteString(conn, head)
	require.NoError(t, err)
	resp, _ := readAnswer(t, br)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode, "the first answer is the refusal, not 100 Continue")
	assert.True(t, resp.Close)
	requireClosed(t, br)
	assert.Equal(t, int64(len(head)), read.Load())
	require.ErrorIs(t, rej.last(), webhook.ErrInvalidSecret)
}
