package mockserver

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/webhook"
)

// handleInboundAttempts serves GET /v1/inbound-messages/{id}/attempts.
func (s *Server) handleInboundAttempts(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.serveAttempts(w, r, rc, true)
}

// handleOutboundAttempts serves GET /v1/messages/{id}/attempts.
func (s *Server) handleOutboundAttempts(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.serveAttempts(w, r, rc, false)
}

// parseMessageID reads the {id} path parameter, a UUID.
func parseMessageID(rc *reqCtx) (string, *apiError) {
	id := rc.params.get("id")
	if _, ok := parseUUID(id); !ok {
		return "", invalid("id", "must be a UUID")
	}
	return strings.ToLower(id), nil
}

// parseAttemptsQuery reads an attempts request: the message id, and no
// cursor (the API gives no attempts cursor yet, so none can be valid).
func parseAttemptsQuery(rc *reqCtx) (string, *apiError) {
	id, err := parseMessageID(rc)
	if err != nil {
		return "", err
	}
	raw, _, err := queryValue(&rc.query, "cursor")
	if err != nil {
		return "", err
	}
	if raw != "" {
		return "", invalid("cursor", "is not a valid cursor for this request")
	}
	return id, nil
}

// message returns a copy of org's message id of the given direction, or
// nil.
func (s *store) message(orgID, id string, inbound bool) *message {
	s.mu.RLock()
	defer s.mu.RUnlock()
	uid, ok := parseUUID(id)
	if !ok {
		return nil
	}
	o, ref, ok := s.findLocked(orgID, uid)
	if !ok || o.msg(ref).inbound() != inbound {
		return nil
	}
	return o.view(ref)
}

// serveAttempts answers a message's attempts, attempt_no ascending, at most
// AttemptsMaxPerList with has_more. An unknown id, another organization's
// message or a message of the other direction gives an empty list, not a
// 404: the attempts of a message that is not (yet) visible are none.
func (s *Server) serveAttempts(w http.ResponseWriter, r *http.Request, rc *reqCtx, inbound bool) {
	id, err := parseAttemptsQuery(rc)
	if err != nil {
		s.writeError(w, rc, err)
		return
	}
	resp := attemptsResp{Data: []attemptResp{}}
	resp.Meta.RequestID = rc.id
	if m := s.st.message(rc.key.Org, id, inbound); m != nil {
		n := min(len(m.attempts), hookscope.AttemptsMaxPerList)
		resp.Meta.HasMore = len(m.attempts) > n
		resp.Data = make([]attemptResp, 0, n)
		base, expires := "http://"+r.Host, s.now().Add(BodyURLValidity)
		for i := range n {
			resp.Data = append(resp.Data, s.renderAttempt(m, &m.attempts[i], rc.key.Plan, base, expires))
		}
	}
	s.writeJSON(w, rc, http.StatusOK, resp)
}

// inboundMessage is org's inbound message id as GET answers it.
func (s *store) inboundMessage(orgID, id string) (inboundMessageResp, bool) {
	m := s.message(orgID, id, true)
	if m == nil {
		return inboundMessageResp{}, false
	}
	msg := inboundMessageResp{
		ID: m.id, EndpointID: m.ep.id, Endpoint: m.ep.url, EventType: m.eventType, Status: m.status,
		AttemptCount: len(m.attempts), CreatedAt: m.createdAt,
	}
	if a := m.successAttempt(); a != nil {
		msg.DeliveredAt = new(a.at)
	}
	return msg, true
}

// handleInboundMessage serves GET /v1/inbound-messages/{id}.
func (s *Server) handleInboundMessage(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	id, err := parseMessageID(rc)
	if err != nil {
		s.writeError(w, rc, err)
		return
	}
	msg, ok := s.st.inboundMessage(rc.key.Org, id)
	if !ok {
		s.writeError(w, rc, notFound(hookscope.CodeMessageNotFound, "message not found"))
		return
	}
	s.writeJSON(w, rc, http.StatusOK, struct {
		Data inboundMessageResp `json:"data"`
	}{msg})
}

// renderAttempt is a as the wire shows it, with a response_body_url that
// expires at expires when the plan has them.
func (s *Server) renderAttempt(m *message, a *attempt, plan Plan, base string, expires time.Time) attemptResp {
	out := attemptResp{
		ID: a.id, AttemptNo: a.no, ErrorText: a.errText, RetryType: a.retryType, ResolvedIP: a.ip,
		ConnReused: a.reused, ResponseBodyTruncated: a.truncated, CreatedAt: a.at,
		ResponseLatencyMS: opt(a.latency), ProcessingMS: opt(a.processing), RetryAfterSeconds: opt(a.retryAfter),
		DNSMS: opt(a.dns), TCPConnectMS: opt(a.tcp), TLSHandshakeMS: opt(a.tls), TTFBMS: opt(a.ttfb), TransferMS: opt(a.transfer),
		RequestHeaders: requestHeaders(m, a),
	}
	if m.inbound {
		out.ProcessingMS = nil
	}
	if a.status != 0 {
		ctype, _ := responseBody(a)
		out.ResponseStatus = new(a.status)
		out.ResponseHeaders = map[string]string{"Content-Type": ctype, "Date": a.at.Format(http.TimeFormat)}
		if a.status == http.StatusTooManyRequests && a.retryAfter != absent {
			out.ResponseHeaders["Retry-After"] = strconv.FormatInt(a.retryAfter, 10)
		}
		if plan.bodyURLs() {
			out.ResponseBodyURL = s.bodyURL(base, m.id, a.no, expires)
		}
	}
	return out
}

// requestHeaders are the headers the platform sent with attempt a of m,
// signed with the endpoint's secret as Standard Webhooks sign (package
// webhook: the HMAC key is the secret's decoded bytes), so that
// webhook.Verify accepts them against the endpoint's signing_secret and the
// message's payload.
func requestHeaders(m *message, a *attempt) map[string]string {
	h := map[string]string{
		"Content-Type":      "application/json",
		"User-Agent":        "hookscope-delivery/1.0",
		"Webhook-Id":        m.id,
		"Webhook-Timestamp": strconv.FormatInt(a.at.Unix(), 10),
	}
	// The mock makes every secret (whsec_ + base64 of 24 bytes) and every
	// id (a UUID) itself, so Sign cannot refuse them; the signature tests
	// would see a header left out.
	if sig, err := webhook.Sign(m.ep.secret, m.id, a.at, m.payloadJSON()); err == nil {
		h["Webhook-Signature"] = sig
	}
	return h
}

func opt(v int64) *int64 {
	if v == absent {
		return nil
	}
	return new(v)
}
