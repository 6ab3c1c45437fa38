package hookscope_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The core package must build without OpenTelemetry (or any other
// dependency a program did not choose): tracing lives in otelhookscope.
func TestCoreDoesNotImportOpenTelemetry(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	require.NoError(t, err)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/hashicorp/go-retryablehttp", "the listing is of the core package")
	for _, d := range deps {
		require.False(t, strings.HasPrefix(d, "go.opentelemetry.io/"), "the core package imports %s", d)
	}
}
