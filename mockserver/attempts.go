package mockserver

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
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

// handleInboundAttempts serves GET /v1/inbound-messages/{id}/attempts.
func (s *Server) handleInboundAttempts(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.serveAttempts(w, r, rc, true)
}

// handleOutboundAttempts serves GET /v1/messages/{id}/attempts.
func (s *Server) handleOutboundAttempts(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.serveAttempts(w, r, rc, false)
}

// serveAttempts answers a message's attempts, attempt_no ascending, at most
// AttemptsMaxPerList with has_more. An unknown id, another organization's
// message or a message of the other direction gives an empty list (seed 003).
func (s *Server) serveAttempts(w http.ResponseWriter, r *http.Request, rc *reqCtx, inbound bool) {
	id := rc.params["id"]
	if !uuidPattern.MatchString(id) {
		s.writeError(w, rc, invalid("id", "must be a UUID"))
		return
	}
	// The API gives no attempts cursor yet, so none can be valid.
	raw, _, err := queryValue(rc.query, "cursor")
	if err == nil && raw != "" {
		err = invalid("cursor", "is not a valid cursor for this request")
	}
	if err != nil {
		s.writeError(w, rc, err)
		return
	}
	now := s.now()
	base := "http://" + r.Host
	data := []hookscope.Attempt{}
	hasMore := false
	s.st.mu.RLock()
	m := s.st.msgs[strings.ToLower(id)]
	if m != nil && m.org.id == rc.key.Org && m.inbound == inbound {
		n := min(len(m.attempts), hookscope.AttemptsMaxPerList)
		hasMore = len(m.attempts) > n
		data = make([]hookscope.Attempt, 0, n)
		for i := range n {
			data = append(data, s.renderAttempt(m, &m.attempts[i], rc.key.Plan, base, now))
		}
	}
	s.st.mu.RUnlock()
	s.writeJSON(w, rc, http.StatusOK, struct {
		Data []hookscope.Attempt `json:"data"`
		Meta struct {
			RequestID string `json:"request_id"`
			HasMore   bool   `json:"has_more"`
		} `json:"meta"`
	}{Data: data, Meta: struct {
		RequestID string `json:"request_id"`
		HasMore   bool   `json:"has_more"`
	}{rc.id, hasMore}})
}

// handleInboundMessage serves GET /v1/inbound-messages/{id}.
func (s *Server) handleInboundMessage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	id := rc.params["id"]
	if !uuidPattern.MatchString(id) {
		s.writeError(w, rc, invalid("id", "must be a UUID"))
		return
	}
	s.st.mu.RLock()
	m := s.st.msgs[strings.ToLower(id)]
	if m == nil || m.org.id != rc.key.Org || !m.inbound {
		s.st.mu.RUnlock()
		s.writeError(w, rc, notFound(hookscope.CodeMessageNotFound, "message not found"))
		return
	}
	msg := hookscope.InboundMessage{
		ID: m.id, EndpointID: m.ep.id, Endpoint: m.ep.url, EventType: m.eventType, Status: m.status,
		AttemptCount: len(m.attempts), CreatedAt: m.createdAt,
	}
	if a := m.successAttempt(); a != nil {
		msg.DeliveredAt = new(a.at)
	}
	s.st.mu.RUnlock()
	s.writeJSON(w, rc, http.StatusOK, struct {
		Data hookscope.InboundMessage `json:"data"`
	}{msg})
}

// renderAttempt is a as the wire shows it. Callers hold st.mu for reading.
func (s *Server) renderAttempt(m *message, a *attempt, plan Plan, base string, now time.Time) hookscope.Attempt {
	out := hookscope.Attempt{
		ID: a.id, AttemptNo: a.no, ErrorText: a.errText, RetryType: a.retryType, ResolvedIP: a.ip,
		ConnReused: a.reused, ResponseBodyTruncated: a.truncated, CreatedAt: a.at,
		ResponseLatencyMS: opt(a.latency), ProcessingMS: opt(a.processing), RetryAfterSeconds: opt(a.retryAfter),
		DNSMS: opt(a.dns), TCPConnectMS: opt(a.tcp), TLSHandshakeMS: opt(a.tls), TTFBMS: opt(a.ttfb), TransferMS: opt(a.transfer),
	}
	if m.inbound {
		out.ProcessingMS = nil
	}
	ts := strconv.FormatInt(a.at.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(m.ep.secret))
	_, _ = fmt.Fprintf(mac, "%s.%s.%s", m.id, ts, m.payload)
	out.RequestHeaders = map[string]string{
		"Content-Type":      "application/json",
		"User-Agent":        "hookscope-delivery/1.0",
		"Webhook-Id":        m.id,
		"Webhook-Timestamp": ts,
		"Webhook-Signature": "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)),
	}
	if a.status != 0 {
		ctype, _ := responseBody(a)
		out.ResponseStatus = new(a.status)
		out.ResponseHeaders = map[string]string{"Content-Type": ctype, "Date": a.at.Format(http.TimeFormat)}
		if a.status == http.StatusTooManyRequests && a.retryAfter != absent {
			out.ResponseHeaders["Retry-After"] = strconv.FormatInt(a.retryAfter, 10)
		}
		if plan.bodyURLs() {
			out.ResponseBodyURL = s.bodyURL(base, m.id, a.no, now.Add(BodyURLValidity))
		}
	}
	return out
}

func opt(v int64) *int64 {
	if v == absent {
		return nil
	}
	return new(v)
}

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
	m := hmac.New(sha256.New, s.secret)
	_, _ = fmt.Fprintf(m, "body\x00%s\x00%d\x00%d", msgID, no, expires)
	return hex.EncodeToString(m.Sum(nil))
}

// bodyURL is the presigned URL of an attempt's response body.
func (s *Server) bodyURL(base, msgID string, no int, expires time.Time) string {
	exp := expires.Unix()
	return fmt.Sprintf("%s%s%s/%d?expires=%d&signature=%s", base, bodyPathPrefix, msgID, no, exp, s.bodySignature(msgID, no, exp))
}

// handleResponseBody serves a presigned response-body URL: no API key, a
// signature that must match, and an expiry read from the server's clock.
func (s *Server) handleResponseBody(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	msgID := rc.params["message_id"]
	no, errNo := strconv.Atoi(rc.params["attempt_no"])
	exp, errExp := strconv.ParseInt(rc.query.Get("expires"), 10, 64)
	sig := rc.query.Get("signature")
	if errNo != nil || errExp != nil || !hmac.Equal([]byte(sig), []byte(s.bodySignature(msgID, no, exp))) {
		s.writeError(w, rc, &apiError{status: http.StatusForbidden, code: codeForbidden, msg: "the signature does not match"})
		return
	}
	if s.now().Unix() > exp {
		s.writeError(w, rc, &apiError{status: http.StatusForbidden, code: codeForbidden, msg: "the URL has expired"})
		return
	}
	s.st.mu.RLock()
	m := s.st.msgs[msgID]
	var ctype, body string
	found := m != nil && no >= 1 && no <= len(m.attempts) && m.attempts[no-1].status != 0
	if found {
		ctype, body = responseBody(&m.attempts[no-1])
	}
	s.st.mu.RUnlock()
	if !found {
		s.writeError(w, rc, notFound(hookscope.CodeMessageNotFound, "no stored response body"))
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(body))
}

// httpStatusText is the reason phrase of code.
func httpStatusText(code int) string { return http.StatusText(code) }
