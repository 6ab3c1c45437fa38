package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// command returns the command as a process: this test binary, which runs
// main (see TestMain), with env as its whole environment.
func command(t *testing.T, env map[string]string, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(exe, args...)
	cmd.Env = []string{"HOOKSCOPE_CLI_TEST_AS_MAIN=1", "PATH=" + os.Getenv("PATH")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// runProcess runs the command to its end.
func runProcess(t *testing.T, env map[string]string, args ...string) cliResult {
	t.Helper()
	cmd := command(t, env, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return cliResult{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// TestProcessAgainstMockServer drives the command as a process against a
// mock server through HOOKSCOPE_BASE_URL and HOOKSCOPE_API_KEY, as a user
// drives it against hookscope-mock: its output matches the in-process
// goldens, its exit codes are 0, 1 and 2, and the key never shows.
func TestProcessAgainstMockServer(t *testing.T) {
	t.Parallel()
	srv := sharedMock()
	env := map[string]string{"HOOKSCOPE_BASE_URL": srv.URL(), "HOOKSCOPE_API_KEY": srv.APIKey(),
		"HOOKSCOPE_MOCK_NOW": fixedNow.Format("2006-01-02T15:04:05Z")}

	var all strings.Builder
	res := runProcess(t, env, "health")
	all.WriteString(res.stdout + res.stderr)
	require.Equal(t, 0, res.code, res.stderr)
	checkGolden(t, "health.golden", res.stdout)
	assert.Empty(t, res.stderr, "a key: no embedded mock, nothing to announce")

	res = runProcess(t, env, "webhooks", "get", "ep_0123456789abcdef0123456789abcdef")
	all.WriteString(res.stdout + res.stderr)
	assert.Equal(t, exitAPIError, res.code)
	assert.Regexp(t, `^hookscope: .+ \(HTTP 404, code WEBHOOK_NOT_FOUND, request id \S+\)\n$`, res.stderr)

	res = runProcess(t, env, "logs", "--status", "done")
	all.WriteString(res.stdout + res.stderr)
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "--status")

	assert.NotContains(t, all.String(), srv.APIKey())
}

// TestProcessEmbeddedMock runs the command with no key at all: it says on
// stderr that it uses the embedded mock, and prints the same data.
func TestProcessEmbeddedMock(t *testing.T) {
	t.Parallel()
	res := runProcess(t, map[string]string{"HOOKSCOPE_MOCK_NOW": fixedNow.Format("2006-01-02T15:04:05Z")}, "webhooks", "list")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Contains(t, res.stderr, "using an embedded mock server")
	checkGolden(t, "webhooks_list.golden", res.stdout)
}

// TestProcessInterrupt sends SIGINT to logs --follow once it has printed
// its first rows: the command stops and exits 130.
func TestProcessInterrupt(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT on Windows")
	}
	t.Parallel()
	srv := sharedMock()
	cmd := command(t, map[string]string{"HOOKSCOPE_BASE_URL": srv.URL(), "HOOKSCOPE_API_KEY": srv.APIKey()},
		"logs", "--follow", "--limit", "2", "--interval", "10ms")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())

	lines := bufio.NewReader(stdout)
	for range 3 { // the header and two rows
		_, err := lines.ReadString('\n')
		require.NoError(t, err)
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	_, _ = io.Copy(io.Discard, lines)
	err = cmd.Wait()
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr, "stderr: %s", stderr.String())
	assert.Equal(t, exitInterrupted, exitErr.ExitCode())
	assert.True(t, strings.HasSuffix(stderr.String(), "hookscope: interrupted\n"), stderr.String())
}
