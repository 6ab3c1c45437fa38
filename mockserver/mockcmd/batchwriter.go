package mockcmd

import (
	"io"
	"sync"
	"time"
)

// Bounds of the access log's batches (see batchWriter).
const (
	// logFlushDelay is the longest a logged line waits before it is written.
	logFlushDelay = 50 * time.Millisecond
	// logBatchBytes is the size of a batch written at once, without waiting.
	logBatchBytes = 64 << 10
)

// batchWriter batches the access log's lines: a line is written within
// delay of being logged, with the lines logged meanwhile, in one write; a
// batch that reaches max bytes is written at once. Under load that is one
// write to the log for hundreds of requests instead of one each. Flush
// writes what waits; serve calls it once the server has stopped, so no
// line is lost on a clean stop (a process killed, or ended by a second
// signal, loses at most the last delay of lines).
//
// Each Write is a whole line (the access log writes one line per call), so
// lines are never split between batches.
type batchWriter struct {
	w     io.Writer
	delay time.Duration
	limit int
	// after schedules f in d (time.AfterFunc; tests inject their own).
	after func(d time.Duration, f func())

	mu      sync.Mutex
	buf     []byte
	pending bool // a flush is scheduled
}

func newBatchWriter(w io.Writer, delay time.Duration, limit int) *batchWriter {
	return &batchWriter{w: w, delay: delay, limit: limit,
		after: func(d time.Duration, f func()) { time.AfterFunc(d, f) }}
}

// Write adds p to the batch; it never fails (a failure of the underlying
// writer shows at the flush, where nothing reports it: a log that cannot
// be written must not fail the requests it logs).
func (b *batchWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	switch {
	case len(b.buf) >= b.limit:
		b.flushLocked()
	case !b.pending:
		b.pending = true
		b.after(b.delay, b.scheduled)
	}
	return len(p), nil
}

// scheduled is the delayed flush.
func (b *batchWriter) scheduled() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pending = false
	b.flushLocked()
}

// Flush writes the lines that wait.
func (b *batchWriter) Flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.flushLocked()
}

func (b *batchWriter) flushLocked() {
	if len(b.buf) == 0 {
		return
	}
	_, _ = b.w.Write(b.buf)
	if cap(b.buf) > 4*b.limit {
		b.buf = nil // a burst of long lines: do not keep its buffer
		return
	}
	b.buf = b.buf[:0]
}
