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
	for _, bulk := range []bool{true, false} {
		// The history itself is empty: the flag only chooses the path.
		srv := buildServer(bulk, []mockserver.Option{mockserver.WithMessages(0)})
		srv.Close()
		assert.Equal(t, 137, debug.SetGCPercent(137), "bulk %v: target restored", bulk)
	}
}

// A large history is generated at GOGC=400 unless the user set GOGC.
func TestBulkGCRespectsUserGOGC(t *testing.T) {
	t.Parallel()
	env := func(vals map[string]string) func(string) (string, bool) {
		return func(k string) (string, bool) { v, ok := vals[k]; return v, ok }
	}
	for _, c := range []struct {
		name     string
		messages int
		env      map[string]string
		want     bool
	}{
		{"small history", bulkGeneration - 1, nil, false},
		{"large history, GOGC unset", bulkGeneration, nil, true},
		{"large history, GOGC empty", 1_000_000, map[string]string{"GOGC": ""}, true},
		{"large history, GOGC=100 set by the user", 1_000_000, map[string]string{"GOGC": "100"}, false},
		{"large history, GOGC=off set by the user", 1_000_000, map[string]string{"GOGC": "off"}, false},
		{"only GOMEMLIMIT set", 1_000_000, map[string]string{"GOMEMLIMIT": "1GiB"}, true},
	} {
		assert.Equal(t, c.want, bulkGC(c.messages, env(c.env)), c.name)
	}
}
