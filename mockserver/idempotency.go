package mockserver

import (
	"bytes"
	"crypto/sha256"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// writeAnswer is the answer of a write: an error, or a status with a JSON
// body (nil: no body).
type writeAnswer struct {
	status int
	body   []byte
	err    *apiError
}

// applyWrite runs apply under the store's write lock.
func (s *store) applyWrite(apply func() writeAnswer) writeAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ownLocked()
	return apply()
}

// write serves a validated webhook write: the write itself (apply, given
// the clock's time to the millisecond, under the store's write lock) and its
// answer. Its Idempotency-Key was handled before the handler ran
// (serveIdempotent).
func (s *Server) write(w http.ResponseWriter, rc *reqCtx, apply func(now time.Time) writeAnswer) {
	now := s.now().Truncate(time.Millisecond)
	ans := s.st.applyWrite(func() writeAnswer { return apply(now) })
	switch {
	case ans.err != nil:
		s.writeError(w, rc, ans.err)
	case ans.body == nil:
		w.WriteHeader(ans.status)
	default:
		writeRaw(w, ans.status, ans.body)
	}
}

// Bounds of the Idempotency-Key table.
const (
	// idemTTL is how long a key's first answer is kept, by the server's clock.
	idemTTL = 24 * time.Hour
	// maxIdemKeys and maxIdemBytes bound the table: past either, the
	// oldest keys are forgotten first.
	maxIdemKeys  = 10000
	maxIdemBytes = 32 << 20
	// idemEntryOverhead is counted per key beside its answer's bytes.
	idemEntryOverhead = 256
)

// Error codes of the Idempotency-Key contract.
const (
	codeIdemKeyReused = hookscope.CodeIdempotencyKeyReused
	codeIdemKeyInUse  = hookscope.CodeIdempotencyKeyInUse
)

// idemScope is what a key is scoped to: its organization and method (the
// path is part of the request's fingerprint: the same key on another path
// is a reuse, 422).
type idemScope struct {
	org, method, key string
}

// idemEntry is one key: in flight until done, then its first answer.
type idemEntry struct {
	scope   idemScope
	expires time.Time
	done    bool
	// Set when done; never changed after, so a replay may write body
	// without the lock.
	fp          [sha256.Size]byte // of the path and body of the first request
	status      int
	contentType string
	body        []byte
}

func (e *idemEntry) size() int { return idemEntryOverhead + len(e.scope.key) + len(e.body) }

// idemState is what reserve found.
type idemState int

const (
	idemNew      idemState = iota // reserved for this request
	idemInFlight                  // the first request with the key is being processed
	idemDone                      // the first request's answer is kept
)

// idemTable holds the Idempotency-Keys of a Server, with its own lock:
// keys in flight and the first answers, in reservation order, so that
// expired and excess keys are forgotten from the front.
type idemTable struct {
	mu      sync.Mutex
	entries map[idemScope]*idemEntry
	queue   []*idemEntry // reservation order; removed entries are skipped
	head    int
	bytes   int
}

func newIdemTable() *idemTable { return &idemTable{entries: make(map[idemScope]*idemEntry)} }

// reserve finds sc at now: a kept answer (idemDone), a request still in
// flight (idemInFlight), or nothing, in which case it reserves sc for the
// caller (idemNew), who must then complete or release it.
func (t *idemTable) reserve(sc idemScope, now time.Time) (*idemEntry, idemState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sweepLocked(now)
	if e := t.entries[sc]; e != nil {
		if e.done {
			return e, idemDone
		}
		return e, idemInFlight
	}
	e := &idemEntry{scope: sc, expires: now.Add(idemTTL)}
	t.entries[sc] = e
	t.queue = append(t.queue, e)
	t.bytes += e.size()
	t.evictLocked()
	return e, idemNew
}

// complete keeps the first answer of e's request.
func (t *idemTable) complete(e *idemEntry, fp [sha256.Size]byte, status int, contentType string, body []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.entries[e.scope] != e {
		return // forgotten meanwhile (the table was full)
	}
	t.bytes -= e.size()
	e.fp, e.status, e.contentType, e.body = fp, status, contentType, body
	e.done = true
	t.bytes += e.size()
	t.evictLocked()
}

// release forgets e, whose request kept no answer.
func (t *idemTable) release(e *idemEntry) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.removeLocked(e)
}

func (t *idemTable) removeLocked(e *idemEntry) {
	if t.entries[e.scope] == e {
		delete(t.entries, e.scope)
		t.bytes -= e.size()
	}
}

// sweepLocked forgets the expired keys at the front of the queue.
func (t *idemTable) sweepLocked(now time.Time) {
	for t.head < len(t.queue) {
		e := t.queue[t.head]
		if t.entries[e.scope] == e && now.Before(e.expires) {
			break
		}
		if t.entries[e.scope] == e {
			t.removeLocked(e)
		}
		t.popLocked()
	}
}

// evictLocked forgets the oldest keys while the table is over its bounds.
func (t *idemTable) evictLocked() {
	for (len(t.entries) > maxIdemKeys || t.bytes > maxIdemBytes) && t.head < len(t.queue) {
		t.removeLocked(t.queue[t.head])
		t.popLocked()
	}
}

func (t *idemTable) popLocked() {
	t.queue[t.head] = nil
	t.head++
	if t.head == len(t.queue) {
		t.queue, t.head = t.queue[:0], 0
	} else if t.head > 1024 && t.head > len(t.queue)/2 {
		t.queue = append(t.queue[:0], t.queue[t.head:]...)
		t.head = 0
	}
}

// fingerprint identifies a write's request within its scope: its path and
// body, hashed, so that the table keeps 32 bytes of the request, not the
// request.
func fingerprint(path string, body []byte) [sha256.Size]byte {
	h := sha256.New()
	_, _ = io.WriteString(h, path)
	_, _ = h.Write([]byte{0})
	_, _ = h.Write(body)
	var fp [sha256.Size]byte
	h.Sum(fp[:0])
	return fp
}

// checkIdempotencyKey reads r's Idempotency-Key: "" when absent; 1 to 255
// printable ASCII characters (space included), given once.
func checkIdempotencyKey(r *http.Request) (string, *apiError) {
	vs := r.Header.Values("Idempotency-Key")
	switch {
	case len(vs) == 0:
		return "", nil
	case len(vs) > 1:
		return "", invalid("Idempotency-Key", "must be given at most once")
	}
	key := vs[0]
	if key == "" || len(key) > 255 {
		return "", invalid("Idempotency-Key", "must be 1 to 255 characters")
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; c < 0x20 || c > 0x7e {
			return "", invalid("Idempotency-Key", "must be printable ASCII")
		}
	}
	return key, nil
}

// captureWriter passes an answer through and keeps a copy of it, for the
// key's later replays.
type captureWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (w *captureWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *captureWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.buf.Write(b)
	return w.ResponseWriter.Write(b)
}

// serveIdempotent serves a write that carries an Idempotency-Key (body is
// its request body, already read): the first request with the key runs h
// and its answer is kept when it is a 2xx; a retry with the same key, path
// and body gets that answer again, status and body, and runs nothing; the
// same key with another path or body is 422 IDEMPOTENCY_KEY_REUSED; the
// same key while the first request is still being processed is 409
// IDEMPOTENCY_KEY_IN_USE. A write without a key runs h.
func (s *Server) serveIdempotent(w http.ResponseWriter, r *http.Request, rc *reqCtx, body []byte, h handlerFunc) {
	key, err := checkIdempotencyKey(r)
	if err != nil {
		s.writeError(w, rc, err)
		return
	}
	if key == "" {
		h(s, w, r, rc)
		return
	}
	fp := fingerprint(r.URL.Path, body)
	e, state := s.idem.reserve(idemScope{org: rc.key.Org, method: r.Method, key: key}, s.now())
	switch state {
	case idemInFlight:
		s.writeError(w, rc, &apiError{status: http.StatusConflict, code: codeIdemKeyInUse,
			msg: "a request with this Idempotency-Key is still being processed"})
		return
	case idemDone:
		if e.fp != fp {
			s.writeError(w, rc, &apiError{status: http.StatusUnprocessableEntity, code: codeIdemKeyReused,
				msg: "Idempotency-Key was used with a different request"})
			return
		}
		// e's answer never changes once done: no lock needed to write it.
		if e.contentType != "" {
			w.Header().Set("Content-Type", e.contentType)
		}
		if len(e.body) > 0 {
			w.Header().Set("Content-Length", strconv.Itoa(len(e.body)))
		}
		w.WriteHeader(e.status)
		_, _ = w.Write(e.body)
		return
	}
	kept := false
	defer func() {
		if !kept {
			s.idem.release(e)
		}
	}()
	if s.writeHook != nil {
		s.writeHook(r)
	}
	cw := &captureWriter{ResponseWriter: w}
	h(s, cw, r, rc)
	if cw.status >= 200 && cw.status <= 299 {
		s.idem.complete(e, fp, cw.status, cw.Header().Get("Content-Type"), cw.buf.Bytes())
		kept = true
	}
}
