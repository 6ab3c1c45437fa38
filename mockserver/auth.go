package mockserver

import (
	"net/http"
	"slices"
	"strings"

	hookscope "github.com/hookscope/hookscope-go"
)

// Plan is an organization's plan tier. It gates the finest metrics
// granularity and the attempts' response_body_url.
type Plan string

// Plan tiers, lowest first.
const (
	// PlanFree allows day granularity and no response_body_url.
	PlanFree Plan = "free"
	// PlanStarter allows hour granularity and response_body_url.
	PlanStarter Plan = "starter"
	// PlanPro allows minute granularity and response_body_url.
	PlanPro Plan = "pro"
	// PlanEnterprise allows what PlanPro allows.
	PlanEnterprise Plan = "enterprise"
)

// Scopes an API key can hold. Each endpoint needs one.
const (
	ScopeMetricsRead   = "metrics:read"
	ScopeLogsRead      = "logs:read"
	ScopeMessagesRead  = "messages:read"
	ScopeWebhookRead   = "webhook:read"
	ScopeWebhookWrite  = "webhook:write"
	ScopeAnalyticsRead = "analytics:read"
)

// AllScopes returns every scope of the API, for a Key that may do anything.
func AllScopes() []string {
	return []string{ScopeMetricsRead, ScopeLogsRead, ScopeMessagesRead, ScopeWebhookRead, ScopeWebhookWrite, ScopeAnalyticsRead}
}

// Key is an API key the server accepts.
type Key struct {
	// Token is what the client sends as "Authorization: Bearer <Token>".
	Token string
	// Org is the organization the key belongs to: "" is the default (generated)
	// organization; any other name is another organization, created empty.
	Org string
	// Plan is the organization's plan tier as the key sees it; "" is PlanFree.
	Plan Plan
	// Scopes are the scopes granted (nil: none; see AllScopes).
	Scopes []string
}

// maxGranularity is the finest metrics granularity a plan allows.
func (p Plan) maxGranularity() hookscope.Granularity {
	switch p {
	case PlanStarter:
		return hookscope.GranularityHour
	case PlanPro, PlanEnterprise:
		return hookscope.GranularityMinute
	}
	return hookscope.GranularityDay
}

// bodyURLs reports whether the plan gets attempts' response_body_url.
func (p Plan) bodyURLs() bool {
	switch p {
	case PlanStarter, PlanPro, PlanEnterprise:
		return true
	}
	return false
}

// AddKey makes the server accept k.Token (replacing a key with the same
// token). A key of a new organization creates that organization, empty: its
// webhooks can be created with the API and its messages with AddMessage. A
// key with an empty Token is ignored.
func (s *Server) AddKey(k Key) {
	if k.Token == "" {
		return
	}
	if k.Org == "" {
		k.Org = s.DefaultOrgID()
	}
	if k.Plan == "" {
		k.Plan = PlanFree
	}
	k.Scopes = slices.Clone(k.Scopes)
	s.st.addKey(k)
}

// authenticate returns the key of r's credentials: "Authorization: Bearer
// <key>", the scheme word in any case (RFC 9110); on the analytics family
// also the bare "Authorization: <key>" its documentation shows.
func (s *Server) authenticate(r *http.Request, fam family) (Key, bool) {
	var h string
	if v := r.Header["Authorization"]; len(v) > 0 { // Header.Get, without canonicalizing a canonical key
		h = v[0]
	}
	token, ok := credentials(h, fam == famAnalytics)
	if !ok {
		return Key{}, false
	}
	return s.st.key(token)
}

// credentials extracts the key of an Authorization header value h; bare
// allows a value that is the key alone.
func credentials(h string, bare bool) (string, bool) {
	h = strings.TrimSpace(h)
	scheme, token, found := strings.Cut(h, " ")
	if !found {
		if bare && h != "" {
			return h, true
		}
		return "", false
	}
	if !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	if token == "" || strings.IndexByte(token, ' ') >= 0 || strings.IndexByte(token, '\t') >= 0 { // ContainsAny(token, " \t"), in a quarter of its time
		return "", false
	}
	return token, true
}
