package mockserver

import (
	"net/http"
	"time"
)

// maxIdempotencyKey bounds an Idempotency-Key header.
const maxIdempotencyKey = 255

// writeAnswer is the answer of a write: an error, or a status with a JSON
// body (nil: no body).
type writeAnswer struct {
	status int
	body   []byte
	err    *apiError
}

// idemAnswer is the stored first answer of a write.
type idemAnswer struct {
	status int
	body   []byte
}

// idemKey is the idem map's key of a write; "" when the request carries no
// Idempotency-Key.
func idemKey(method, org, key string) string {
	if key == "" {
		return ""
	}
	return method + "\x00" + org + "\x00" + key
}

// idempotencyKey reads r's Idempotency-Key as the store's key of the write.
func idempotencyKey(r *http.Request, org string) (string, *apiError) {
	key := r.Header.Get("Idempotency-Key")
	if len(key) > maxIdempotencyKey {
		return "", invalid("Idempotency-Key", "must be at most %d characters", maxIdempotencyKey)
	}
	return idemKey(r.Method, org, key), nil
}

// applyWrite runs apply under the store's write lock, unless idem names an
// earlier write of the same method and organization: then it returns that
// write's first answer and applies nothing. A successful answer is kept
// under idem. Checking, applying and keeping under one lock makes two
// concurrent writes with one key apply once.
func (s *store) applyWrite(idem string, apply func() writeAnswer) writeAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ans, seen := s.idem[idem]; idem != "" && seen {
		return writeAnswer{status: ans.status, body: ans.body}
	}
	ans := apply()
	if ans.err == nil && idem != "" {
		s.idem[idem] = idemAnswer{status: ans.status, body: ans.body}
	}
	return ans
}

// write serves a validated webhook write: its Idempotency-Key, the write
// itself (apply, given the clock's time to the millisecond) and its answer.
func (s *Server) write(w http.ResponseWriter, r *http.Request, rc *reqCtx, apply func(now time.Time) writeAnswer) {
	idem, err := idempotencyKey(r, rc.key.Org)
	if err != nil {
		s.writeError(w, rc, err)
		return
	}
	now := s.now().Truncate(time.Millisecond)
	ans := s.st.applyWrite(idem, func() writeAnswer { return apply(now) })
	switch {
	case ans.err != nil:
		s.writeError(w, rc, ans.err)
	case ans.body == nil:
		w.WriteHeader(ans.status)
	default:
		writeRaw(w, ans.status, ans.body)
	}
}
