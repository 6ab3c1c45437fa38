package mockcmd

import (
	"bufio"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// accessWriter records the status and size of an answer. It passes Hijack
// and Flush through, which Drop faults and streaming need.
type accessWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *accessWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *accessWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

func (w *accessWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *accessWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if hj, ok := w.ResponseWriter.(http.Hijacker); ok {
		return hj.Hijack()
	}
	return nil, nil, errors.New("hijacking is not supported")
}

func (w *accessWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withAccessLog logs one line per request to w, in format ("text" or
// "json", as newLogger): method, path (without the query, which may hold a
// presigned URL's signature), status (0: no answer), bytes, duration and
// request id. No header is logged, so no key or token is.
func withAccessLog(next http.Handler, format string, w *batchWriter) http.Handler {
	logger := newLogger(format, w)
	text := format == "text"
	stamps := new(stampCache)
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		aw := &accessWriter{ResponseWriter: rw}
		defer func() {
			// The end is read from the monotonic clock alone (time.Since
			// reads no wall clock); its wall time is the start's plus d.
			d := time.Since(start)
			end := start.Add(d)
			var rid string
			if v := aw.Header()["X-Request-Id"]; len(v) > 0 { // as Header().Get, for the key the mock sets
				rid = v[0]
			}
			// The line slog's text handler would write, made here, in the
			// batch itself, when no value needs its quoting
			// (appendAccessText).
			if text && w.appendLine(func(b []byte) ([]byte, bool) {
				return appendAccessText(b, stamps, end, r.Method, r.URL.Path, aw.status, aw.bytes, d, rid, r.RemoteAddr)
			}) {
				return
			}
			// The record goes to the handler as Logger.LogAttrs would send
			// it, without the caller's program counter that LogAttrs takes
			// on every call (runtime.Callers) and the handler does not show.
			ctx := r.Context()
			h := logger.Handler()
			if !h.Enabled(ctx, slog.LevelInfo) {
				return
			}
			rec := slog.NewRecord(end, slog.LevelInfo, "request", 0)
			rec.AddAttrs(slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", aw.status), slog.Int64("bytes", aw.bytes),
				slog.Duration("duration", d),
				slog.String("request_id", rid),
				slog.String("remote", r.RemoteAddr))
			_ = h.Handle(ctx, rec)
		}()
		next.ServeHTTP(aw, r)
	})
}

// appendAccessText appends the access-log line that slog's text handler
// (no options) writes for a record at t with the access log's attributes,
// and reports true; it reports false, for slog to write the line, when a
// string value is one slog would quote or might (empty, or a byte outside
// printable ASCII, or a space, '=', '"' or '\\'). stamps keeps the text
// of t's second for the next lines (nil: none kept).
func appendAccessText(b []byte, stamps *stampCache, t time.Time, method, path string, status int, n int64, d time.Duration, rid, remote string) ([]byte, bool) {
	if !plainText(method) || !plainText(path) || !plainText(rid) || !plainText(remote) {
		return b, false
	}
	b = append(b, "time="...)
	b = stamps.append(b, t)
	b = append(b, " level=INFO msg=request method="...)
	b = append(b, method...)
	b = append(b, " path="...)
	b = append(b, path...)
	b = strconv.AppendInt(append(b, " status="...), int64(status), 10)
	b = strconv.AppendInt(append(b, " bytes="...), n, 10)
	b = append(append(b, " duration="...), d.String()...)
	b = append(append(b, " request_id="...), rid...)
	b = append(append(b, " remote="...), remote...)
	return append(b, '\n'), true
}

// plainText reports whether s is written by slog's text handler as it is:
// not empty, printable ASCII without space, '=', '"' or '\\'. It checks
// eight bytes at a time; a string under eight bytes is filled up with 'a'.
func plainText(s string) bool {
	switch {
	case s == "":
		return false
	case len(s) < 8:
		x := uint64(0x6161616161616161) // 'a' in every byte
		for i := range len(s) {
			x = x&^(0xff<<(8*i)) | uint64(s[i])<<(8*i)
		}
		return plainWord(x)
	}
	for i := 0; i+8 <= len(s); i += 8 {
		if !plainWord(loadWord(s, i)) {
			return false
		}
	}
	return plainWord(loadWord(s, len(s)-8)) // the tail, overlapping the last word
}

// loadWord is the eight bytes of s from i, the first the lowest.
func loadWord(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// plainWord reports whether each byte of x is one plainText allows. Each
// test is exact for bytes below 0x80, and a byte from 0x80 fails the
// first, so the answer is exact: no byte from 0x80, none below '!' (a
// borrow of the subtraction only runs up from a byte that is below), none
// above '~' (bytes below 0x80 plus one carry into no other), and none equal
// to '"', '=' or '\\' (a zero byte of x xor that byte in every place).
func plainWord(x uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	zero := func(v uint64) uint64 { return (v - ones) &^ v & highs }
	bad := x&highs |
		(x-ones*'!')&^x&highs |
		(x+ones)&highs |
		zero(x^(ones*'"')) | zero(x^(ones*'=')) | zero(x^(ones*'\\'))
	return bad == 0
}

// Headers a browser client may send and read.
const (
	corsAllowHeaders  = "Authorization, Content-Type, Idempotency-Key"
	corsAllowMethods  = "GET, POST, PUT, PATCH, DELETE"
	corsExposeHeaders = "X-Request-Id, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, Location"
)

// withCORS lets browsers at origins call the server ("*": any origin):
// it answers their preflight requests and marks their answers readable.
// Without origins it adds nothing.
func withCORS(next http.Handler, origins []string) http.Handler {
	if len(origins) == 0 {
		return next
	}
	any := slices.Contains(origins, "*")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" || (!any && !slices.ContainsFunc(origins, func(o string) bool { return strings.EqualFold(o, origin) })) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		if any {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", corsAllowMethods)
			h.Set("Access-Control-Allow-Headers", corsAllowHeaders)
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
		next.ServeHTTP(w, r)
	})
}

// stampCache keeps the text of the last second an access-log line was
// stamped in, so that the lines of one second format only their
// milliseconds.
type stampCache struct {
	last atomic.Pointer[secondStamp]
}

// secondStamp is the text of one second in one location: its date and
// time ("2006-01-02T15:04:05") and its zone ("Z" or "-07:00").
type secondStamp struct {
	unix       int64
	loc        *time.Location
	head, zone string
}

// append appends t as slog writes a record's time: RFC 3339 with exactly
// three digits of milliseconds (truncated), in t's location. c may be nil.
func (c *stampCache) append(b []byte, t time.Time) []byte {
	if c == nil {
		return appendStampSlow(b, t)
	}
	s := c.last.Load()
	if s == nil || s.unix != t.Unix() || s.loc != t.Location() {
		if y := t.Year(); y < 0 || y > 9999 {
			return appendStampSlow(b, t) // not four digits: not kept
		}
		text := t.Truncate(time.Second).Format("2006-01-02T15:04:05Z07:00")
		s = &secondStamp{unix: t.Unix(), loc: t.Location(), head: text[:19], zone: text[19:]}
		c.last.Store(s)
	}
	ms := t.Nanosecond() / int(time.Millisecond)
	b = append(b, s.head...)
	b = append(b, '.', byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10))
	return append(b, s.zone...)
}

// appendStampSlow is stampCache.append without a cache, as slog's text
// handler formats the time: RFC 3339 to the nanosecond of the time
// truncated to the millisecond and a tenth of one added (so that no
// trailing zero is dropped), the last digits then cut.
func appendStampSlow(b []byte, t time.Time) []byte {
	const prefixLen = len("2006-01-02T15:04:05.000")
	at := len(b)
	b = t.Round(0).Truncate(time.Millisecond).Add(time.Millisecond/10).AppendFormat(b, time.RFC3339Nano)
	return append(b[:at+prefixLen], b[at+prefixLen+1:]...)
}
