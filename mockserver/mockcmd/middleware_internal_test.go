package mockcmd

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The access log's line is the one Logger.LogAttrs writes for the same
// attributes, in both formats (time and duration aside, which differ by
// nature).
func TestAccessLogLineAsLogAttrs(t *testing.T) {
	t.Parallel()
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Request-Id", "req_00000000000000aa")
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write([]byte("short and stout"))
	})
	volatile := regexp.MustCompile(`(time=|"time":)("[^"]*"|\S+)|(duration=|"duration":)[^ ,}]+`)
	for _, format := range []string{"text", "json"} {
		var got, want bytes.Buffer
		req := httptest.NewRequest(http.MethodPost, "/api/v0/webhooks?x=1", nil)
		req.RemoteAddr = "127.0.0.1:5555"
		withAccessLog(next, format, lineByLine(&got)).ServeHTTP(httptest.NewRecorder(), req)
		newLogger(format, &want).LogAttrs(context.Background(), slog.LevelInfo, "request",
			slog.String("method", "POST"), slog.String("path", "/api/v0/webhooks"),
			slog.Int("status", http.StatusTeapot), slog.Int64("bytes", 15),
			slog.Duration("duration", time.Millisecond),
			slog.String("request_id", "req_00000000000000aa"),
			slog.String("remote", "127.0.0.1:5555"))
		require.Contains(t, got.String(), "request_id")
		assert.Equal(t, volatile.ReplaceAllString(want.String(), "$1$3_"), volatile.ReplaceAllString(got.String(), "$1$3_"), format)
	}
}

// appendAccessText writes slog's text line byte for byte, for times in
// several zones and at every sub-millisecond, durations of every unit, and
// the values it takes; it declines every value slog would quote.
func TestAppendAccessTextAsSlog(t *testing.T) {
	t.Parallel()
	zones := []*time.Location{time.UTC, time.FixedZone("east", 5*3600+1800), time.FixedZone("west", -7*3600)}
	times := []time.Time{
		time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC),
		time.Date(2026, 5, 6, 15, 4, 5, 999_999_999, time.UTC),
		time.Date(2026, 12, 31, 23, 59, 59, 100_000, time.UTC),
		time.Date(1999, 1, 2, 3, 4, 5, 123_456_789, time.UTC),
		time.Now(),
	}
	durations := []time.Duration{0, 1, 999, 1500, 2*time.Millisecond + 345*time.Microsecond, 3 * time.Second, 2*time.Hour + time.Nanosecond}
	type vals struct{ method, path, rid, remote string }
	plain := []vals{
		{"GET", "/v1/logs", "req_0123456789abcdef", "127.0.0.1:5555"},
		{"PATCH", "/api/v0/webhooks/ep_390637754c3918881bfde2b6c5f7076c", "req_ffffffffffffffff", "[::1]:61000"},
		{"GET", "/_mock/response-bodies/0196a5b2-3c4d/1", "x", "@"},
		{"X", "/%20a~b!$&'()*+,;:@", "-", "a"},
	}
	quoted := []vals{
		{"GET", "/v1/logs", "", "127.0.0.1:5555"}, // empty request id
		{"GET", "/a b", "req_1", "r"},             // space
		{"GET", "/a=b", "req_1", "r"},             // '='
		{"GET", `/a"b`, "req_1", "r"},             // quote
		{"GET", `/a\b`, "req_1", "r"},             // backslash
		{"GET", "/caf\u00e9", "req_1", "r"},       // non-ASCII
		{"GET", "/a\x7f", "req_1", "r"},           // DEL
		{"G\tET", "/", "req_1", "r"},              // control
	}
	write := func(at time.Time, v vals, status int, n int64, d time.Duration) string {
		var buf bytes.Buffer
		rec := slog.NewRecord(at, slog.LevelInfo, "request", 0)
		rec.AddAttrs(slog.String("method", v.method), slog.String("path", v.path),
			slog.Int("status", status), slog.Int64("bytes", n), slog.Duration("duration", d),
			slog.String("request_id", v.rid), slog.String("remote", v.remote))
		require.NoError(t, slog.NewTextHandler(&buf, nil).Handle(context.Background(), rec))
		return buf.String()
	}
	// Each time also at the next milliseconds of its second and at the
	// next second, so that a kept second is used and then replaced; with
	// no cache, and with one cache for every zone and time.
	shared := new(stampCache)
	for _, stamps := range []*stampCache{nil, shared} {
		for _, at := range times {
			for _, step := range []time.Duration{0, time.Millisecond, 7 * time.Millisecond, time.Second} {
				for _, zone := range zones { // one instant in each zone in turn
					at := at.Add(step).In(zone)
					for i, d := range durations {
						v := plain[i%len(plain)]
						status, n := []int{0, 200, 404, 599}[i%4], int64(i)*1_000_003
						got, ok := appendAccessText(nil, stamps, at, v.method, v.path, status, n, d, v.rid, v.remote)
						require.True(t, ok, "%+v", v)
						require.Equal(t, write(at, v, status, n, d), string(got), "%v %+v %v", at, v, d)
					}
				}
			}
		}
	}
	for _, at := range []time.Time{time.Date(10000, 1, 1, 0, 0, 0, 5e6, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)} {
		got, ok := appendAccessText(nil, shared, at, "GET", "/", 200, 1, 0, "r", "a")
		require.True(t, ok)
		require.Equal(t, write(at, plain[0], 200, 1, 0)[:40], string(got)[:40], "a year of other than four digits")
	}
	for _, v := range quoted {
		_, ok := appendAccessText(nil, nil, times[0], v.method, v.path, 200, 1, time.Millisecond, v.rid, v.remote)
		assert.False(t, ok, "%+v is left to slog", v)
	}
}

// A request whose values slog would quote is still logged, by slog.
func TestAccessLogQuotedValues(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	next := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	req := httptest.NewRequest(http.MethodGet, "/caf%C3%A9%20x", nil)
	req.RemoteAddr = "127.0.0.1:1"
	withAccessLog(next, "text", lineByLine(&out)).ServeHTTP(httptest.NewRecorder(), req)
	assert.Contains(t, out.String(), ` path="/café x" status=204 bytes=0 `)
	assert.Contains(t, out.String(), ` request_id="" remote=127.0.0.1:1`)
}

// plainText allows exactly the bytes slog writes unquoted (printable
// ASCII but space, '=', '"' and '\\'): it reads eight bytes at a time (a
// short string filled up), and agrees with a byte at a time check for
// every byte at every place of strings of 1 to 24 bytes (word edges, the
// overlapping tail, and short strings); the empty string is not plain.
func TestPlainTextEveryByte(t *testing.T) {
	t.Parallel()
	assert.False(t, plainText(""), "empty")
	byByte := func(s []byte) bool {
		for _, c := range s {
			if c <= ' ' || c > '~' || c == '=' || c == '"' || c == '\\' {
				return false
			}
		}
		return len(s) > 0
	}
	for n := 1; n <= 24; n++ {
		base := []byte("/v1/logs/req_0123456789a")[:n]
		require.True(t, plainText(string(base)), "%q", base)
		for at := range n {
			for c := range 256 {
				s := []byte(string(base))
				s[at] = byte(c)
				if got, want := plainText(string(s)), byByte(s); got != want {
					t.Fatalf("plainText(%q) = %v, byte at a time %v", s, got, want)
				}
			}
		}
	}
}

// lineByLine is a batchWriter that writes each line to w as it is logged.
func lineByLine(w io.Writer) *batchWriter { return newBatchWriter(w, logFlushDelay, 0) }
