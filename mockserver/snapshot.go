package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// SnapshotFormat and SnapshotVersion name the snapshot document that
// Snapshot writes and Restore reads. Restore reads every version up to
// SnapshotVersion and refuses a newer one.
//
// The document is one JSON object:
//
//	{"format": "hookscope-mock-snapshot", "version": 1,
//	 "seed": 1, "now": "2026-05-06T15:04:05Z",
//	 "default_org": "org_…", "api_key": "am_test_…", "secret": "…",
//	 "rate_limits": false,
//	 "keys": [{"token", "org", "plan", "scopes"}],
//	 "orgs": [{"id", "endpoints": [{"id", "name", "url", "kind", "is_active",
//	   "encrypted", "signing_secret", "app": {"id", "name"}, "event_types",
//	   "ip", "created_at", "updated_at", "deleted"}],
//	   "messages": [{"id", "inbound", "endpoint_id", "event_type",
//	   "resource_id", "payload", "created_at", "status", "next_attempt_at",
//	   "attempts": [{"id", "attempt_no", "created_at", "response_status",
//	   "response_latency_ms", "processing_ms", "dns_ms", "tcp_connect_ms",
//	   "tls_handshake_ms", "ttfb_ms", "transfer_ms", "conn_reused",
//	   "error_text", "retry_type", "retry_after_seconds", "resolved_ip",
//	   "response_body_truncated"}]}]}]}
//
// It keeps the records (keys with their tokens, webhooks, deleted ones
// included, messages and attempts), the clock's time and whether rate
// limiting is on. It does not keep faults, the request journal,
// Idempotency-Keys or rate-limit counts. The aggregates every endpoint
// reports are computed again from the records on Restore.
const (
	SnapshotFormat  = "hookscope-mock-snapshot"
	SnapshotVersion = 1
)

// SnapshotError is why Restore refused a document: the field at fault
// ("version", "orgs[0].messages[3].attempts", …) and what is wrong.
type SnapshotError struct {
	Field string
	Msg   string
}

func (e *SnapshotError) Error() string {
	return "mockserver: snapshot: " + e.Field + " " + e.Msg
}

func asSnapshotError(err error, target **SnapshotError) bool { return errors.As(err, target) }

func snapErr(field, format string, args ...any) *SnapshotError {
	return &SnapshotError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

type snapDoc struct {
	Format     string    `json:"format"`
	Version    int       `json:"version"`
	Seed       int64     `json:"seed"`
	Now        time.Time `json:"now"`
	DefaultOrg string    `json:"default_org"`
	APIKey     string    `json:"api_key"`
	Secret     string    `json:"secret"`
	RateLimits bool      `json:"rate_limits"`
	Keys       []snapKey `json:"keys"`
	Orgs       []snapOrg `json:"orgs"`
}

type snapKey struct {
	Token  string   `json:"token"`
	Org    string   `json:"org"`
	Plan   Plan     `json:"plan"`
	Scopes []string `json:"scopes"`
}

type snapOrg struct {
	ID        string         `json:"id"`
	Endpoints []snapEndpoint `json:"endpoints"`
	Messages  []snapMessage  `json:"messages"`
}

type snapApp struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type snapEndpoint struct {
	ID            string                 `json:"id"`
	Name          string                 `json:"name"`
	URL           string                 `json:"url"`
	Kind          hookscope.EndpointKind `json:"kind"`
	Active        bool                   `json:"is_active"`
	Encrypted     bool                   `json:"encrypted"`
	SigningSecret string                 `json:"signing_secret"`
	App           snapApp                `json:"app"`
	EventTypes    []string               `json:"event_types"`
	IP            string                 `json:"ip"`
	CreatedAt     time.Time              `json:"created_at"`
	UpdatedAt     time.Time              `json:"updated_at"`
	Deleted       bool                   `json:"deleted,omitempty"`
}

type snapMessage struct {
	ID            string                  `json:"id"`
	Inbound       bool                    `json:"inbound,omitempty"`
	EndpointID    string                  `json:"endpoint_id"`
	EventType     string                  `json:"event_type"`
	ResourceID    string                  `json:"resource_id"`
	Payload       json.RawMessage         `json:"payload"`
	CreatedAt     time.Time               `json:"created_at"`
	Status        hookscope.MessageStatus `json:"status"`
	NextAttemptAt *time.Time              `json:"next_attempt_at,omitempty"`
	Attempts      []snapAttempt           `json:"attempts"`
}

type snapAttempt struct {
	ID         string              `json:"id"`
	No         int                 `json:"attempt_no"`
	At         time.Time           `json:"created_at"`
	Status     int                 `json:"response_status,omitempty"`
	Latency    *int64              `json:"response_latency_ms,omitempty"`
	Processing *int64              `json:"processing_ms,omitempty"`
	DNS        *int64              `json:"dns_ms,omitempty"`
	TCP        *int64              `json:"tcp_connect_ms,omitempty"`
	TLS        *int64              `json:"tls_handshake_ms,omitempty"`
	TTFB       *int64              `json:"ttfb_ms,omitempty"`
	Transfer   *int64              `json:"transfer_ms,omitempty"`
	Reused     bool                `json:"conn_reused,omitempty"`
	Error      string              `json:"error_text,omitempty"`
	RetryType  hookscope.RetryType `json:"retry_type,omitempty"`
	RetryAfter *int64              `json:"retry_after_seconds,omitempty"`
	IP         string              `json:"resolved_ip,omitempty"`
	Truncated  bool                `json:"response_body_truncated,omitempty"`
}

// Snapshot writes the server's whole state as one versioned JSON document
// (see SnapshotFormat), which Restore reads back, here or in another
// process (hookscope-mock -state).
func (s *Server) Snapshot(w io.Writer) error {
	doc := s.snapshot()
	enc := json.NewEncoder(w)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("mockserver: Snapshot: %w", err)
	}
	return nil
}

func (s *Server) snapshot() *snapDoc {
	s.clockMu.Lock()
	defer s.clockMu.Unlock()
	id := s.id()
	doc := &snapDoc{Format: SnapshotFormat, Version: SnapshotVersion, Seed: s.dataSeed.Load(), Now: s.now(),
		DefaultOrg: id.defaultOrg, APIKey: id.apiKey, Secret: string(id.secret), RateLimits: s.RateLimits()}
	for _, k := range s.Keys() {
		doc.Keys = append(doc.Keys, snapKey{k.Token, k.Org, k.Plan, nonNil(k.Scopes)})
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	orgIDs := make([]string, 0, len(s.st.orgs))
	for oid := range s.st.orgs {
		orgIDs = append(orgIDs, oid)
	}
	slices.Sort(orgIDs)
	for _, oid := range orgIDs {
		o := s.st.orgs[oid]
		so := snapOrg{ID: oid, Endpoints: []snapEndpoint{}, Messages: []snapMessage{}}
		for _, ep := range o.endpoints {
			so.Endpoints = append(so.Endpoints, snapEndpoint{ID: ep.id, Name: ep.name, URL: ep.url, Kind: ep.kind,
				Active: ep.active, Encrypted: ep.encrypted, SigningSecret: ep.secret, App: snapApp{ep.app.ID, ep.app.Name},
				EventTypes: nonNil(slices.Clone(ep.eventTypes)), IP: ep.ip, CreatedAt: ep.createdAt, UpdatedAt: ep.updatedAt,
				Deleted: ep.deleted})
		}
		for _, ms := range [][]int32{o.outboundBy[filterKey{}], o.inbound} {
			for _, ref := range ms {
				so.Messages = append(so.Messages, snapMessageOf(o.view(ref)))
			}
		}
		doc.Orgs = append(doc.Orgs, so)
	}
	return doc
}

func snapMessageOf(m *message) snapMessage {
	sm := snapMessage{ID: m.id, Inbound: m.inbound, EndpointID: m.ep.id, EventType: m.eventType, ResourceID: m.resourceID,
		Payload: json.RawMessage(m.payloadJSON()), CreatedAt: m.createdAt, Status: m.status, Attempts: []snapAttempt{}}
	if m.status == hookscope.StatusPendingRetry {
		t := m.nextAttemptAt
		sm.NextAttemptAt = &t
	}
	for _, a := range m.attempts {
		sm.Attempts = append(sm.Attempts, snapAttempt{ID: a.id, No: a.no, At: a.at, Status: a.status,
			Latency: opt(a.latency), Processing: opt(a.processing), DNS: opt(a.dns), TCP: opt(a.tcp), TLS: opt(a.tls),
			TTFB: opt(a.ttfb), Transfer: opt(a.transfer), Reused: a.reused, Error: a.errText, RetryType: a.retryType,
			RetryAfter: opt(a.retryAfter), IP: a.ip, Truncated: a.truncated})
	}
	return sm
}

// Restore replaces the server's whole state with the document r holds (a
// Snapshot's): keys, webhooks, messages, the clock's time, whether rate
// limiting is on, and the default organization and its key (APIKey and
// DefaultOrgID then report the document's). Faults, the journal,
// Idempotency-Keys and rate-limit counts are cleared. A document that is
// not a snapshot, is corrupt, is inconsistent, or has a version newer than
// SnapshotVersion is refused with a *SnapshotError and changes nothing.
func (s *Server) Restore(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("mockserver: Restore: %w", err)
	}
	doc, err := parseSnapshot(raw)
	if err != nil {
		return err
	}
	id, st, err := buildSnapshot(doc)
	if err != nil {
		return err
	}
	s.clockMu.Lock()
	defer s.clockMu.Unlock()
	s.st.replace(st)
	s.ident.Store(id)
	s.dataSeed.Store(doc.Seed)
	s.clockOffset.Store(int64(doc.Now.Sub(s.cfg.clock().UTC())))
	s.ClearFaults()
	s.ClearRequests()
	s.idem.clear()
	s.SetRateLimits(doc.RateLimits)
	return nil
}

// parseSnapshot decodes raw strictly, its format and version first.
func parseSnapshot(raw []byte) (*snapDoc, error) {
	var head struct {
		Format  *string `json:"format"`
		Version *int    `json:"version"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, snapErr("body", "is not a JSON snapshot document: %v", err)
	}
	switch {
	case head.Format == nil || *head.Format != SnapshotFormat:
		return nil, snapErr("format", "must be %q", SnapshotFormat)
	case head.Version == nil:
		return nil, snapErr("version", "is missing")
	case *head.Version > SnapshotVersion:
		return nil, snapErr("version", "is %d, newer than this mock reads (%d): use a newer hookscope-mock", *head.Version, SnapshotVersion)
	case *head.Version < 1:
		return nil, snapErr("version", "must be between 1 and %d", SnapshotVersion)
	}
	var doc snapDoc
	if e := decodeStrict(raw, &doc); e != nil {
		return nil, snapErr(e.field, "%s", strings.TrimPrefix(e.msg, e.field+" "))
	}
	return &doc, nil
}

func inRange(t time.Time) bool { return !t.Before(minQueryTime) && t.Before(maxQueryTime) }

// buildSnapshot checks doc's records and builds a store of them, through
// the same inserts as generated and added records, so that every index and
// aggregate is computed from the records.
func buildSnapshot(doc *snapDoc) (*identity, *store, error) {
	switch {
	case !inRange(doc.Now):
		return nil, nil, snapErr("now", "is out of range")
	case doc.DefaultOrg == "":
		return nil, nil, snapErr("default_org", "is required")
	case doc.APIKey == "":
		return nil, nil, snapErr("api_key", "is required")
	case doc.Secret == "":
		return nil, nil, snapErr("secret", "is required")
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(doc.Secret))
	st := newStore(rand.New(rand.NewPCG(uint64(doc.Seed), h.Sum64())))
	st.orgLocked(doc.DefaultOrg)
	for i, k := range doc.Keys {
		field := fmt.Sprintf("keys[%d]", i)
		switch {
		case k.Token == "":
			return nil, nil, snapErr(field+".token", "is required")
		case k.Org == "":
			return nil, nil, snapErr(field+".org", "is required")
		case !slices.Contains([]Plan{PlanFree, PlanStarter, PlanPro, PlanEnterprise}, k.Plan):
			return nil, nil, snapErr(field+".plan", "must be free, starter, pro or enterprise")
		}
		if _, dup := st.keys[k.Token]; dup {
			return nil, nil, snapErr(field+".token", "repeats another key's")
		}
		for _, sc := range k.Scopes {
			if !slices.Contains(AllScopes(), sc) {
				return nil, nil, snapErr(field+".scopes", "holds %q, which is not a scope", sc)
			}
		}
		st.orgLocked(k.Org)
		st.keys[k.Token] = Key{Token: k.Token, Org: k.Org, Plan: k.Plan, Scopes: slices.Clone(k.Scopes)}
	}
	endpoints := map[string]bool{}
	for i, so := range doc.Orgs {
		field := fmt.Sprintf("orgs[%d]", i)
		if so.ID == "" {
			return nil, nil, snapErr(field+".id", "is required")
		}
		if o := st.orgs[so.ID]; o != nil && len(o.endpoints) > 0 {
			return nil, nil, snapErr(field+".id", "repeats another organization's")
		}
		o := st.orgLocked(so.ID)
		for j, se := range so.Endpoints {
			ep, err := se.endpoint(fmt.Sprintf("%s.endpoints[%d]", field, j))
			if err != nil {
				return nil, nil, err
			}
			if endpoints[ep.id] {
				return nil, nil, snapErr(fmt.Sprintf("%s.endpoints[%d].id", field, j), "repeats another endpoint's")
			}
			endpoints[ep.id] = true
			o.addEndpointLocked(ep)
		}
		for j, sm := range so.Messages {
			f := fmt.Sprintf("%s.messages[%d]", field, j)
			m, err := sm.message(f, o)
			if err != nil {
				return nil, nil, err
			}
			id, _ := parseUUID(m.id)
			if _, _, dup := st.findLocked("", id); dup {
				return nil, nil, snapErr(f+".id", "repeats another message's")
			}
			st.addMessageLocked(m)
		}
		o.endBulk()
	}
	return &identity{defaultOrg: doc.DefaultOrg, apiKey: doc.APIKey, secret: []byte(doc.Secret)}, st, nil
}

func (se *snapEndpoint) endpoint(field string) (*endpoint, error) {
	switch {
	case !endpointIDPattern(se.ID):
		return nil, snapErr(field+".id", "must match ^ep_[a-f0-9]{32}$")
	case se.Kind != hookscope.KindOrganization && se.Kind != hookscope.KindNumber:
		return nil, snapErr(field+".kind", "must be organization or number")
	case !strings.HasPrefix(se.SigningSecret, "whsec_"):
		return nil, snapErr(field+".signing_secret", "must start with whsec_")
	case !inRange(se.CreatedAt) || !inRange(se.UpdatedAt):
		return nil, snapErr(field+".created_at", "and updated_at must lie between years 1970 and 9999")
	}
	if e := checkHTTPSURL(&se.URL); e != nil {
		return nil, snapErr(field+".url", "must be a valid HTTPS URL")
	}
	return &endpoint{id: se.ID, name: se.Name, url: se.URL, kind: se.Kind, active: se.Active, encrypted: se.Encrypted,
		secret: se.SigningSecret, app: hookscope.App{ID: se.App.ID, Name: se.App.Name}, eventTypes: slices.Clone(se.EventTypes),
		ip: se.IP, createdAt: se.CreatedAt.UTC(), updatedAt: se.UpdatedAt.UTC(), deleted: se.Deleted}, nil
}

// maxSnapshotAttempts bounds one message's attempts in a snapshot.
const maxSnapshotAttempts = 10000

func (sm *snapMessage) message(field string, o *org) (*message, error) {
	ep := o.byEndpointID[sm.EndpointID]
	switch {
	case !uuidPattern.MatchString(sm.ID) || strings.ToLower(sm.ID) != sm.ID:
		return nil, snapErr(field+".id", "must be a lower-case UUID")
	case ep == nil:
		return nil, snapErr(field+".endpoint_id", "names no endpoint of the organization")
	case !inRange(sm.CreatedAt):
		return nil, snapErr(field+".created_at", "is out of range")
	case len(sm.Payload) == 0 || !json.Valid(sm.Payload):
		return nil, snapErr(field+".payload", "must be JSON")
	case len(sm.Attempts) > maxSnapshotAttempts:
		return nil, snapErr(field+".attempts", "must hold at most %d attempts", maxSnapshotAttempts)
	}
	m := &message{id: sm.ID, inbound: sm.Inbound, org: o, ep: ep, eventType: sm.EventType, resourceID: sm.ResourceID,
		payload: bytes.Clone(sm.Payload), createdAt: sm.CreatedAt.UTC(), status: sm.Status}
	for k, sa := range sm.Attempts {
		f := fmt.Sprintf("%s.attempts[%d]", field, k)
		switch {
		case sa.No != k+1:
			return nil, snapErr(f+".attempt_no", "must be %d", k+1)
		case !inRange(sa.At):
			return nil, snapErr(f+".created_at", "is out of range")
		case sa.Status != 0 && (sa.Status < 100 || sa.Status > 599):
			return nil, snapErr(f+".response_status", "must be absent or between 100 and 599")
		case !isUUID(sa.ID) || strings.ToLower(sa.ID) != sa.ID:
			return nil, snapErr(f+".id", "must be a lower-case UUID")
		case sa.RetryType != "" && sa.RetryType != hookscope.RetryFast && sa.RetryType != hookscope.RetrySlow:
			return nil, snapErr(f+".retry_type", "must be absent, fast or slow")
		}
		if name, ok := sa.tooLarge(); ok {
			return nil, snapErr(f+"."+name, "must be at most %d", maxInt32)
		}
		a := attempt{id: sa.ID, no: sa.No, at: sa.At.UTC(), status: sa.Status, latency: val(sa.Latency),
			processing: val(sa.Processing), dns: val(sa.DNS), tcp: val(sa.TCP), tls: val(sa.TLS), ttfb: val(sa.TTFB),
			transfer: val(sa.Transfer), reused: sa.Reused, errText: sa.Error, retryType: sa.RetryType,
			retryAfter: val(sa.RetryAfter), ip: sa.IP, truncated: sa.Truncated}
		if a.succeeded() && k != len(sm.Attempts)-1 {
			return nil, snapErr(f+".response_status", "is a 2xx but the attempt is not the last")
		}
		m.attempts = append(m.attempts, a)
	}
	last := m.lastAttempt()
	switch sm.Status {
	case hookscope.StatusSucceeded:
		if last == nil || !last.succeeded() {
			return nil, snapErr(field+".status", "is succeeded but the last attempt is not a 2xx")
		}
	case hookscope.StatusQueued, hookscope.StatusDelivering, hookscope.StatusFailedPermanent, hookscope.StatusPendingRetry:
		if last != nil && last.succeeded() {
			return nil, snapErr(field+".status", "is %s but the last attempt is a 2xx", sm.Status)
		}
	default:
		return nil, snapErr(field+".status", "must be queued, delivering, succeeded, pending_retry or failed_permanent")
	}
	if sm.Status == hookscope.StatusPendingRetry {
		if sm.NextAttemptAt == nil || !inRange(*sm.NextAttemptAt) {
			return nil, snapErr(field+".next_attempt_at", "is required on a pending_retry message")
		}
		m.nextAttemptAt = sm.NextAttemptAt.UTC()
	}
	return m, nil
}

// maxInt32 bounds the timings an attempt record holds.
const maxInt32 = 1<<31 - 1

// tooLarge names the first of sa's optional integer fields over maxInt32.
func (sa *snapAttempt) tooLarge() (string, bool) {
	for _, f := range []struct {
		name string
		v    *int64
	}{{"response_latency_ms", sa.Latency}, {"processing_ms", sa.Processing}, {"dns_ms", sa.DNS},
		{"tcp_connect_ms", sa.TCP}, {"tls_handshake_ms", sa.TLS}, {"ttfb_ms", sa.TTFB}, {"transfer_ms", sa.Transfer},
		{"retry_after_seconds", sa.RetryAfter}} {
		if f.v != nil && *f.v > maxInt32 {
			return f.name, true
		}
	}
	return "", false
}

// isUUID reports whether s is a UUID in its canonical text form.
func isUUID(s string) bool {
	_, ok := parseUUID(s)
	return ok
}

// val is an optional integer field as the attempt holds it.
func val(p *int64) int64 {
	if p == nil || *p < 0 {
		return absent
	}
	return *p
}
