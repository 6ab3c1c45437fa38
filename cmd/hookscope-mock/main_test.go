package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunServesAndShutsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-seed", "3", "-messages", "50", "-clock", "2026-05-06T15:04:05Z"}, pw)
		_ = pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	var base, key string
	for lines.Scan() && (base == "" || key == "") {
		line := lines.Text()
		if u, ok := strings.CutPrefix(line, "hookscope mock listening on "); ok {
			base = u
		}
		if k, ok := strings.CutPrefix(line, "API key: "); ok {
			key = k
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if base == "" || key == "" {
		t.Fatalf("no URL or key printed")
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/v1/logs?limit=2", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Request-Id") == "" {
		t.Fatalf("status %d", resp.StatusCode)
	}
	cancel()
	// No stopwatch: a run that never returns fails at the test timeout.
	require.NoError(t, <-done, "run")
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-clock", "tomorrow"}, {"-messages", "many"}, {"-addr", "256.0.0.1:99999"}} {
		if err := run(context.Background(), args, io.Discard); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// SIGTERM drains and exits 0 even while a client stalls mid-upload: the
// connections still open after -shutdown-timeout are closed. Before, the
// stalled upload made the shutdown fail and the process exit 1.
func TestSIGTERMWithStalledUploadExitsZero(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on windows")
	}
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	bin := filepath.Join(t.TempDir(), "hookscope-mock")
	build := exec.Command(goTool, "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-seed", "3", "-messages", "50", "-shutdown-timeout", "100ms")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	lines := bufio.NewScanner(stdout)
	var base, key string
	for (base == "" || key == "") && lines.Scan() {
		if u, ok := strings.CutPrefix(lines.Text(), "hookscope mock listening on "); ok {
			base = u
		}
		if k, ok := strings.CutPrefix(lines.Text(), "API key: "); ok {
			key = k
		}
	}
	require.NotEmpty(t, base, "URL printed")
	rest := make(chan string, 1)
	go func() {
		var b strings.Builder
		for lines.Scan() {
			b.WriteString(lines.Text() + "\n")
		}
		rest <- b.String()
	}()

	// One connection: a complete request (so that the server serves the
	// connection), then an upload that stalls after one byte of its body.
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	br := bufio.NewReader(conn)
	_, err = fmt.Fprintf(conn, "GET /v1/logs?limit=1 HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer %s\r\n\r\n", key)
	require.NoError(t, err)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	_, err = fmt.Fprintf(conn, "POST /api/v0/webhooks HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{", key)
	require.NoError(t, err)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	err = cmd.Wait()
	assert.NoError(t, err, "exit status 0; stderr: %s", stderr.String())
	assert.Equal(t, 0, cmd.ProcessState.ExitCode())
	assert.Contains(t, <-rest, "shutting down")
}

func TestRunRejectsNegativeShutdownTimeout(t *testing.T) {
	t.Parallel()
	err := run(context.Background(), []string{"-shutdown-timeout", "-1s"}, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-shutdown-timeout")
}
