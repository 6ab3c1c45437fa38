package mockserver

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// bodyPathPrefix is where the mock serves the presigned response bodies.
const bodyPathPrefix = "/_mock/response-bodies/"

// BodyURLValidity is how long a presigned response_body_url stays valid.
const BodyURLValidity = 15 * time.Minute

// responseBody is the stored response body of an attempt that got a response.
func responseBody(a *attempt) (contentType, body string) {
	switch {
	case a.succeeded():
		return "application/json", `{"received":true}`
	case a.status == http.StatusBadGateway:
		return "text/html", "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
	case a.status == http.StatusTooManyRequests:
		return "application/json", `{"error":"rate limited, slow down"}`
	}
	return "application/json", fmt.Sprintf(`{"error":%q}`, strings.ToLower(http.StatusText(a.status)))
}

func (s *Server) bodySignature(msgID string, no int, expires int64) string {
	m := hmac.New(sha256.New, s.id().secret)
	_, _ = fmt.Fprintf(m, "body\x00%s\x00%d\x00%d", msgID, no, expires)
	return hex.EncodeToString(m.Sum(nil))
}

// bodyURL is the presigned URL of an attempt's response body.
func (s *Server) bodyURL(base, msgID string, no int, expires time.Time) string {
	exp := expires.Unix()
	return fmt.Sprintf("%s%s%s/%d?expires=%d&signature=%s", base, bodyPathPrefix, msgID, no, exp, s.bodySignature(msgID, no, exp))
}

// bodyQuery is a parsed presigned response-body request.
type bodyQuery struct {
	msgID string
	no    int
}

// parseBodyQuery checks a presigned URL: a signature that must match, and
// an expiry read from the server's clock.
func (s *Server) parseBodyQuery(rc *reqCtx) (bodyQuery, *apiError) {
	q := bodyQuery{msgID: rc.params.get("message_id")}
	no, errNo := strconv.Atoi(rc.params.get("attempt_no"))
	exp, errExp := strconv.ParseInt(rc.query.get("expires"), 10, 64)
	sig := rc.query.get("signature")
	if errNo != nil || errExp != nil || !hmac.Equal([]byte(sig), []byte(s.bodySignature(q.msgID, no, exp))) {
		return q, &apiError{status: http.StatusForbidden, code: codeForbidden, msg: "the signature does not match"}
	}
	if s.now().Unix() > exp {
		return q, &apiError{status: http.StatusForbidden, code: codeForbidden, msg: "the URL has expired"}
	}
	q.no = no
	return q, nil
}

// responseBodyOf is the stored response body of attempt no of message
// msgID; false when the attempt got no response.
func (s *store) responseBodyOf(msgID string, no int) (ctype, body string, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := parseUUID(msgID)
	if !ok {
		return "", "", false
	}
	o, ref, ok := s.findLocked("", id)
	if !ok {
		return "", "", false
	}
	as := o.attemptsOf(o.msg(ref))
	if no < 1 || no > len(as) || as[no-1].status == 0 {
		return "", "", false
	}
	a := o.attemptView(&as[no-1])
	ctype, body = responseBody(&a)
	return ctype, body, true
}

// handleResponseBody serves a presigned response-body URL: no API key, a
// signature that must match, and an expiry read from the server's clock.
func (s *Server) handleResponseBody(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	q, err := s.parseBodyQuery(rc)
	if err != nil {
		s.writeError(w, rc, err)
		return
	}
	ctype, body, ok := s.st.responseBodyOf(q.msgID, q.no)
	if !ok {
		s.writeError(w, rc, notFound(hookscope.CodeMessageNotFound, "no stored response body"))
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(body))
}
