package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// maxBodyBytes bounds a webhook create or update body.
const maxBodyBytes = 1 << 20

// webhookBody is the body of a create or update: the only fields either
// takes (any other is a 400 naming it); nil fields were not sent.
type webhookBody struct {
	Name       *string   `json:"name"`
	URL        *string   `json:"url"`
	IsActive   *bool     `json:"isActive"`
	EventTypes *[]string `json:"event_types"`
}

// decodeBody reads a JSON object into v; any failure names the field at
// fault, or "body".
func decodeBody(r *http.Request, v any) *apiError {
	raw, rerr := readBody(nil, r) // serveHTTP has read it
	if rerr != nil {
		return rerr
	}
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return invalid("body", "must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return invalid(typeErr.Field, "has the wrong type (want %s)", typeErr.Type)
		}
		if field, ok := unknownField(err); ok {
			return invalid(field, "is not a field of this request")
		}
		return invalid("body", "must be a JSON object")
	}
	if dec.More() {
		return invalid("body", "must hold one JSON object")
	}
	return nil
}

// unknownField returns the field that encoding/json's DisallowUnknownFields
// refused (its error is `json: unknown field "name"`).
func unknownField(err error) (string, bool) {
	rest, ok := strings.CutPrefix(err.Error(), `json: unknown field "`)
	if !ok {
		return "", false
	}
	field, _, ok := strings.Cut(rest, `"`)
	if !ok || field == "" {
		return "", false
	}
	return field, true
}

// checkEventTypes: at most 100 non-empty event types.
func checkEventTypes(ev *[]string) *apiError {
	if ev == nil {
		return nil
	}
	if len(*ev) > hookscope.WebhookMaxEventTypes || slices.ContainsFunc(*ev, func(t string) bool { return strings.TrimSpace(t) == "" }) {
		return invalid("event_types", "must hold at most %d non-empty event types", hookscope.WebhookMaxEventTypes)
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

// checkHTTPSURL accepts an absolute https URL with a host and no user
// information, at most 2048 bytes long: the only kind the platform delivers to.
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

// webhookCreate is a validated POST /api/v0/webhooks.
type webhookCreate struct {
	body webhookBody
	kind hookscope.EndpointKind
}

func parseWebhookCreate(r *http.Request) (webhookCreate, *apiError) {
	c := webhookCreate{kind: hookscope.KindOrganization}
	if err := decodeBody(r, &c.body); err != nil {
		return c, err
	}
	if err := checkName(c.body.Name); err != nil {
		return c, err
	}
	if err := checkHTTPSURL(c.body.URL); err != nil {
		return c, err
	}
	if err := checkEventTypes(c.body.EventTypes); err != nil {
		return c, err
	}
	return c, nil
}

// createWebhookLocked adds the webhook c to org and answers it (201).
func (s *store) createWebhookLocked(orgID string, c webhookCreate, now time.Time) writeAnswer {
	o := s.orgLocked(orgID)
	g := ids{rng: s.rng}
	events := slices.Clone(orgEvents)
	if c.kind == hookscope.KindNumber {
		events = slices.Clone(numberEvents)
	}
	if c.body.EventTypes != nil {
		events = slices.Clone(*c.body.EventTypes)
	}
	ep := &endpoint{
		id: g.endpointID(), name: strings.TrimSpace(*c.body.Name), url: *c.body.URL, kind: c.kind,
		active: c.body.IsActive == nil || *c.body.IsActive,
		secret: g.signingSecret(), app: apps[0], eventTypes: events,
		ip:        fmt.Sprintf("198.51.100.%d", 1+len(o.endpoints)%250),
		createdAt: now, updatedAt: now,
	}
	o.addEndpointLocked(ep)
	return writeAnswer{status: http.StatusCreated, body: slices.Clip(appendWebhookLocked(nil, o, ep, now, 0))}
}

// handleWebhookCreate serves POST /api/v0/webhooks (201). Its
// Idempotency-Key, like PATCH's and DELETE's, is handled before it runs
// (serveIdempotent), so that a retried write whose answer was lost is
// applied once.
func (s *Server) handleWebhookCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	c, err := parseWebhookCreate(r)
	if err != nil {
		s.writeError(w, rc, err)
		return
	}
	s.write(w, rc, func(now time.Time) writeAnswer { return s.st.createWebhookLocked(rc.key.Org, c, now) })
}

// webhookUpdate is a validated PATCH /api/v0/webhooks/{webhook_id}.
type webhookUpdate struct {
	id   string
	body webhookBody
}

func parseWebhookUpdate(r *http.Request, rc *reqCtx) (webhookUpdate, *apiError) {
	u := webhookUpdate{id: rc.params.get("webhook_id")}
	if err := checkWebhookID(u.id); err != nil {
		return u, err
	}
	if err := decodeBody(r, &u.body); err != nil {
		return u, err
	}
	b := &u.body
	if b.Name == nil && b.URL == nil && b.IsActive == nil && b.EventTypes == nil {
		return u, invalid("body", "sets nothing to update (name, url, isActive or event_types)")
	}
	if err := checkEventTypes(b.EventTypes); err != nil {
		return u, err
	}
	if u.body.Name != nil {
		if err := checkName(u.body.Name); err != nil {
			return u, err
		}
	}
	if u.body.URL != nil {
		if err := checkHTTPSURL(u.body.URL); err != nil {
			return u, err
		}
	}
	return u, nil
}

// updateWebhookLocked applies u to org's webhook and answers it (200).
func (s *store) updateWebhookLocked(orgID string, u webhookUpdate, now time.Time) writeAnswer {
	o := s.orgRead(orgID)
	ep := o.endpoint(u.id)
	if ep == nil {
		return writeAnswer{err: errWebhookNotFound}
	}
	changed := false
	if n := u.body.Name; n != nil && strings.TrimSpace(*n) != ep.name {
		ep.name, changed = strings.TrimSpace(*n), true
	}
	if v := u.body.URL; v != nil && *v != ep.url {
		ep.url, changed = *v, true
	}
	if v := u.body.IsActive; v != nil && *v != ep.active {
		ep.active, changed = *v, true
	}
	if v := u.body.EventTypes; v != nil && !slices.Equal(*v, ep.eventTypes) {
		o.index.eventTypes += int64(len(*v) - len(ep.eventTypes)) // analytics' events_subscribed
		ep.eventTypes, changed = slices.Clone(*v), true
	}
	// A PATCH that changes nothing leaves updated_at as it was.
	if changed && now.After(ep.updatedAt) {
		ep.updatedAt = now
	}
	return writeAnswer{status: http.StatusOK, body: slices.Clip(appendWebhookLocked(nil, o, ep, now, 0))}
}

// handleWebhookUpdate serves PATCH /api/v0/webhooks/{webhook_id}: name, url,
// isActive and event_types, each only when sent; an empty body is a 400.
func (s *Server) handleWebhookUpdate(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	u, err := parseWebhookUpdate(r, rc)
	if err != nil {
		s.writeError(w, rc, err)
		return
	}
	s.write(w, rc, func(now time.Time) writeAnswer { return s.st.updateWebhookLocked(rc.key.Org, u, now) })
}

// deleteWebhookLocked marks org's webhook id deleted (204). Its messages
// stay in the logs and metrics.
func (s *store) deleteWebhookLocked(orgID, id string) writeAnswer {
	o := s.orgRead(orgID)
	ep := o.endpoint(id)
	if ep == nil {
		return writeAnswer{err: errWebhookNotFound}
	}
	o.deleteEndpointLocked(ep)
	return writeAnswer{status: http.StatusNoContent}
}

// handleWebhookDelete serves DELETE /api/v0/webhooks/{webhook_id} (204).
// Its messages stay in the logs and metrics; the webhook itself is gone.
func (s *Server) handleWebhookDelete(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	id := rc.params.get("webhook_id")
	if err := checkWebhookID(id); err != nil {
		s.writeError(w, rc, err)
		return
	}
	s.write(w, rc, func(time.Time) writeAnswer { return s.st.deleteWebhookLocked(rc.key.Org, id) })
}
