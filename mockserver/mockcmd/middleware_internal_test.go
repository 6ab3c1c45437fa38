package mockcmd

import (
	"bytes"
	"context"
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
		withAccessLog(next, newLogger(format, &got)).ServeHTTP(httptest.NewRecorder(), req)
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
