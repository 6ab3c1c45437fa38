package mockcmd

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockedBuffer is a bytes.Buffer safe for the writer goroutine and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Every line written from several goroutines is there after Close, whole
// and in each goroutine's order.
func TestLogWriterKeepsEveryLineInOrder(t *testing.T) {
	t.Parallel()
	var out lockedBuffer
	lw := newLogWriter(&out)
	const goroutines, lines = 4, 500
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range lines {
				n, err := fmt.Fprintf(lw, "g%d line %d\n", g, i)
				assert.NoError(t, err)
				assert.Positive(t, n)
			}
		})
	}
	wg.Wait()
	lw.Close()
	next := make([]int, goroutines)
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, got, goroutines*lines)
	for _, line := range got {
		var g, i int
		_, err := fmt.Sscanf(line, "g%d line %d", &g, &i)
		require.NoError(t, err, line)
		require.Equal(t, next[g], i, "goroutine %d's lines in order", g)
		next[g]++
	}
}

// gatedWriter lets each Write through only when the test says so, and
// records the size of each.
type gatedWriter struct {
	release chan struct{}
	mu      sync.Mutex
	sizes   []int
	total   int
}

func (g *gatedWriter) Write(p []byte) (int, error) {
	<-g.release
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sizes = append(g.sizes, len(p))
	g.total += len(p)
	return len(p), nil
}

// A writer that cannot keep up makes Write wait: no batch, so no backlog,
// grows past maxLogBacklog and a line.
func TestLogWriterBoundsItsBacklog(t *testing.T) {
	t.Parallel()
	gw := &gatedWriter{release: make(chan struct{})}
	lw := newLogWriter(gw)
	line := strings.Repeat("x", 1023) + "\n"
	const lines = 300 // 300 KiB: several times the bound
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range lines {
			_, _ = lw.Write([]byte(line))
		}
		lw.Close()
	}()
	for {
		select {
		case gw.release <- struct{}{}:
			continue
		case <-done:
		}
		break
	}
	assert.Equal(t, lines*len(line), gw.total, "every byte written")
	for _, n := range gw.sizes {
		assert.LessOrEqual(t, n, maxLogBacklog+len(line))
	}
}

// After Close a line goes straight to the writer; Close twice is harmless.
func TestLogWriterAfterClose(t *testing.T) {
	t.Parallel()
	var out lockedBuffer
	lw := newLogWriter(&out)
	_, _ = lw.Write([]byte("before\n"))
	lw.Close()
	assert.Equal(t, "before\n", out.String())
	_, err := lw.Write([]byte("after\n"))
	require.NoError(t, err)
	assert.Equal(t, "before\nafter\n", out.String())
	lw.Close()
}
