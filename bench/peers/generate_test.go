package peers_test

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGeneratedCodeIsCurrent regenerates both clients from openapi.yaml into
// a temporary directory, with the generator versions go.mod pins, and fails
// when the committed code differs: run `go generate .` in bench/peers.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs both generators")
	}
	t.Parallel()
	tmp := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("go", args...)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %v:\n%s", args, out)
	}
	// The same commands as the go:generate lines of doc.go, into tmp.
	run("tool", "ogen", "-config", "ogen.yml", "-target", filepath.Join(tmp, "ogenclient"), "-package", "ogenclient", "-clean", "../../openapi.yaml")
	run("tool", "oapi-codegen", "-generate", "types,client", "-package", "oapiclient", "-o", filepath.Join(tmp, "oapiclient", "client.gen.go"), "../../openapi.yaml")

	for _, dir := range []string{"ogenclient", "oapiclient"} {
		want := goFiles(t, filepath.Join(tmp, dir))
		got := goFiles(t, dir)
		require.Equal(t, slices.Sorted(maps.Keys(want)), slices.Sorted(maps.Keys(got)), "%s: files differ from a fresh generation; run go generate .", dir)
		for name, b := range want {
			assert.True(t, string(b) == string(got[name]), "%s/%s differs from a fresh generation from openapi.yaml; run go generate .", dir, name)
		}
	}
}

// goFiles reads the .go files of dir.
func goFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	files := map[string][]byte{}
	for _, e := range entries {
		if e.IsDir() || filepath.Ext(e.Name()) != ".go" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		files[e.Name()] = b
	}
	return files
}
