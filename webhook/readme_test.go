package webhook_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The README's snippet is ExampleHandler's code, so it compiles and runs.
func TestReadmeSnippetIsExampleHandler(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "\n## Verifying deliveries\n")
	require.True(t, ok, "README has no section \"Verifying deliveries\"")
	_, block, ok := strings.Cut(section, "```go\n")
	require.True(t, ok)
	snippet, _, ok := strings.Cut(block, "```\n")
	require.True(t, ok)

	src, err := os.ReadFile("example_test.go")
	require.NoError(t, err)
	_, region, ok := strings.Cut(string(src), "\t// README: Verifying deliveries\n")
	require.True(t, ok)
	region, _, ok = strings.Cut(region, "\t// README end\n")
	require.True(t, ok)
	var want strings.Builder
	for line := range strings.Lines(region) {
		want.WriteString(strings.TrimPrefix(line, "\t"))
	}
	require.Equal(t, want.String(), snippet)
}
