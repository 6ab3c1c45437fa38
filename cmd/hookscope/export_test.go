package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// interruptingAPI serves the shared mock and cancels ctx (as Ctrl-C does)
// when the n-th request for /v1/logs arrives.
func interruptingAPI(t *testing.T, n int32, cancel context.CancelFunc) map[string]string {
	t.Helper()
	srv := sharedMock()
	var logs atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/logs" && logs.Add(1) == n {
			cancel()
		}
		srv.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	return map[string]string{"HOOKSCOPE_API_KEY": srv.APIKey(), "HOOKSCOPE_BASE_URL": ts.URL}
}

// TestExportResumesAfterInterrupt interrupts an export after two pages,
// leaves a torn row after the checkpoint (as a crash mid-write does), and
// resumes it: the file then holds every row once, in the log's order.
func TestExportResumesAfterInterrupt(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"ndjson", "csv"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			out, state := filepath.Join(dir, "logs."+format), filepath.Join(dir, "logs.state")
			args := []string{"export", "logs", "--format", format, "--out", out, "--state", state, "--since", "7d"}

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			res := runCLI(t, cliOpts{ctx: ctx, env: interruptingAPI(t, 3, cancel)}, args...)
			require.Equal(t, exitInterrupted, res.code, res.stderr)
			assert.Contains(t, res.stderr, "export stopped after 1000 rows")
			assert.Contains(t, res.stderr, "run the same command to resume")
			var st exportState
			b, err := os.ReadFile(state)
			require.NoError(t, err, "the state is kept after an interruption")
			require.NoError(t, json.Unmarshal(b, &st))
			assert.Equal(t, int64(1000), st.Rows)
			assert.NotEmpty(t, st.Cursor)
			require.NotNil(t, st.Total)
			assert.Equal(t, int64(2000), *st.Total, "the total comes from the messages metric")

			f, err := os.OpenFile(out, os.O_APPEND|os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = f.WriteString(`{"message_id":"torn`)
			require.NoError(t, err)
			require.NoError(t, f.Close())

			res = runCLI(t, cliOpts{}, args...)
			require.Equal(t, 0, res.code, res.stderr)
			assert.Contains(t, res.stderr, "resuming the export")
			assert.Contains(t, res.stderr, "exported 2000 rows")
			assert.NoFileExists(t, state, "removed when the export completes")

			got := exportedIDs(t, out, format)
			assert.Equal(t, sharedMock().OutboundMessageIDs(), got, "every row once, newest first")
		})
	}
}

// exportedIDs reads the message ids of an exported file.
func exportedIDs(t *testing.T, path, format string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var ids []string
	if format == "csv" {
		recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
		require.NoError(t, err)
		require.Equal(t, logCSVHead(), recs[0], "one header")
		for _, r := range recs[1:] {
			ids = append(ids, r[0])
		}
		return ids
	}
	return ndjsonIDs(t, string(b))
}

// TestExportStateOfOtherFlags refuses to resume a state saved by an export
// with other filters (its cursor belongs to them).
func TestExportStateOfOtherFlags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out, state := filepath.Join(dir, "logs.ndjson"), filepath.Join(dir, "logs.state")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res := runCLI(t, cliOpts{ctx: ctx, env: interruptingAPI(t, 2, cancel)},
		"export", "logs", "--out", out, "--state", state, "--since", "7d", "--format", "ndjson")
	require.Equal(t, exitInterrupted, res.code, res.stderr)
	require.FileExists(t, state)

	res = runCLI(t, cliOpts{}, "export", "logs", "--out", out, "--state", state, "--since", "24h")
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "--state")
	assert.Contains(t, res.stderr, `--since "7d"`)
}

// TestExportProgressBar checks the progress bar on a terminal: rows, rate
// and the time left, on stderr only.
func TestExportProgressBar(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "logs.csv")
	res := runCLI(t, cliOpts{tty: true}, "export", "logs", "--format", "csv", "--out", out, "--since", "7d")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Empty(t, res.stdout)
	assert.Contains(t, res.stderr, "2000/2000")
	assert.Contains(t, res.stderr, "rows/s")
	assert.Contains(t, res.stderr, "100%")
	assert.Len(t, exportedIDs(t, out, "csv"), 2000)

	// Without --since the total is unknown: a count and a rate, no ETA.
	out = filepath.Join(t.TempDir(), "all.ndjson")
	res = runCLI(t, cliOpts{tty: true}, "export", "logs", "--out", out, "--status", "failed_permanent")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Contains(t, res.stderr, "rows/s")
	assert.NotContains(t, res.stderr, "%")

	// Not a terminal: no bar, one summary line.
	res = runCLI(t, cliOpts{}, "export", "logs", "--out", out, "--status", "failed_permanent")
	require.Equal(t, 0, res.code, res.stderr)
	assert.NotContains(t, res.stderr, "rows/s")
	assert.Contains(t, res.stderr, "rows to "+out)
}
