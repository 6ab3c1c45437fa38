package mockserver

import (
	"cmp"
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

// MaxLatencyMS bounds AttemptSpec.LatencyMS: an hour.
const MaxLatencyMS = 3_600_000

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
	// LatencyMS is the response latency of an attempt that got a response
	// (default 120; at most MaxLatencyMS).
	LatencyMS int64
}

// AddMessage adds an outbound message with its attempts, as if the platform
// had just recorded it, and returns its id (a UUIDv7 of CreatedAt). It is
// safe to call while requests are served: the logs' keyset cursors neither
// skip nor repeat a row that existed when paging began, and every aggregate
// (metrics, delivery_stats, analytics) includes the message at once (metrics
// count an attempt dated after the clock once the clock reaches it). A
// message that is refused changes nothing.
func (s *Server) AddMessage(m Message) (string, error) {
	msg, err := newMessage(m, s.now())
	if err != nil {
		return "", fmt.Errorf("mockserver: AddMessage: %w", err)
	}
	if err := s.st.addOutbound(m.EndpointID, msg); err != nil {
		return "", fmt.Errorf("mockserver: AddMessage: %w", err)
	}
	return msg.id, nil
}

// newMessage checks m and builds its message, without ids, organization
// and endpoint (addOutbound sets them).
func newMessage(m Message, now time.Time) (*message, error) {
	created := m.CreatedAt
	if created.IsZero() {
		created = now
	}
	created = created.UTC().Truncate(time.Millisecond)
	if created.Before(minQueryTime) || !created.Before(maxQueryTime) {
		return nil, fmt.Errorf("CreatedAt %s is out of range", created)
	}
	msg := &message{eventType: cmp.Or(m.EventType, "message.created"), createdAt: created, resourceID: "0"}
	if len(m.Payload) == 0 {
		msg.payload, _ = json.Marshal(map[string]string{"type": msg.eventType})
	} else if !json.Valid(m.Payload) {
		//lint:ignore ST1005 the message starts with the field's name, Payload
		return nil, errors.New("Payload is not valid JSON")
	} else {
		msg.payload = slices.Clone([]byte(m.Payload))
	}
	if len(m.Attempts) > maxAttempts {
		return nil, fmt.Errorf("at most %d attempts", maxAttempts)
	}
	var err error
	if msg.attempts, err = newAttempts(m.Attempts, created); err != nil {
		return nil, err
	}
	setStatus(msg, m.Final)
	return msg, nil
}

// newAttempts checks specs and builds their attempts, without ids and
// resolved IPs.
func newAttempts(specs []AttemptSpec, created time.Time) ([]attempt, error) {
	var out []attempt
	at := created.Add(100 * time.Millisecond)
	for i, spec := range specs {
		if i > 0 {
			at = at.Add(retrySchedule[i-1])
		}
		if !spec.At.IsZero() {
			at = spec.At.UTC().Truncate(time.Millisecond)
			if at.Before(minQueryTime) || !at.Before(maxQueryTime) {
				return nil, fmt.Errorf("attempt %d: At %s is out of range", i+1, at)
			}
		}
		if spec.Status != 0 && (spec.Status < 100 || spec.Status > 599) {
			return nil, fmt.Errorf("attempt %d: status %d", i+1, spec.Status)
		}
		if spec.LatencyMS > MaxLatencyMS {
			return nil, fmt.Errorf("attempt %d: LatencyMS %d is over %d (an hour)", i+1, spec.LatencyMS, MaxLatencyMS)
		}
		a := newAttempt(spec, i+1, at)
		if a.succeeded() && i != len(specs)-1 {
			return nil, fmt.Errorf("attempt %d succeeded but is not the last", i+1)
		}
		out = append(out, a)
	}
	return out, nil
}

// newAttempt is attempt no, made at at, as spec describes it.
func newAttempt(spec AttemptSpec, no int, at time.Time) attempt {
	a := attempt{no: no, at: at, status: spec.Status, errText: spec.Error,
		latency: absent, processing: absent, dns: absent, tcp: absent, tls: absent, ttfb: absent,
		transfer: absent, retryAfter: absent}
	if no > 1 {
		a.retryType = hookscope.RetryFast
		if no > fastRetries+1 {
			a.retryType = hookscope.RetrySlow
		}
	}
	if spec.Status == 0 {
		a.errText = cmp.Or(a.errText, "dial tcp: connection refused")
		a.processing = 5
		return a
	}
	lat := spec.LatencyMS
	if lat <= 0 {
		lat = 120
	}
	a.latency, a.ttfb, a.transfer, a.processing = lat, max(lat-2, 0), min(lat, 2), lat+5
	if a.errText == "" && !a.succeeded() {
		a.errText = fmt.Sprintf("HTTP %d %s", spec.Status, http.StatusText(spec.Status))
	}
	return a
}

// setStatus sets msg's status from its attempts: queued without one,
// succeeded after a 2xx, failed_permanent when final or after maxAttempts,
// else pending_retry with the next attempt on the backoff schedule.
func setStatus(msg *message, final bool) {
	switch last := msg.lastAttempt(); {
	case last == nil:
		msg.status = hookscope.StatusQueued
	case last.succeeded():
		msg.status = hookscope.StatusSucceeded
	case final || len(msg.attempts) >= maxAttempts:
		msg.status = hookscope.StatusFailedPermanent
	default:
		msg.status = hookscope.StatusPendingRetry
		msg.nextAttemptAt = last.at.Add(retrySchedule[len(msg.attempts)-1])
		last.retryAfter = int64(retrySchedule[len(msg.attempts)-1] / time.Second)
	}
}

// addOutbound stores msg as a message to the live endpoint endpointID of
// any organization, drawing its ids.
func (s *store) addOutbound(endpointID string, msg *message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ownLocked()
	for _, o := range s.orgs {
		if ep := o.endpoint(endpointID); ep != nil {
			msg.org, msg.ep = o, ep
			break
		}
	}
	if msg.ep == nil {
		return fmt.Errorf("no endpoint %q", endpointID)
	}
	g := ids{rng: s.rng}
	msg.id = g.uuidV7(msg.createdAt)
	for i := range msg.attempts {
		a := &msg.attempts[i]
		a.id = g.uuidV7(a.at)
		if a.status != 0 {
			a.ip = msg.ep.ip
		}
	}
	s.addMessageLocked(msg)
	return nil
}
