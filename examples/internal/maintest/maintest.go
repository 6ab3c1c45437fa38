// Package maintest runs an example's main function as a process, from the
// example's own test binary, so that its exit status and output can be
// tested without building it.
package maintest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const (
	runVar  = "HOOKSCOPE_EXAMPLE_RUN_MAIN"
	argsVar = "HOOKSCOPE_EXAMPLE_ARGS"
	sep     = "\x1f"
)

// Main is the example test's TestMain: in a process started by Run it runs
// main with Run's arguments and exits 0 when main returns; otherwise it runs
// the tests.
func Main(m *testing.M, main func()) {
	if os.Getenv(runVar) == "1" {
		os.Args = []string{os.Args[0]}
		if a := os.Getenv(argsVar); a != "" {
			os.Args = append(os.Args, strings.Split(a, sep)...)
		}
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// Run runs the example's main as a process with args and returns its exit
// status, standard output and standard error. HOOKSCOPE_API_KEY is unset in
// it.
func Run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), runVar+"=1", argsVar+"="+strings.Join(args, sep), "HOOKSCOPE_API_KEY=")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running the example: %v", err)
	}
	return code, out.String(), errOut.String()
}

// CheckFlags checks the command line every example shares: -h prints usage
// on stdout naming the environment and each of flags, and exits 0; an
// unknown flag and a stray argument exit 2 with the reason on stderr.
func CheckFlags(t *testing.T, flags ...string) {
	t.Helper()
	code, out, _ := Run(t, "-h")
	if code != 0 {
		t.Errorf("-h exits %d, want 0", code)
	}
	for _, want := range append([]string{"usage: go run ./examples/", "HOOKSCOPE_API_KEY", "HOOKSCOPE_BASE_URL"}, flags...) {
		if !strings.Contains(out, want) {
			t.Errorf("-h: usage lacks %q:\n%s", want, out)
		}
	}
	for _, bad := range []struct {
		args   []string
		reason string
	}{
		{[]string{"-no-such-flag"}, "flag provided but not defined: -no-such-flag"},
		{[]string{"stray"}, `unexpected argument "stray"`},
	} {
		code, out, errOut := Run(t, bad.args...)
		if code != 2 {
			t.Errorf("%v exits %d, want 2", bad.args, code)
		}
		if !strings.Contains(errOut, bad.reason) || !strings.Contains(errOut, "usage:") {
			t.Errorf("%v: stderr lacks %q and the usage:\n%s", bad.args, bad.reason, errOut)
		}
		if out != "" {
			t.Errorf("%v: stdout is not empty:\n%s", bad.args, out)
		}
	}
}
