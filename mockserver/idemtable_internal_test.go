package mockserver

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The table is bounded in keys and in bytes, oldest forgotten first, and
// sweeps expired keys as it goes.
func TestIdemTableBounds(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	fill := func(tb *idemTable, n int, body []byte) []*idemEntry {
		var es []*idemEntry
		for i := range n {
			e, st := tb.reserve(idemScope{org: "o", method: "POST", key: fmt.Sprint(i)}, now)
			require.Equal(t, idemNew, st)
			tb.complete(e, fingerprint("/p", nil), 201, "application/json", body)
			es = append(es, e)
		}
		return es
	}
	cases := []struct {
		name     string
		n        int
		body     []byte
		wantKeys int
	}{
		{"keys", maxIdemKeys + 500, []byte(`{}`), maxIdemKeys},
		{"bytes", 100, make([]byte, 1<<20), maxIdemBytes / (1<<20 + idemEntryOverhead + 2)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tb := newIdemTable()
			es := fill(tb, c.n, c.body)
			assert.Equal(t, c.wantKeys, tb.len())
			assert.LessOrEqual(t, tb.bytes, maxIdemBytes)
			_, st := tb.reserve(es[0].scope, now)
			assert.Equal(t, idemNew, st, "the oldest key was forgotten")
			_, st = tb.reserve(es[len(es)-1].scope, now)
			assert.Equal(t, idemDone, st, "the newest is kept")
		})
	}

	t.Run("sweep", func(t *testing.T) {
		t.Parallel()
		tb := newIdemTable()
		fill(tb, 3000, []byte(`{}`))
		e, _ := tb.reserve(idemScope{key: "late"}, now.Add(time.Hour))
		tb.complete(e, [32]byte{}, 200, "", nil)
		_, st := tb.reserve(idemScope{key: "probe"}, now.Add(idemTTL))
		assert.Equal(t, idemNew, st)
		assert.Equal(t, 2, tb.len(), "the 3000 expired keys are gone")
		assert.Equal(t, 2, len(tb.queue)-tb.head, "and their queue slots")
		_, st = tb.reserve(idemScope{key: "late"}, now.Add(idemTTL))
		assert.Equal(t, idemDone, st, "a key is kept 24 h from its first request")
	})

	t.Run("release", func(t *testing.T) {
		t.Parallel()
		tb := newIdemTable()
		e, _ := tb.reserve(idemScope{key: "k"}, now)
		tb.release(e)
		assert.Equal(t, 0, tb.len())
		assert.Equal(t, 0, tb.bytes)
		tb.complete(e, [32]byte{}, 201, "", nil) // after release: not kept
		assert.Equal(t, 0, tb.len())
	})
}

// len is the number of keys held (in flight or done).
func (t *idemTable) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}
