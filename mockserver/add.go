package mockserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// Message is an outbound message for AddMessage.
type Message struct {
	// EndpointID is the endpoint the message is sent to (required). The
	// endpoint's organization owns the message.
	EndpointID string
	// EventType defaults to "message.created".
	EventType string
	// Payload is the event's JSON payload; default {"type": EventType}.
	Payload json.RawMessage
	// CreatedAt defaults to the clock's now.
	CreatedAt time.Time
	// Attempts are the delivery attempts made so far, in order. Only the
	// last may be a 2xx. None: the message is queued.
	Attempts []AttemptSpec
	// Final marks a message whose attempts all failed as failed_permanent;
	// without it such a message is pending_retry (failed_permanent anyway
	// after 8 attempts).
	Final bool
}

// AttemptSpec is one attempt of a Message.
type AttemptSpec struct {
	// At is when the attempt was made; default 100 ms after the message's
	// creation for the first, the backoff schedule after the previous for
	// the others.
	At time.Time
	// Status is the endpoint's HTTP status; 0 is a network error.
	Status int
	// Error is the error text of a failed attempt (default "HTTP <status>
	// <text>", or "dial tcp: connection refused" for a network error).
	Error string
	// LatencyMS is the response latency of an attempt that got a response (default 120).
	LatencyMS int64
}

// AddMessage adds an outbound message with its attempts, as if the platform
// had just recorded it, and returns its id (a UUIDv7 of CreatedAt). It is
// safe to call while requests are served: the logs' keyset cursors neither
// skip nor repeat a row that existed when paging began, and every aggregate
// (metrics, delivery_stats, analytics) includes the message at once (metrics
// count an attempt dated after the clock once the clock reaches it).
func (s *Server) AddMessage(m Message) (string, error) {
	now := s.now()
	created := m.CreatedAt
	if created.IsZero() {
		created = now
	}
	created = created.UTC().Truncate(time.Millisecond)
	if created.Before(minQueryTime) || !created.Before(maxQueryTime) {
		return "", fmt.Errorf("mockserver: AddMessage: CreatedAt %s is out of range", created)
	}
	ev := m.EventType
	if ev == "" {
		ev = "message.created"
	}
	payload := m.Payload
	if len(payload) == 0 {
		payload, _ = json.Marshal(map[string]string{"type": ev})
	} else if !json.Valid(payload) {
		return "", errors.New("mockserver: AddMessage: Payload is not valid JSON")
	}
	if len(m.Attempts) > maxAttempts {
		return "", fmt.Errorf("mockserver: AddMessage: at most %d attempts", maxAttempts)
	}

	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	var ep *endpoint
	var o *org
	for _, candidate := range s.st.orgs {
		if e := candidate.endpoint(m.EndpointID); e != nil {
			ep, o = e, candidate
			break
		}
	}
	if ep == nil {
		return "", fmt.Errorf("mockserver: AddMessage: no endpoint %q", m.EndpointID)
	}
	g := ids{rng: s.rng}
	msg := &message{id: g.uuidV7(created), org: o, ep: ep, eventType: ev, createdAt: created,
		payload: slices.Clone([]byte(payload)), resourceID: "0"}
	at := created.Add(100 * time.Millisecond)
	for i, spec := range m.Attempts {
		if i > 0 {
			at = at.Add(retrySchedule[i-1])
		}
		if !spec.At.IsZero() {
			at = spec.At.UTC().Truncate(time.Millisecond)
			if at.Before(minQueryTime) || !at.Before(maxQueryTime) {
				return "", fmt.Errorf("mockserver: AddMessage: attempt %d: At %s is out of range", i+1, at)
			}
		}
		a := attempt{id: g.uuidV7(at), no: i + 1, at: at, status: spec.Status, errText: spec.Error,
			latency: absent, processing: absent, dns: absent, tcp: absent, tls: absent, ttfb: absent,
			transfer: absent, retryAfter: absent, ip: ep.ip}
		if i > 0 {
			a.retryType = hookscope.RetryFast
			if i > fastRetries {
				a.retryType = hookscope.RetrySlow
			}
		}
		if spec.Status != 0 {
			if spec.Status < 100 || spec.Status > 599 {
				return "", fmt.Errorf("mockserver: AddMessage: attempt %d: status %d", i+1, spec.Status)
			}
			lat := spec.LatencyMS
			if lat <= 0 {
				lat = 120
			}
			a.latency, a.ttfb, a.transfer, a.processing = lat, max(lat-2, 0), min(lat, 2), lat+5
			if a.errText == "" && !a.succeeded() {
				a.errText = fmt.Sprintf("HTTP %d %s", spec.Status, http.StatusText(spec.Status))
			}
		} else {
			a.ip = ""
			if a.errText == "" {
				a.errText = "dial tcp: connection refused"
			}
			a.processing = 5
		}
		if a.succeeded() && i != len(m.Attempts)-1 {
			return "", fmt.Errorf("mockserver: AddMessage: attempt %d succeeded but is not the last", i+1)
		}
		msg.attempts = append(msg.attempts, a)
	}
	switch last := msg.lastAttempt(); {
	case last == nil:
		msg.status = hookscope.StatusQueued
	case last.succeeded():
		msg.status = hookscope.StatusSucceeded
	case m.Final || len(msg.attempts) >= maxAttempts:
		msg.status = hookscope.StatusFailedPermanent
	default:
		msg.status = hookscope.StatusPendingRetry
		msg.nextAttemptAt = last.at.Add(retrySchedule[len(msg.attempts)-1])
		last.retryAfter = int64(retrySchedule[len(msg.attempts)-1] / time.Second)
	}
	s.st.addMessageLocked(msg)
	return msg.id, nil
}

// InboundMessageIDs returns the ids of the default organization's inbound
// messages, newest first.
func (s *Server) InboundMessageIDs() []string {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	in := s.st.orgs[s.defaultOrg].inbound
	out := make([]string, 0, len(in))
	for i := len(in) - 1; i >= 0; i-- {
		out = append(out, in[i].id)
	}
	return out
}

// MessageIDs returns the ids of the default organization's outbound
// messages, newest first (the order of /v1/logs).
func (s *Server) MessageIDs() []string {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	ms := s.st.orgs[s.defaultOrg].idx[filterKey{}]
	out := make([]string, 0, len(ms))
	for i := len(ms) - 1; i >= 0; i-- {
		out = append(out, ms[i].id)
	}
	return out
}

// EndpointIDs returns the ids of org's live endpoints ("" is the default
// organization), oldest first (the order of GET /api/v0/webhooks).
func (s *Server) EndpointIDs(org string) []string {
	if org == "" {
		org = s.defaultOrg
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	o := s.st.orgs[org]
	if o == nil {
		return nil
	}
	var out []string
	for _, ep := range o.liveEndpoints() {
		out = append(out, ep.id)
	}
	return out
}
