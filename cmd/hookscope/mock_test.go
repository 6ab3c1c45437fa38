package main

import (
	"bufio"
	"errors"
	"net/http"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMockCommand runs hookscope mock as a process, drives hookscope against
// it through HOOKSCOPE_BASE_URL and HOOKSCOPE_API_KEY, and stops it with
// SIGINT: it exits 0, as hookscope-mock does.
func TestMockCommand(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT on Windows")
	}
	t.Parallel()
	mock := command(t, nil, "mock", "-addr", "127.0.0.1:0", "-messages", "300", "-clock", "2026-01-15T12:00:00Z")
	stdout, err := mock.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, mock.Start())
	defer func() { _ = mock.Process.Kill() }()

	// Read the banner up to the API key.
	lines := bufio.NewScanner(stdout)
	var banner strings.Builder
	urlRE := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	keyRE := regexp.MustCompile(`am_test_\S+`)
	for lines.Scan() {
		banner.WriteString(lines.Text() + "\n")
		if urlRE.MatchString(banner.String()) && keyRE.MatchString(banner.String()) {
			break
		}
	}
	base, key := urlRE.FindString(banner.String()), keyRE.FindString(banner.String())
	require.NotEmpty(t, base, banner.String())
	require.NotEmpty(t, key, banner.String())
	go func() { // keep the pipe drained
		for lines.Scan() {
		}
	}()

	res := runCLI(t, cliOpts{env: map[string]string{"HOOKSCOPE_BASE_URL": base, "HOOKSCOPE_API_KEY": key}}, "webhooks", "list", "-o", "csv")
	require.Equal(t, 0, res.code, res.stderr)
	assert.Equal(t, 9, strings.Count(res.stdout, "\n"), "a header and the 8 generated endpoints")

	require.NoError(t, mock.Process.Signal(syscall.SIGINT))
	err = mock.Wait()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		t.Fatalf("hookscope mock exited %d after SIGINT, want 0", exitErr.ExitCode())
	}
	require.NoError(t, err)
	_, err = http.Get(base + "/_mock/health")
	assert.Error(t, err, "the server is gone")
}

// TestMockCommandBadFlag checks that the mock's usage errors exit 2.
func TestMockCommandBadFlag(t *testing.T) {
	t.Parallel()
	res := runCLI(t, cliOpts{}, "mock", "-no-such-flag")
	assert.Equal(t, exitUsage, res.code)
	assert.Contains(t, res.stderr, "no-such-flag")
}
