package mockcmd

import (
	"bufio"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
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

// withAccessLog logs one line per request: method, path (without the
// query, which may hold a presigned URL's signature), status (0: no
// answer), bytes, duration and request id. No header is logged, so no key
// or token is.
func withAccessLog(next http.Handler, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		w := &accessWriter{ResponseWriter: rw}
		defer func() {
			// The record goes to the handler as Logger.LogAttrs would send
			// it, without the caller's program counter that LogAttrs takes
			// on every call (runtime.Callers) and the handler does not show.
			d := time.Since(start)
			ctx := r.Context()
			h := logger.Handler()
			if !h.Enabled(ctx, slog.LevelInfo) {
				return
			}
			rec := slog.NewRecord(time.Now(), slog.LevelInfo, "request", 0)
			rec.AddAttrs(slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", w.status), slog.Int64("bytes", w.bytes),
				slog.Duration("duration", d),
				slog.String("request_id", w.Header().Get("X-Request-Id")),
				slog.String("remote", r.RemoteAddr))
			_ = h.Handle(ctx, rec)
		}()
		next.ServeHTTP(w, r)
	})
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
