package mockcmd

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hookscope/hookscope-go/mockserver"
)

// buildServer puts the process's GC target back as it found it, for a
// large history and a small one. Not parallel: the target is the process's.
func TestBuildServerRestoresGCPercent(t *testing.T) {
	before := debug.SetGCPercent(137)
	defer debug.SetGCPercent(before)
	for _, n := range []int{bulkGeneration, 10} {
		// The history itself is empty: the count only chooses the path.
		srv := buildServer(n, []mockserver.Option{mockserver.WithMessages(0)})
		srv.Close()
		assert.Equal(t, 137, debug.SetGCPercent(137), "messages %d: target restored", n)
	}
}
