package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go/mockserver"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// fixedNow is the clock of every test's mock: the goldens depend on it.
var fixedNow = time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)

// TestMain runs the command itself when a test starts this test binary as
// a process (see startProcess): the binary then is the command, with its
// real main, signals and exit codes.
func TestMain(m *testing.M) {
	if os.Getenv("HOOKSCOPE_CLI_TEST_AS_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// sharedMock is one mock for the tests that only read: generating one costs
// about half a second under the race detector.
var sharedMock = sync.OnceValue(func() *mockserver.Server {
	return newTestMock()
})

// newTestMock is a mock with the command's default seed and the fixed clock:
// the same data as `HOOKSCOPE_MOCK_NOW=2026-01-15T12:00:00Z hookscope ...`.
func newTestMock() *mockserver.Server {
	return mockserver.New(mockserver.WithSeed(defaultSeed), mockserver.WithClock(func() time.Time { return fixedNow }))
}

// syncBuffer is a bytes.Buffer safe to read while the command writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// cliOpts are the conditions of one in-process run.
type cliOpts struct {
	// env is the environment; HOOKSCOPE_MOCK_NOW is the fixed clock unless
	// set here ("" removes it).
	env map[string]string
	// mock is the embedded mock; nil is sharedMock. external makes the run
	// generate its own (as the real command does).
	mock     *mockserver.Server
	external bool
	tty      bool
	ctx      context.Context
	// afterPoll is system.afterPoll.
	afterPoll func()
}

type cliResult struct {
	stdout, stderr string
	code           int
}

// runCLI runs the command in process.
func runCLI(t *testing.T, o cliOpts, args ...string) cliResult {
	t.Helper()
	env := map[string]string{"HOOKSCOPE_MOCK_NOW": fixedNow.Format(time.RFC3339)}
	for k, v := range o.env {
		env[k] = v
	}
	var stdout, stderr syncBuffer
	sys := &system{
		Stdout: &stdout, Stderr: &stderr,
		Getenv:    func(k string) string { return env[k] },
		StdoutTTY: o.tty, StderrTTY: o.tty,
		afterPoll: o.afterPoll,
	}
	if !o.external {
		sys.mock = o.mock
		if sys.mock == nil {
			sys.mock = sharedMock()
		}
	}
	ctx := o.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	code := run(ctx, args, sys)
	return cliResult{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file: run go test ./cmd/hookscope -update")
	require.Equal(t, string(want), got, "output differs from %s (rewrite with -update after checking it)", path)
}

// goldenName turns a test case name into a file name.
func goldenName(name string) string {
	r := strings.NewReplacer(" ", "_", "/", "_", "-", "", "=", "_")
	return r.Replace(name) + ".golden"
}
