package mockcmd_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go/mockserver/mockcmd"
)

func TestUsageAndBadArguments(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	require.Equal(t, mockcmd.ExitOK, mockcmd.Run(context.Background(), []string{"-h"}, &out, &errOut), "-h exits 0")
	assert.Contains(t, out.String(), "Usage: hookscope-mock [flags]")
	assert.Contains(t, out.String(), "-state")
	assert.Empty(t, errOut.String())

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve"}, `unexpected argument "serve"`},
		{[]string{"-messages", "-5"}, "-messages must not be negative"},
		{[]string{"-messages", "many"}, "-messages"},
		{[]string{"-clock", "tomorrow"}, "-clock must be an RFC 3339 time"},
		{[]string{"-shutdown-timeout", "-1s"}, "-shutdown-timeout must not be negative"},
		{[]string{"-log", "xml"}, "-log must be text, json or off"},
		{[]string{"-nope"}, "-nope"},
	} {
		var out, errOut bytes.Buffer
		code := mockcmd.Run(context.Background(), tc.args, &out, &errOut)
		assert.Equal(t, mockcmd.ExitUsage, code, "%v", tc.args)
		assert.Contains(t, errOut.String(), tc.want, "%v", tc.args)
		assert.Empty(t, out.String(), "%v: nothing served", tc.args)
	}
}

// A busy port fails before any data is generated or anything printed.
func TestBusyPortFails(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	var out, errOut bytes.Buffer
	code := mockcmd.Run(context.Background(), []string{"-addr", ln.Addr().String()}, &out, &errOut)
	assert.Equal(t, mockcmd.ExitError, code)
	assert.Contains(t, errOut.String(), "listen:")
	assert.Empty(t, out.String(), "no banner")
}

// runInProcess runs Run until the test ends and returns the banner's URL,
// API key and admin token, and the stderr buffer.
func runInProcess(t *testing.T, args ...string) (base, key, admin string, stderr *syncBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr = &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- mockcmd.Run(ctx, append([]string{"-addr", "127.0.0.1:0", "-messages", "50", "-clock", "2026-05-06T15:04:05Z"}, args...), pw, stderr)
		_ = pw.Close()
	}()
	p := &process{stderr: stderr, rest: make(chan string, 1)}
	readBanner(t, pr, p)
	stopped := false
	stop = func() int {
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() {
		if !stopped {
			stop()
		}
	})
	return p.base, p.apiKey, p.adminToken, stderr, stop
}

func TestRunServesLogsAndShutsDown(t *testing.T) {
	t.Parallel()
	base, key, admin, stderr, stop := runInProcess(t, "-log", "json")
	req, _ := http.NewRequest(http.MethodGet, base+"/v1/logs?limit=2", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	rid := resp.Header.Get("X-Request-Id")

	// The admin token opens /_mock/, the API key does not, and vice versa.
	adminGet := func(token string) int {
		req, _ := http.NewRequest(http.MethodGet, base+"/_mock/clock", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusOK, adminGet(admin))
	assert.Equal(t, http.StatusUnauthorized, adminGet(key))
	require.Equal(t, mockcmd.ExitOK, stop())

	// One JSON access-log line per request, without the key or the token.
	logs := stderr.String()
	assert.NotContains(t, logs, key)
	assert.NotContains(t, logs, admin)
	var found bool
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		var entry struct {
			Msg, Method, Path, RequestID string `json:",omitempty"`
			Status                       int
		}
		require.NoError(t, json.Unmarshal([]byte(line), &entry), line)
		var raw map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &raw))
		if raw["path"] == "/v1/logs" {
			found = true
			assert.Equal(t, "GET", raw["method"])
			assert.EqualValues(t, 200, raw["status"])
			assert.Equal(t, rid, raw["request_id"])
		}
	}
	assert.True(t, found, "the /v1/logs request is logged: %s", logs)
}

func TestLogOff(t *testing.T) {
	t.Parallel()
	base, _, _, stderr, stop := runInProcess(t, "-log", "off")
	resp, err := http.Get(base + "/_mock/health")
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, mockcmd.ExitOK, stop())
	assert.Empty(t, stderr.String())
}

func TestCORS(t *testing.T) {
	t.Parallel()
	base, key, _, _, _ := runInProcess(t, "-cors", "https://app.example, https://other.example", "-log", "off")
	preflight := func(origin string) *http.Response {
		req, _ := http.NewRequest(http.MethodOptions, base+"/v1/logs", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "GET")
		req.Header.Set("Access-Control-Request-Headers", "authorization")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_ = resp.Body.Close()
		return resp
	}
	ok := preflight("https://app.example")
	assert.Equal(t, http.StatusNoContent, ok.StatusCode)
	assert.Equal(t, "https://app.example", ok.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, ok.Header.Get("Access-Control-Allow-Headers"), "Authorization")
	assert.Contains(t, ok.Header.Get("Access-Control-Allow-Methods"), "PATCH")

	other := preflight("https://evil.example")
	assert.Empty(t, other.Header.Get("Access-Control-Allow-Origin"), "an origin not listed gets no grant")

	req, _ := http.NewRequest(http.MethodGet, base+"/v1/logs?limit=1", nil)
	req.Header.Set("Origin", "https://other.example")
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "https://other.example", resp.Header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, resp.Header.Get("Access-Control-Expose-Headers"), "X-Request-Id")
}

// A state file that is corrupt or of a newer version stops the start with
// a clear error; it never falls back to fresh data.
func TestBadStateFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, tc := range map[string]struct{ body, want string }{
		"corrupt": {`{"format":"hookscope-mock-snapshot","version":1,"now":`, "is not a JSON snapshot document"},
		"newer":   {`{"format":"hookscope-mock-snapshot","version":99}`, "newer than this mock reads"},
		"other":   {`{"hello":"world"}`, "format must be"},
	} {
		path := filepath.Join(dir, name+".json")
		require.NoError(t, os.WriteFile(path, []byte(tc.body), 0o600))
		var out, errOut bytes.Buffer
		code := mockcmd.Run(context.Background(), []string{"-addr", "127.0.0.1:0", "-messages", "10", "-state", path}, &out, &errOut)
		assert.Equal(t, mockcmd.ExitError, code, name)
		assert.Contains(t, errOut.String(), "-state "+path, name)
		assert.Contains(t, errOut.String(), tc.want, name)
		assert.NotContains(t, out.String(), "listening", "%s: nothing served", name)
	}
}

// SIGTERM drains and exits 0 even while a client stalls mid-upload: the
// connections still open after -shutdown-timeout are closed.
func TestSIGTERMWithStalledUploadExitsZero(t *testing.T) {
	t.Parallel()
	p := startProcess(t, "-addr", "127.0.0.1:0", "-seed", "3", "-messages", "50", "-shutdown-timeout", "100ms", "-log", "off")
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.base, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	br := bufio.NewReader(conn)
	_, err = fmt.Fprintf(conn, "GET /v1/logs?limit=1 HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer %s\r\n\r\n", p.apiKey)
	require.NoError(t, err)
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	_, err = fmt.Fprintf(conn, "POST /api/v0/webhooks HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{", p.apiKey)
	require.NoError(t, err)

	code, rest := p.stop(t)
	assert.Equal(t, 0, code, "stderr: %s", p.stderr.String())
	assert.Contains(t, rest, "shutting down")
}

// The process listens on exactly one socket: the API's (mockserver.New's
// own test listener is not opened).
func TestOneListener(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	t.Parallel()
	p := startProcess(t, "-addr", "127.0.0.1:0", "-messages", "20", "-log", "off")
	assert.Equal(t, 1, listeningSockets(t, p.cmd.Process.Pid))
}

// listeningSockets counts the TCP sockets of pid in the LISTEN state.
func listeningSockets(t *testing.T, pid int) int {
	t.Helper()
	inodes := map[string]bool{}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	require.NoError(t, err)
	for _, fd := range fds {
		link, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if err == nil && strings.HasPrefix(link, "socket:[") {
			inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] = true
		}
	}
	n := 0
	for _, table := range []string{"tcp", "tcp6"} {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/%s", pid, table))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(raw), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) > 9 && f[3] == "0A" && inodes[f[9]] {
				n++
			}
		}
	}
	return n
}
