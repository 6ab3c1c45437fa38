package mockserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The admin API's handlers parse, call the Server's exported method that
// does the work (the one implementation a Go test also calls), and answer.

type adminHealthResp struct {
	Status   string `json:"status"`
	Now      string `json:"now"`
	Messages int    `json:"messages"`
}

func (s *Server) adminHealth(w http.ResponseWriter, _ *http.Request, _ url.Values, _ string) *apiError {
	h := s.Health()
	return writeAdminJSON(w, http.StatusOK, adminHealthResp{"ok", formatTime(h.Now), h.Messages})
}

// formatTime is t in RFC 3339 UTC with the milliseconds it has.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

type adminKey struct {
	Token  string   `json:"token"`
	Org    string   `json:"org"`
	Plan   Plan     `json:"plan"`
	Scopes []string `json:"scopes"`
}

// redactToken keeps a token's prefix up to its last "_" (at most 12
// characters) and hides the rest.
func redactToken(token string) string {
	prefix := ""
	if i := strings.LastIndexByte(token, '_'); i >= 0 && i < 12 && i < len(token)-1 {
		prefix = token[:i+1]
	}
	return prefix + "[REDACTED]"
}

func (s *Server) adminKeys(w http.ResponseWriter, _ *http.Request, _ url.Values, _ string) *apiError {
	keys := s.Keys()
	out := make([]adminKey, 0, len(keys))
	for _, k := range keys {
		out = append(out, adminKey{redactToken(k.Token), k.Org, k.Plan, nonNil(k.Scopes)})
	}
	return writeAdminJSON(w, http.StatusOK, struct {
		Data []adminKey `json:"data"`
	}{out})
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

type adminKeyBody struct {
	Token  *string   `json:"token"`
	Org    *string   `json:"org"`
	Plan   *string   `json:"plan"`
	Scopes *[]string `json:"scopes"`
}

// maxTokenLen bounds a key's token and an organization's id.
const maxTokenLen = 200

func checkToken(field, v string) *apiError {
	switch {
	case len(v) > maxTokenLen:
		return invalid(field, "must be at most %d characters", maxTokenLen)
	case strings.TrimSpace(v) != v || strings.ContainsAny(v, " \t\r\n"):
		return invalid(field, "must not contain spaces")
	}
	for _, r := range v {
		if r < 0x21 || r > 0x7e {
			return invalid(field, "must be printable ASCII")
		}
	}
	return nil
}

func (s *Server) adminAddKey(w http.ResponseWriter, r *http.Request, _ url.Values, _ string) *apiError {
	var b adminKeyBody
	if e := decodeAdminBody(w, r, &b); e != nil {
		return e
	}
	k := Key{Plan: PlanFree, Scopes: AllScopes()}
	if b.Token != nil {
		if *b.Token == "" {
			return invalid("token", "must not be empty (leave it out to get a new one)")
		}
		if e := checkToken("token", *b.Token); e != nil {
			return e
		}
		k.Token = *b.Token
	} else {
		k.Token = "am_test_" + randomHex(16)
	}
	if b.Org != nil {
		if e := checkToken("org", *b.Org); e != nil {
			return e
		}
		k.Org = *b.Org
	}
	if b.Plan != nil {
		switch p := Plan(*b.Plan); p {
		case PlanFree, PlanStarter, PlanPro, PlanEnterprise:
			k.Plan = p
		default:
			return invalid("plan", "must be free, starter, pro or enterprise")
		}
	}
	if b.Scopes != nil {
		if len(*b.Scopes) > 20 {
			return invalid("scopes", "must hold at most 20 scopes")
		}
		for _, sc := range *b.Scopes {
			if !slices.Contains(AllScopes(), sc) {
				return invalid("scopes", "holds %q, which is not a scope (%s)", sc, strings.Join(AllScopes(), ", "))
			}
		}
		k.Scopes = slices.Compact(slices.Sorted(slices.Values(*b.Scopes)))
	}
	s.AddKey(k)
	if k.Org == "" {
		k.Org = s.DefaultOrgID()
	}
	return writeAdminJSON(w, http.StatusCreated, adminKey{k.Token, k.Org, k.Plan, nonNil(k.Scopes)})
}

func (s *Server) adminRemoveKey(w http.ResponseWriter, _ *http.Request, _ url.Values, token string) *apiError {
	if !s.RemoveKey(token) {
		return &apiError{status: http.StatusNotFound, code: "KEY_NOT_FOUND", msg: "no such key"}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type adminMessage struct {
	ID            string  `json:"id"`
	Direction     string  `json:"direction"`
	Org           string  `json:"org"`
	EndpointID    string  `json:"endpoint_id"`
	EventType     string  `json:"event_type"`
	Status        string  `json:"status"`
	CreatedAt     string  `json:"created_at"`
	Attempts      int     `json:"attempts"`
	NextAttemptAt *string `json:"next_attempt_at,omitempty"`
}

func (s *Server) adminMessages(w http.ResponseWriter, _ *http.Request, q url.Values, _ string) *apiError {
	mq := MessageQuery{Org: q.Get("org"), Direction: q.Get("direction"), Cursor: q.Get("cursor")}
	if v := q.Get("limit"); v != "" || q.Has("limit") {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxMessagesLimit {
			return invalid("limit", "must be an integer between 1 and %d", maxMessagesLimit)
		}
		mq.Limit = n
	}
	if q.Has("cursor") && mq.Cursor == "" {
		return invalid("cursor", "must not be empty")
	}
	page, e := s.messages(mq)
	if e != nil {
		return e
	}
	out := make([]adminMessage, 0, len(page.Messages))
	for _, m := range page.Messages {
		am := adminMessage{m.ID, m.Direction, m.Org, m.EndpointID, m.EventType, string(m.Status), formatTime(m.CreatedAt), m.Attempts, nil}
		if !m.NextAttemptAt.IsZero() {
			t := formatTime(m.NextAttemptAt)
			am.NextAttemptAt = &t
		}
		out = append(out, am)
	}
	var next *string
	if page.NextCursor != "" {
		next = &page.NextCursor
	}
	return writeAdminJSON(w, http.StatusOK, struct {
		Data []adminMessage `json:"data"`
		Meta struct {
			NextCursor *string `json:"next_cursor"`
			HasMore    bool    `json:"has_more"`
		} `json:"meta"`
	}{Data: out, Meta: struct {
		NextCursor *string `json:"next_cursor"`
		HasMore    bool    `json:"has_more"`
	}{next, next != nil}})
}

type adminMessageBody struct {
	EndpointID *string            `json:"endpoint_id"`
	EventType  *string            `json:"event_type"`
	Payload    json.RawMessage    `json:"payload"`
	CreatedAt  *time.Time         `json:"created_at"`
	Attempts   []adminAttemptBody `json:"attempts"`
	Final      *bool              `json:"final"`
}

type adminAttemptBody struct {
	At        *time.Time `json:"at"`
	Status    *int       `json:"status"`
	Error     *string    `json:"error"`
	LatencyMS *int64     `json:"latency_ms"`
}

func (s *Server) adminAddMessage(w http.ResponseWriter, r *http.Request, _ url.Values, _ string) *apiError {
	var b adminMessageBody
	if e := decodeAdminBody(w, r, &b); e != nil {
		return e
	}
	m, e := b.message()
	if e != nil {
		return e
	}
	if !s.st.hasEndpoint(m.EndpointID) {
		return invalid("endpoint_id", "names no live webhook")
	}
	id, err := s.AddMessage(m)
	if err != nil {
		return invalid("body", "%s", strings.TrimPrefix(err.Error(), "mockserver: AddMessage: "))
	}
	return writeAdminJSON(w, http.StatusCreated, struct {
		ID string `json:"id"`
	}{id})
}

// message checks b field by field and returns the Message it describes.
func (b *adminMessageBody) message() (Message, *apiError) {
	var m Message
	if b.EndpointID == nil || *b.EndpointID == "" {
		return m, invalid("endpoint_id", "is required")
	}
	if !endpointIDPattern(*b.EndpointID) {
		return m, invalid("endpoint_id", "must match ^ep_[a-f0-9]{32}$")
	}
	m.EndpointID = *b.EndpointID
	if b.EventType != nil {
		if *b.EventType == "" || len(*b.EventType) > 200 {
			return m, invalid("event_type", "must be 1 to 200 characters")
		}
		m.EventType = *b.EventType
	}
	if len(b.Payload) > 0 && !bytes.Equal(bytes.TrimSpace(b.Payload), []byte("null")) {
		m.Payload = b.Payload
	}
	if b.CreatedAt != nil {
		if b.CreatedAt.Before(minQueryTime) || !b.CreatedAt.Before(maxQueryTime) {
			return m, invalid("created_at", "is out of range")
		}
		m.CreatedAt = *b.CreatedAt
	}
	if len(b.Attempts) > maxAttempts {
		return m, invalid("attempts", "must hold at most %d attempts", maxAttempts)
	}
	for i, a := range b.Attempts {
		field := "attempts[" + strconv.Itoa(i) + "]"
		var spec AttemptSpec
		if a.At != nil {
			if a.At.Before(minQueryTime) || !a.At.Before(maxQueryTime) {
				return m, invalid(field+".at", "is out of range")
			}
			spec.At = *a.At
		}
		if a.Status == nil {
			return m, invalid(field+".status", "is required (0 is a network error)")
		}
		if *a.Status != 0 && (*a.Status < 100 || *a.Status > 599) {
			return m, invalid(field+".status", "must be 0 or between 100 and 599")
		}
		if ok := *a.Status >= 200 && *a.Status <= 299; ok && i != len(b.Attempts)-1 {
			return m, invalid(field+".status", "is a 2xx but the attempt is not the last")
		}
		spec.Status = *a.Status
		if a.Error != nil {
			if len(*a.Error) > 2000 {
				return m, invalid(field+".error", "must be at most 2000 characters")
			}
			spec.Error = *a.Error
		}
		if a.LatencyMS != nil {
			if *a.LatencyMS < 0 || *a.LatencyMS > MaxLatencyMS {
				return m, invalid(field+".latency_ms", "must be between 0 and %d", MaxLatencyMS)
			}
			spec.LatencyMS = *a.LatencyMS
		}
		m.Attempts = append(m.Attempts, spec)
	}
	if b.Final != nil {
		m.Final = *b.Final
	}
	return m, nil
}

// endpointIDPattern reports whether id matches ^ep_[a-f0-9]{32}$.
func endpointIDPattern(id string) bool {
	hexPart, ok := strings.CutPrefix(id, "ep_")
	if !ok || len(hexPart) != 32 {
		return false
	}
	for _, c := range hexPart {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// hasEndpoint reports whether a live endpoint of any organization has id.
func (s *store) hasEndpoint(id string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, o := range s.orgs {
		if o.endpoint(id) != nil {
			return true
		}
	}
	return false
}

type adminFault struct {
	Path       string `json:"path"`
	Method     string `json:"method,omitempty"`
	Status     int    `json:"status,omitempty"`
	RetryAfter string `json:"retry_after,omitempty"`
	Delay      string `json:"delay,omitempty"`
	Drop       bool   `json:"drop,omitempty"`
	Times      int    `json:"times"`
}

func (s *Server) adminFaults(w http.ResponseWriter, _ *http.Request, _ url.Values, _ string) *apiError {
	fs := s.Faults()
	out := make([]adminFault, 0, len(fs))
	for _, f := range fs {
		af := adminFault{Path: f.Path, Method: f.Method, Status: f.Status, Drop: f.Drop, Times: f.Times}
		if f.RetryAfter > 0 {
			af.RetryAfter = f.RetryAfter.String()
		}
		if f.Delay > 0 {
			af.Delay = f.Delay.String()
		}
		out = append(out, af)
	}
	return writeAdminJSON(w, http.StatusOK, struct {
		Data []adminFault `json:"data"`
	}{out})
}

type adminFaultBody struct {
	Path       *string `json:"path"`
	Method     *string `json:"method"`
	Status     *int    `json:"status"`
	RetryAfter *string `json:"retry_after"`
	Delay      *string `json:"delay"`
	Drop       *bool   `json:"drop"`
	Times      *int    `json:"times"`
}

// parseDuration reads a duration field ("250ms", "2s", "90m").
func parseDuration(field string, v *string) (time.Duration, *apiError) {
	if v == nil {
		return 0, nil
	}
	d, err := time.ParseDuration(*v)
	if err != nil {
		return 0, invalid(field, "must be a duration such as \"250ms\", \"2s\" or \"90m\"")
	}
	return d, nil
}

func (s *Server) adminInjectFault(w http.ResponseWriter, r *http.Request, _ url.Values, _ string) *apiError {
	var b adminFaultBody
	if e := decodeAdminBody(w, r, &b); e != nil {
		return e
	}
	var f Fault
	if b.Path != nil {
		f.Path = *b.Path
	}
	if b.Method != nil {
		f.Method = *b.Method
	}
	if b.Status != nil {
		f.Status = *b.Status
	}
	var e *apiError
	if f.RetryAfter, e = parseDuration("retry_after", b.RetryAfter); e != nil {
		return e
	}
	if f.Delay, e = parseDuration("delay", b.Delay); e != nil {
		return e
	}
	if b.Drop != nil {
		f.Drop = *b.Drop
	}
	if b.Times != nil {
		f.Times = *b.Times
	}
	if e := checkFault(f); e != nil {
		return e
	}
	s.InjectFault(f)
	af := adminFault{Path: f.Path, Method: f.Method, Status: f.Status, Drop: f.Drop, Times: f.Times}
	if f.RetryAfter > 0 {
		af.RetryAfter = f.RetryAfter.String()
	}
	if f.Delay > 0 {
		af.Delay = f.Delay.String()
	}
	return writeAdminJSON(w, http.StatusCreated, af)
}

func (s *Server) adminClearFaults(w http.ResponseWriter, _ *http.Request, _ url.Values, _ string) *apiError {
	s.ClearFaults()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type adminRequest struct {
	Method  string              `json:"method"`
	Path    string              `json:"path"`
	Query   map[string][]string `json:"query"`
	Headers map[string][]string `json:"headers"`
	Status  int                 `json:"status"`
	// Truncated: the journal cut the request's long values.
	Truncated bool `json:"truncated,omitempty"`
}

const (
	defaultRequestsLimit = 100
	maxRequestsLimit     = 10000
)

func (s *Server) adminRequests(w http.ResponseWriter, _ *http.Request, q url.Values, _ string) *apiError {
	limit := defaultRequestsLimit
	if q.Has("limit") {
		n, err := strconv.Atoi(q.Get("limit"))
		if err != nil || n < 1 || n > maxRequestsLimit {
			return invalid("limit", "must be an integer between 1 and %d", maxRequestsLimit)
		}
		limit = n
	}
	status := -1
	if q.Has("status") {
		n, err := strconv.Atoi(q.Get("status"))
		if err != nil || n < 0 || n > 599 {
			return invalid("status", "must be an HTTP status (0: no answer)")
		}
		status = n
	}
	method := q.Get("method")
	if q.Has("method") && method == "" {
		return invalid("method", "must not be empty")
	}
	path := q.Get("path")
	if q.Has("path") && !strings.HasPrefix(path, "/") {
		return invalid("path", "must start with /")
	}
	recs := s.Requests()
	out := make([]adminRequest, 0, min(limit, len(recs)))
	for i := len(recs) - 1; i >= 0 && len(out) < limit; i-- {
		rec := recs[i]
		if (path != "" && rec.Path != path) || (method != "" && !strings.EqualFold(rec.Method, method)) || (status >= 0 && rec.Status != status) {
			continue
		}
		query := map[string][]string(rec.Query)
		if query == nil {
			query = map[string][]string{}
		}
		headers := map[string][]string(rec.Header)
		if headers == nil {
			headers = map[string][]string{}
		}
		out = append(out, adminRequest{rec.Method, rec.Path, query, headers, rec.Status, rec.Truncated})
	}
	return writeAdminJSON(w, http.StatusOK, struct {
		Data []adminRequest `json:"data"`
	}{out})
}

func (s *Server) adminClearRequests(w http.ResponseWriter, _ *http.Request, _ url.Values, _ string) *apiError {
	s.ClearRequests()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type adminClockResp struct {
	Now string `json:"now"`
}

func (s *Server) adminClock(w http.ResponseWriter, _ *http.Request, _ url.Values, _ string) *apiError {
	return writeAdminJSON(w, http.StatusOK, adminClockResp{formatTime(s.Now())})
}

func (s *Server) adminSetClock(w http.ResponseWriter, r *http.Request, _ url.Values, _ string) *apiError {
	var b struct {
		Now *string `json:"now"`
	}
	if e := decodeAdminBody(w, r, &b); e != nil {
		return e
	}
	if b.Now == nil {
		return invalid("now", "is required (RFC 3339)")
	}
	t, err := time.Parse(time.RFC3339Nano, *b.Now)
	if err != nil {
		return invalid("now", "must be an RFC 3339 time such as 2026-05-06T15:04:05Z")
	}
	if err := s.SetClock(t); err != nil {
		return invalid("now", "must lie between years 1970 and 9999")
	}
	return writeAdminJSON(w, http.StatusOK, adminClockResp{formatTime(s.Now())})
}

func (s *Server) adminAdvanceClock(w http.ResponseWriter, r *http.Request, _ url.Values, _ string) *apiError {
	var b struct {
		By *string `json:"by"`
	}
	if e := decodeAdminBody(w, r, &b); e != nil {
		return e
	}
	if b.By == nil {
		return invalid("by", "is required (a duration such as \"90m\")")
	}
	d, e := parseDuration("by", b.By)
	if e != nil {
		return e
	}
	if d <= 0 {
		return invalid("by", "must be positive")
	}
	if err := s.AdvanceClock(d); err != nil {
		return invalid("by", "moves the clock past year 9999")
	}
	return writeAdminJSON(w, http.StatusOK, adminClockResp{formatTime(s.Now())})
}

type adminRateLimits struct {
	Enabled bool `json:"enabled"`
}

func (s *Server) adminRateLimits(w http.ResponseWriter, _ *http.Request, _ url.Values, _ string) *apiError {
	return writeAdminJSON(w, http.StatusOK, adminRateLimits{s.RateLimits()})
}

func (s *Server) adminSetRateLimits(w http.ResponseWriter, r *http.Request, _ url.Values, _ string) *apiError {
	var b struct {
		Enabled *bool `json:"enabled"`
	}
	if e := decodeAdminBody(w, r, &b); e != nil {
		return e
	}
	if b.Enabled == nil {
		return invalid("enabled", "is required (true or false)")
	}
	s.SetRateLimits(*b.Enabled)
	return writeAdminJSON(w, http.StatusOK, adminRateLimits{s.RateLimits()})
}

func (s *Server) adminReset(w http.ResponseWriter, r *http.Request, _ url.Values, _ string) *apiError {
	if raw, e := readAdminBody(w, r, maxAdminBody); e != nil {
		return e
	} else if len(bytes.TrimSpace(raw)) > 0 {
		return invalid("body", "must be empty")
	}
	s.Reset()
	h := s.Health()
	return writeAdminJSON(w, http.StatusOK, adminHealthResp{"ok", formatTime(h.Now), h.Messages})
}

func (s *Server) adminSnapshot(w http.ResponseWriter, _ *http.Request, _ url.Values, _ string) *apiError {
	var buf bytes.Buffer
	if err := s.Snapshot(&buf); err != nil {
		return errInternal()
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="hookscope-mock-state.json"`)
	_, _ = w.Write(buf.Bytes())
	return nil
}

func (s *Server) adminRestore(w http.ResponseWriter, r *http.Request, _ url.Values, _ string) *apiError {
	raw, e := readAdminBody(w, r, maxSnapshotBody)
	if e != nil {
		return e
	}
	if err := s.Restore(bytes.NewReader(raw)); err != nil {
		var se *SnapshotError
		if asSnapshotError(err, &se) {
			return invalid(se.Field, "%s", se.Msg)
		}
		return invalid("body", "%s", err.Error())
	}
	h := s.Health()
	return writeAdminJSON(w, http.StatusOK, adminHealthResp{"ok", formatTime(h.Now), h.Messages})
}
