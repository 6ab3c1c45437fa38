package mockcmd

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingWriter counts the writes it gets.
type countingWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes++
	return w.buf.Write(p)
}

func (w *countingWriter) state() (string, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String(), w.writes
}

// manualTimer stands for time.AfterFunc: the test fires what was scheduled.
type manualTimer struct {
	mu     sync.Mutex
	delays []time.Duration
	funcs  []func()
}

func (m *manualTimer) after(d time.Duration, f func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.delays = append(m.delays, d)
	m.funcs = append(m.funcs, f)
}

func (m *manualTimer) fire() int {
	m.mu.Lock()
	fs := m.funcs
	m.funcs = nil
	m.mu.Unlock()
	for _, f := range fs {
		f()
	}
	return len(fs)
}

// Lines wait for the scheduled flush and are written together in one
// write; one flush is scheduled per batch, with the writer's delay.
func TestBatchWriterWritesLinesTogetherAfterTheDelay(t *testing.T) {
	t.Parallel()
	out := &countingWriter{}
	timer := &manualTimer{}
	b := newBatchWriter(out, logFlushDelay, logBatchBytes)
	b.after = timer.after

	for i := range 100 {
		n, err := fmt.Fprintf(b, "line %d\n", i)
		require.NoError(t, err)
		require.Equal(t, len(fmt.Sprintf("line %d\n", i)), n)
	}
	got, writes := out.state()
	assert.Empty(t, got, "nothing is written before the flush")
	assert.Zero(t, writes)
	assert.Equal(t, []time.Duration{logFlushDelay}, timer.delays, "one flush scheduled for the batch")

	require.Equal(t, 1, timer.fire())
	got, writes = out.state()
	assert.Equal(t, 1, writes, "the batch is one write")
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	require.Len(t, lines, 100)
	for i, l := range lines {
		assert.Equal(t, fmt.Sprintf("line %d", i), l, "in order")
	}

	// The next line schedules the next flush.
	_, _ = b.Write([]byte("next\n"))
	assert.Len(t, timer.delays, 2)
	require.Equal(t, 1, timer.fire())
	got, writes = out.state()
	assert.Equal(t, 2, writes)
	assert.True(t, strings.HasSuffix(got, "line 99\nnext\n"))
}

// A batch that reaches its size is written at once, without waiting, and
// Flush writes what waits; an empty flush writes nothing.
func TestBatchWriterFlushesFullBatchesAndOnFlush(t *testing.T) {
	t.Parallel()
	out := &countingWriter{}
	timer := &manualTimer{}
	b := newBatchWriter(out, time.Hour, 100)
	b.after = timer.after

	line := strings.Repeat("x", 39) + "\n" // 40 bytes
	for range 3 {
		_, _ = b.Write([]byte(line))
	}
	got, writes := out.state()
	assert.Equal(t, 1, writes, "120 bytes ≥ 100: written at once")
	assert.Equal(t, strings.Repeat(line, 3), got)

	_, _ = b.Write([]byte("tail\n"))
	b.Flush()
	got, writes = out.state()
	assert.Equal(t, 2, writes)
	assert.True(t, strings.HasSuffix(got, "tail\n"))

	timer.fire() // the flush scheduled earlier finds nothing
	b.Flush()
	_, writes = out.state()
	assert.Equal(t, 2, writes, "nothing waits: no write")
}

// appendLine writes the line its function appends in place as Write
// would; a function that declines leaves the batch as it was and
// schedules nothing. A writer of limit 0 writes each line alone, and
// keeps one buffer for them all. (Not parallel: AllocsPerRun.)
func TestBatchWriterAppendLine(t *testing.T) {
	out := &countingWriter{}
	timer := &manualTimer{}
	b := newBatchWriter(out, logFlushDelay, logBatchBytes)
	b.after = timer.after

	ok := b.appendLine(func(buf []byte) ([]byte, bool) { return buf, false })
	assert.False(t, ok)
	assert.Empty(t, timer.delays, "nothing to flush: nothing scheduled")
	ok = b.appendLine(func(buf []byte) ([]byte, bool) { return append(buf, "first\n"...), true })
	assert.True(t, ok)
	_, _ = b.Write([]byte("second\n"))
	assert.Equal(t, []time.Duration{logFlushDelay}, timer.delays)
	require.Equal(t, 1, timer.fire())
	got, writes := out.state()
	assert.Equal(t, "first\nsecond\n", got)
	assert.Equal(t, 1, writes)

	each := &countingWriter{}
	direct := newBatchWriter(each, time.Hour, 0)
	direct.after = timer.after
	for i := range 3 {
		require.True(t, direct.appendLine(func(buf []byte) ([]byte, bool) { return fmt.Appendf(buf, "line %d\n", i), true }))
	}
	got, writes = each.state()
	assert.Equal(t, "line 0\nline 1\nline 2\n", got)
	assert.Equal(t, 3, writes, "limit 0: each line written as it comes")
	allocs := testing.AllocsPerRun(100, func() {
		direct.appendLine(func(buf []byte) ([]byte, bool) { return append(buf, "x\n"...), true })
	})
	assert.Zero(t, allocs, "the written line's buffer is kept for the next")
}

// Many request goroutines logging at once with the real timer: every line
// is written whole, once (the race detector watches the batch).
func TestBatchWriterConcurrentLines(t *testing.T) {
	t.Parallel()
	out := &countingWriter{}
	b := newBatchWriter(out, time.Millisecond, 1<<10)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				_, _ = fmt.Fprintf(b, "g%d-%d\n", g, i)
			}
		})
	}
	wg.Wait()
	b.Flush()
	got, _ := out.state()
	seen := map[string]int{}
	for _, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		seen[l]++
	}
	require.Len(t, seen, 8*200)
	for l, n := range seen {
		require.Equal(t, 1, n, l)
	}
}

// blockingWriter holds its first write until release is closed.
type blockingWriter struct {
	countingWriter
	started chan struct{} // closed when the first write begins
	release chan struct{}
	once    sync.Once
}

func (w *blockingWriter) Write(p []byte) (int, error) {
	first := false
	w.once.Do(func() { first = true })
	if first {
		close(w.started)
		<-w.release
	}
	return w.countingWriter.Write(p)
}

// While a full batch is being written (slowly), lines logged meanwhile are
// taken at once, not held up behind the write, and go out after that
// batch, in order, at the next flush.
func TestBatchWriterWritesOutsideTheLock(t *testing.T) {
	t.Parallel()
	w := &blockingWriter{started: make(chan struct{}), release: make(chan struct{})}
	timer := &manualTimer{}
	b := newBatchWriter(w, time.Second, 16)
	b.after = timer.after
	go func() { _, _ = b.Write([]byte("0123456789abcdef\n")) }() // fills the batch
	<-w.started
	var once sync.Once
	release := func() { once.Do(func() { close(w.release) }) }
	t.Cleanup(release)
	require.True(t, b.mu.TryLock(), "the batch's lock is not held while the batch is written")
	b.mu.Unlock()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 3 {
			_, _ = fmt.Fprintf(b, "l%d\n", i)
		}
	}()
	<-done // returns while the first batch is still being written
	text, writes := w.state()
	assert.Empty(t, text, "the first batch is still being written")
	assert.Zero(t, writes)
	release()
	b.Flush()
	text, writes = w.state()
	assert.Equal(t, "0123456789abcdef\nl0\nl1\nl2\n", text)
	assert.Equal(t, 2, writes)
}
