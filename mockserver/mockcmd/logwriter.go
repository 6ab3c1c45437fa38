package mockcmd

import (
	"io"
	"sync"
)

// maxLogBacklog bounds the access-log bytes a logWriter holds: a request
// that would add to a fuller backlog waits for the writer.
const maxLogBacklog = 64 << 10

// logWriter takes the access log's lines off the requests: Write appends a
// line to a backlog and returns, and one goroutine writes the backlog to w,
// every line that arrived while it was writing in one call. Lines keep
// their order and are written as soon as the goroutine runs (no timer); a
// slow w makes Write wait once the backlog is full, so memory stays bounded.
// Close writes what is left; a Write after Close goes straight to w.
type logWriter struct {
	w    io.Writer
	wake chan struct{} // a line is waiting (capacity 1)
	done chan struct{} // closed when the goroutine has written everything

	mu      sync.Mutex
	room    sync.Cond // the backlog was taken
	backlog []byte
	closed  bool
}

func newLogWriter(w io.Writer) *logWriter {
	lw := &logWriter{w: w, wake: make(chan struct{}, 1), done: make(chan struct{})}
	lw.room.L = &lw.mu
	go lw.run()
	return lw
}

// Write queues p; it reports success, as the write to w happens later (its
// errors are dropped, as a logger drops them).
func (lw *logWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	for len(lw.backlog) >= maxLogBacklog && !lw.closed {
		lw.room.Wait()
	}
	if lw.closed {
		lw.mu.Unlock()
		<-lw.done // after what was queued
		return lw.w.Write(p)
	}
	lw.backlog = append(lw.backlog, p...)
	lw.mu.Unlock()
	select {
	case lw.wake <- struct{}{}:
	default: // the goroutine is already woken
	}
	return len(p), nil
}

// run writes the backlog whenever woken, until Close.
func (lw *logWriter) run() {
	defer close(lw.done)
	var out []byte
	for range lw.wake {
		lw.mu.Lock()
		out, lw.backlog = lw.backlog, out[:0]
		closed := lw.closed
		lw.room.Broadcast()
		lw.mu.Unlock()
		if len(out) > 0 {
			_, _ = lw.w.Write(out)
		}
		if closed {
			return
		}
	}
}

// Close writes the lines queued so far and stops the goroutine. It is safe
// to call more than once.
func (lw *logWriter) Close() {
	lw.mu.Lock()
	already := lw.closed
	lw.closed = true
	lw.room.Broadcast()
	lw.mu.Unlock()
	if !already {
		select {
		case lw.wake <- struct{}{}:
		default: // a wake is queued: the goroutine sees closed when it takes it
		}
	}
	<-lw.done
}
