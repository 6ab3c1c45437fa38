package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// maxBodyBytes bounds a webhook create or update body.
const maxBodyBytes = 1 << 20

// round2 rounds to two decimals.
func round2(f float64) float64 { return math.Round(f*100) / 100 }

// renderWebhook is ep as the webhooks endpoints answer it, its delivery_stats
// computed from the endpoint's aggregates (see the package doc for their
// definitions). Callers hold st.mu for reading.
func renderWebhook(o *org, ep *endpoint, now time.Time, events int) hookscope.Webhook {
	wh := hookscope.Webhook{
		ID: ep.id, Name: ep.name, URL: ep.url, Kind: ep.kind, IsActive: ep.active, Encrypted: ep.encrypted,
		SigningSecret: hookscope.Secret(ep.secret), EventTypes: slices.Clone(ep.eventTypes),
		CreatedAt: ep.createdAt, UpdatedAt: ep.updatedAt, App: ep.app,
	}
	wh.DeliveryStats = deliveryStats(o, ep, now)
	ms := o.idx[filterKey{ep: ep.id}]
	if events > 0 {
		wh.RecentEvents = []hookscope.WebhookEvent{}
		for i := len(ms) - 1; i >= 0 && len(wh.RecentEvents) < events; i-- {
			wh.RecentEvents = append(wh.RecentEvents, recentEvent(ms[i]))
		}
	}
	return wh
}

// deliveryStats is ep's delivery_stats at now, from its running aggregates
// and binary searches in its time-ordered messages and failed attempts: no
// scan of messages. Callers hold st.mu for reading.
func deliveryStats(o *org, ep *endpoint, now time.Time) hookscope.DeliveryStats {
	var st hookscope.DeliveryStats
	st.TotalEvents = ep.total
	st.SuccessfulDeliveries = ep.succeeded
	st.FailedDeliveries = ep.failedAttempts
	if !ep.lastAttempt.IsZero() {
		st.LastDelivery = new(ep.lastAttempt)
	}
	if ep.total > 0 {
		st.SuccessRate = round2(float64(ep.succeeded) / float64(ep.total) * 100)
	}
	if ep.latencyN > 0 {
		st.AverageResponseTime = round2(float64(ep.latencySum) / float64(ep.latencyN))
	}
	ms := o.idx[filterKey{ep: ep.id}]
	dayAgo := now.Add(-24 * time.Hour)
	st.Last24hEvents = int64(firstAfter(ms, now) - firstAfter(ms, dayAgo))
	nowNS, dayAgoNS := now.UnixNano(), dayAgo.UnixNano()
	after := func(t int64) int {
		return sort.Search(len(ep.failTimes), func(i int) bool { return ep.failTimes[i] > t })
	}
	st.Last24hFailures = int64(after(nowNS) - after(dayAgoNS))
	return st
}

// recentEvent is m as a webhook's recent event: delivered (succeeded),
// failed (failed_permanent) or pending (anything else), with its last attempt.
func recentEvent(m *message) hookscope.WebhookEvent {
	ev := hookscope.WebhookEvent{ID: m.id, EventType: m.eventType, CreatedAt: m.createdAt,
		DeliveryStatus: hookscope.DeliveryPending, RetryCount: max(len(m.attempts)-1, 0)}
	switch m.status {
	case hookscope.StatusSucceeded:
		ev.DeliveryStatus = hookscope.DeliveryDelivered
	case hookscope.StatusFailedPermanent:
		ev.DeliveryStatus = hookscope.DeliveryFailed
	}
	if last := m.lastAttempt(); last != nil {
		ev.DeliveredAt = new(last.at)
		if last.status != 0 {
			ev.ResponseCode = new(last.status)
		}
		if last.latency != absent {
			ev.ResponseTime = new(float64(last.latency))
		}
		if !last.succeeded() {
			ev.ErrorMessage = last.errText
		}
	}
	return ev
}

func checkWebhookID(id string) *apiError {
	if !isEndpointID(id) {
		return invalid("webhook_id", "must match ^ep_[a-f0-9]{32}$")
	}
	return nil
}

var errWebhookNotFound = notFound(hookscope.CodeWebhookNotFound, "webhook not found")

// handleWebhookGet serves GET /api/v0/webhooks/{webhook_id}.
func (s *Server) handleWebhookGet(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	id := rc.params["webhook_id"]
	err := checkWebhookID(id)
	include := false
	if err == nil {
		include, err = queryBool(rc.query, "include_events", false)
	}
	limit := 0
	if err == nil {
		limit, err = queryInt(rc.query, "events_limit", hookscope.WebhookEventsDefaultLimit, 1, hookscope.WebhookEventsMaxLimit)
	}
	if err != nil {
		s.writeError(w, rc, err)
		return
	}
	if !include {
		limit = 0
	}
	now := s.now()
	bp := getBuf()
	b := (*bp)[:0]
	s.st.mu.RLock()
	o := s.st.orgs[rc.key.Org]
	ep := o.endpoint(id)
	if ep != nil {
		b = appendWebhookLocked(b, o, ep, now, limit)
	}
	s.st.mu.RUnlock()
	if ep == nil {
		bufPool.Put(bp)
		s.writeError(w, rc, errWebhookNotFound)
		return
	}
	s.writeBuf(w, http.StatusOK, bp, b)
}

// handleWebhookList serves GET /api/v0/webhooks: live webhooks by
// (created_at, id), keyset-paged, each with its delivery_stats.
func (s *Server) handleWebhookList(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	limit, err := queryInt(rc.query, "limit", hookscope.WebhooksDefaultLimit, 1, hookscope.WebhooksMaxLimit)
	var cur cursor
	hasCursor := false
	if err == nil {
		var raw string
		raw, hasCursor, err = queryValue(rc.query, "cursor")
		if err == nil && hasCursor {
			cur, err = s.decodeCursor(raw, "webhooks", "")
		}
	}
	if err != nil {
		s.writeError(w, rc, err)
		return
	}
	now := s.now()
	s.st.mu.RLock()
	o := s.st.orgs[rc.key.Org]
	eps := o.liveEndpoints()
	lo := 0
	if hasCursor {
		t := cur.time()
		lo = sort.Search(len(eps), func(i int) bool {
			c := eps[i].createdAt.Compare(t)
			return c > 0 || (c == 0 && eps[i].id > cur.ID)
		})
	}
	hi := min(lo+limit, len(eps))
	bp := getBuf()
	b := append((*bp)[:0], `{"data":[`...)
	for i, ep := range eps[lo:hi] {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendWebhookLocked(b, o, ep, now, 0)
	}
	hasMore := hi < len(eps)
	var next *string
	if hasMore {
		last := eps[hi-1]
		next = new(s.encodeCursor(cursor{Kind: "webhooks", TimeNS: last.createdAt.UnixNano(), ID: last.id}))
	}
	s.st.mu.RUnlock()
	b = append(b, `],"meta":`...)
	b = appendListMeta(b, listMeta{NextCursor: next, HasMore: hasMore})
	s.writeBuf(w, http.StatusOK, bp, append(b, '}'))
}

// webhookBody is the body of a create or update; nil fields were not sent.
type webhookBody struct {
	Name       *string   `json:"name"`
	URL        *string   `json:"url"`
	IsActive   *bool     `json:"isActive"`
	Kind       *string   `json:"kind"`
	Encrypted  *bool     `json:"encrypted"`
	EventTypes *[]string `json:"event_types"`
}

// decodeBody reads a JSON object into v; any failure names the field at
// fault, or "body".
func decodeBody(r *http.Request, v any) *apiError {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return invalid("body", "could not be read")
	}
	if len(raw) > maxBodyBytes {
		return invalid("body", "is larger than %d bytes", maxBodyBytes)
	}
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return invalid("body", "must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return invalid(typeErr.Field, "has the wrong type (want %s)", typeErr.Type)
		}
		return invalid("body", "must be a JSON object")
	}
	if dec.More() {
		return invalid("body", "must hold one JSON object")
	}
	return nil
}

func checkName(name *string) *apiError {
	if name == nil || strings.TrimSpace(*name) == "" {
		return invalid("name", "is required")
	}
	if len(*name) > 200 {
		return invalid("name", "must be at most 200 characters")
	}
	return nil
}

// checkHTTPSURL applies API.md's rule: an absolute https URL with a host.
func checkHTTPSURL(raw *string) *apiError {
	bad := &apiError{status: http.StatusBadRequest, code: codeInvalidRequest, field: "url", msg: "url must be a valid HTTPS URL"}
	if raw == nil || len(*raw) > 2048 {
		return bad
	}
	u, err := url.Parse(*raw)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" || u.User != nil {
		return bad
	}
	return nil
}

// handleWebhookCreate serves POST /api/v0/webhooks (201). An Idempotency-Key
// seen before from the same organization replays the first answer and
// creates nothing; so do PATCH and DELETE, so that a retried write whose
// answer was lost is applied once.
func (s *Server) handleWebhookCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	var body webhookBody
	err := decodeBody(r, &body)
	if err == nil {
		err = checkName(body.Name)
	}
	if err == nil {
		err = checkHTTPSURL(body.URL)
	}
	kind := hookscope.KindOrganization
	if err == nil && body.Kind != nil {
		switch k := hookscope.EndpointKind(*body.Kind); k {
		case hookscope.KindOrganization, hookscope.KindNumber:
			kind = k
		default:
			err = invalid("kind", "must be one of organization, number")
		}
	}
	if err == nil && body.EventTypes != nil {
		if len(*body.EventTypes) > 100 || slices.Contains(*body.EventTypes, "") {
			err = invalid("event_types", "must hold at most 100 non-empty event types")
		}
	}
	idem, ok := s.beginWrite(w, r, rc, err)
	if !ok {
		return
	}
	now := s.now().Truncate(time.Millisecond)
	o := s.st.orgs[rc.key.Org]
	g := ids{rng: s.rng}
	events := slices.Clone(orgEvents)
	if kind == hookscope.KindNumber {
		events = slices.Clone(numberEvents)
	}
	if body.EventTypes != nil {
		events = slices.Clone(*body.EventTypes)
	}
	ep := &endpoint{
		id: g.endpointID(), name: strings.TrimSpace(*body.Name), url: *body.URL, kind: kind,
		active: body.IsActive == nil || *body.IsActive, encrypted: body.Encrypted != nil && *body.Encrypted,
		secret: g.signingSecret(), app: apps[0], eventTypes: events,
		ip:        fmt.Sprintf("198.51.100.%d", 1+len(o.endpoints)%250),
		createdAt: now, updatedAt: now,
	}
	o.addEndpointLocked(ep)
	wh := renderWebhook(o, ep, now, 0)
	b, merr := json.Marshal(wh)
	if merr == nil {
		s.rememberLocked(idem, http.StatusCreated, b)
	}
	s.st.mu.Unlock()
	if merr != nil {
		s.writeError(w, rc, errInternal("encoding the response failed"))
		return
	}
	s.writeRaw(w, http.StatusCreated, b)
}

// beginWrite starts a write: it answers a request that failed validation
// (err) or whose Idempotency-Key repeats an earlier write (with that write's
// first answer, written after the lock is released) and reports false;
// otherwise it returns the request's idem key with st.mu held for writing.
func (s *Server) beginWrite(w http.ResponseWriter, r *http.Request, rc *reqCtx, err *apiError) (idem string, ok bool) {
	if err == nil {
		if key := r.Header.Get("Idempotency-Key"); len(key) > 255 {
			err = invalid("Idempotency-Key", "must be at most 255 characters")
		} else {
			idem = idemKey(r.Method, rc.key.Org, key)
		}
	}
	if err != nil {
		s.writeError(w, rc, err)
		return "", false
	}
	s.st.mu.Lock()
	ans, seen := s.st.idem[idem]
	if idem == "" || !seen {
		return idem, true
	}
	s.st.mu.Unlock()
	if ans.body == nil {
		w.WriteHeader(ans.status)
	} else {
		s.writeRaw(w, ans.status, ans.body)
	}
	return "", false
}

// rememberLocked stores the first answer of a write with an
// Idempotency-Key. Callers hold st.mu for writing.
func (s *Server) rememberLocked(idem string, status int, body []byte) {
	if idem != "" {
		s.st.idem[idem] = idemAnswer{status: status, body: body}
	}
}

// handleWebhookUpdate serves PATCH /api/v0/webhooks/{webhook_id}: name, url
// and isActive, each only when sent.
func (s *Server) handleWebhookUpdate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	id := rc.params["webhook_id"]
	err := checkWebhookID(id)
	var body webhookBody
	if err == nil {
		err = decodeBody(r, &body)
	}
	if err == nil && body.Name != nil {
		err = checkName(body.Name)
	}
	if err == nil && body.URL != nil {
		err = checkHTTPSURL(body.URL)
	}
	idem, ok := s.beginWrite(w, r, rc, err)
	if !ok {
		return
	}
	now := s.now().Truncate(time.Millisecond)
	o := s.st.orgs[rc.key.Org]
	ep := o.endpoint(id)
	if ep == nil {
		s.st.mu.Unlock()
		s.writeError(w, rc, errWebhookNotFound)
		return
	}
	if body.Name != nil {
		ep.name = strings.TrimSpace(*body.Name)
	}
	if body.URL != nil {
		ep.url = *body.URL
	}
	if body.IsActive != nil {
		ep.active = *body.IsActive
	}
	if now.After(ep.updatedAt) {
		ep.updatedAt = now
	}
	wh := renderWebhook(o, ep, now, 0)
	b, merr := json.Marshal(wh)
	if merr == nil {
		s.rememberLocked(idem, http.StatusOK, b)
	}
	s.st.mu.Unlock()
	if merr != nil {
		s.writeError(w, rc, errInternal("encoding the response failed"))
		return
	}
	s.writeRaw(w, http.StatusOK, b)
}

// handleWebhookDelete serves DELETE /api/v0/webhooks/{webhook_id} (204).
// Its messages stay in the logs and metrics; the webhook itself is gone.
func (s *Server) handleWebhookDelete(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	id := rc.params["webhook_id"]
	idem, ok := s.beginWrite(w, r, rc, checkWebhookID(id))
	if !ok {
		return
	}
	ep := s.st.orgs[rc.key.Org].endpoint(id)
	if ep != nil {
		ep.deleted = true
		s.rememberLocked(idem, http.StatusNoContent, nil)
	}
	s.st.mu.Unlock()
	if ep == nil {
		s.writeError(w, rc, errWebhookNotFound)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
