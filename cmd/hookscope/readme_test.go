package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeBlock is a captured output in the README: a marker naming its
// golden file, then a text block.
var readmeBlock = regexp.MustCompile("(?s)<!-- golden: ([a-z_]+\\.golden) -->\n```text\n(.*?)```")

// TestReadmeOutputsMatchGoldens checks that the outputs the README shows are
// the command's current output (the goldens, which TestGolden checks); with
// -update it copies the goldens into the README.
func TestReadmeOutputsMatchGoldens(t *testing.T) {
	const readme = "../../README.md"
	b, err := os.ReadFile(readme)
	require.NoError(t, err)
	matches := readmeBlock.FindAllSubmatch(b, -1)
	require.GreaterOrEqual(t, len(matches), 3, "the README shows health, metrics and attempts")
	names := map[string]bool{}
	for _, m := range matches {
		names[string(m[1])] = true
	}
	for _, want := range []string{"health.golden", "metrics.golden", "attempts.golden"} {
		assert.True(t, names[want], "the README shows %s", want)
	}

	if *update {
		out := readmeBlock.ReplaceAllFunc(b, func(block []byte) []byte {
			name := readmeBlock.FindSubmatch(block)[1]
			golden, err := os.ReadFile(filepath.Join("testdata", string(name)))
			require.NoError(t, err)
			return []byte("<!-- golden: " + string(name) + " -->\n```text\n" + string(golden) + "```")
		})
		require.NoError(t, os.WriteFile(readme, out, 0o644))
		return
	}
	for _, m := range matches {
		golden, err := os.ReadFile(filepath.Join("testdata", string(m[1])))
		require.NoError(t, err)
		assert.Equal(t, string(golden), string(m[2]), "README block of %s (rewrite with -update)", m[1])
	}
}
