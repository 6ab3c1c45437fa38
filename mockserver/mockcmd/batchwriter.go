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

// minKeptBatch is the size up to which a written batch's buffer is kept
// for the next one, however small the batches (a batchWriter of limit 0
// writes each line alone).
const minKeptBatch = 16 << 10

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
	spare   []byte // a written batch's buffer, for the next batch
	pending bool   // a flush is scheduled
	// out is held while a batch is written, after mu is let go, so that
	// lines logged meanwhile wait for nothing, and batches are written in
	// the order they were taken (out is taken before mu is let go).
	out sync.Mutex
}

func newBatchWriter(w io.Writer, delay time.Duration, limit int) *batchWriter {
	return &batchWriter{w: w, delay: delay, limit: limit,
		after: func(d time.Duration, f func()) { time.AfterFunc(d, f) }}
}

// Write adds p to the batch; it never fails (a failure of the underlying
// writer shows at the flush, where nothing reports it: a log that cannot
// be written must not fail the requests it logs). A Write that fills the
// batch writes it, without holding up the Writes that come meanwhile.
func (b *batchWriter) Write(p []byte) (int, error) {
	b.appendLine(func(buf []byte) ([]byte, bool) { return append(buf, p...), true })
	return len(p), nil
}

// appendLine lets f append one whole line to the batch, in place (no
// line of its own to copy), and reports true; f reports false when it
// appended nothing, and so does appendLine. The batch is then written or
// its flush scheduled, as Write does. f runs under the batch's lock: it
// must be short and must not log.
func (b *batchWriter) appendLine(f func([]byte) ([]byte, bool)) bool {
	b.mu.Lock()
	buf, ok := f(b.buf)
	b.buf = buf
	switch {
	case !ok:
	case len(b.buf) >= b.limit:
		b.flushUnlock()
		return true
	case !b.pending:
		b.pending = true
		b.after(b.delay, b.scheduled)
	}
	b.mu.Unlock()
	return ok
}

// scheduled is the delayed flush.
func (b *batchWriter) scheduled() {
	b.mu.Lock()
	b.pending = false
	b.flushUnlock()
}

// Flush writes the lines that wait, and returns once they are written.
func (b *batchWriter) Flush() {
	b.mu.Lock()
	b.flushUnlock()
}

// flushUnlock takes the batch, lets mu go (held on entry), and writes the
// batch; its buffer is then kept for a later batch, unless a burst of long
// lines grew it.
func (b *batchWriter) flushUnlock() {
	batch := b.buf
	b.buf, b.spare = b.spare[:0], nil
	b.out.Lock()
	b.mu.Unlock()
	if len(batch) > 0 {
		_, _ = b.w.Write(batch)
	}
	b.out.Unlock()
	if cap(batch) > max(4*b.limit, minKeptBatch) {
		return
	}
	b.mu.Lock()
	if b.spare == nil {
		b.spare = batch[:0]
	}
	b.mu.Unlock()
}
