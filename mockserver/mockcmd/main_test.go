package mockcmd_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// The hookscope-mock binary is built once per test run, into a temporary
// directory that TestMain removes.
var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// mockBinary returns the path of the built hookscope-mock, building it on
// first use; it skips the test where it cannot be built.
func mockBinary(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("process tests use SIGTERM")
	}
	binOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			binErr = err
			return
		}
		if binDir, binErr = os.MkdirTemp("", "hookscope-mock-bin"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "hookscope-mock")
		out, err := exec.Command(goTool, "build", "-o", binPath, "github.com/hookscope/hookscope-go/cmd/hookscope-mock").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	if binErr != nil {
		if strings.Contains(binErr.Error(), "executable file not found") {
			t.Skip("the go command is not on PATH")
		}
		t.Fatal(binErr)
	}
	return binPath
}

// process is a running hookscope-mock.
type process struct {
	cmd        *exec.Cmd
	base       string
	apiKey     string
	adminToken string
	stderr     *syncBuffer
	rest       chan string // stdout after the banner, once it closes
}

// syncBuffer is a strings.Builder safe for a writer and a reader.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
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

// startProcess runs the binary with args and reads its banner.
func startProcess(t *testing.T, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(mockBinary(t), args...), stderr: &syncBuffer{}, rest: make(chan string, 1)}
	stdout, err := p.cmd.StdoutPipe()
	require.NoError(t, err)
	p.cmd.Stderr = p.stderr
	require.NoError(t, p.cmd.Start())
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	})
	readBanner(t, stdout, p)
	return p
}

func readBanner(t *testing.T, stdout io.Reader, p *process) {
	t.Helper()
	lines := bufio.NewScanner(stdout)
	for (p.base == "" || p.apiKey == "" || p.adminToken == "") && lines.Scan() {
		line := lines.Text()
		if v, ok := strings.CutPrefix(line, "hookscope mock listening on "); ok {
			p.base = v
		}
		if v, ok := strings.CutPrefix(line, "API key: "); ok {
			p.apiKey = v
		}
		if v, ok := strings.CutPrefix(line, "Admin token: "); ok {
			p.adminToken = v
		}
	}
	go func() {
		var b strings.Builder
		for lines.Scan() {
			b.WriteString(lines.Text() + "\n")
		}
		p.rest <- b.String()
	}()
	require.NotEmpty(t, p.base, "banner printed; stderr: %s", p.stderr.String())
}

// stop sends SIGTERM and waits: the exit code and the rest of stdout.
func (p *process) stop(t *testing.T) (int, string) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(sigterm))
	_ = p.cmd.Wait() // closes the stdout pipe: the reader ends
	// No stopwatch: a hang fails at the test binary's timeout.
	return p.cmd.ProcessState.ExitCode(), <-p.rest
}
