package hookscope

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// EndpointKind is the kind of a webhook endpoint.
type EndpointKind string

// Endpoint kinds.
const (
	// KindOrganization is an organization-level endpoint.
	KindOrganization EndpointKind = "organization"
	// KindNumber is a per-number delivery feed.
	KindNumber EndpointKind = "number"
)

// DeliveryStatus is the status of a recent event of a webhook.
type DeliveryStatus string

// Delivery statuses of WebhookEvent.
const (
	DeliveryDelivered DeliveryStatus = "delivered"
	DeliveryFailed    DeliveryStatus = "failed"
	DeliveryPending   DeliveryStatus = "pending"
)

// Limits of the webhooks endpoints.
const (
	// WebhookEventsDefaultLimit is the number of recent events when
	// WebhookGetParams.EventsLimit is 0.
	WebhookEventsDefaultLimit = 10
	// WebhookEventsMaxLimit is the largest EventsLimit.
	WebhookEventsMaxLimit = 50
	// WebhooksDefaultLimit is the list's page size when Limit is 0.
	WebhooksDefaultLimit = 20
	// WebhooksMaxLimit is the list's largest page size.
	WebhooksMaxLimit = 100
)

// Webhook is a webhook endpoint ("webhook" and "endpoint" are the same entity).
type Webhook struct {
	// ID is "ep_" and 32 lowercase hex digits.
	ID string `json:"id"`
	// Name is the human-readable name.
	Name string `json:"name"`
	// URL is where events are sent (HTTPS).
	URL string `json:"url"`
	// Kind is KindOrganization or KindNumber.
	Kind EndpointKind `json:"kind,omitempty"`
	// IsActive reports whether the webhook receives events.
	IsActive bool `json:"isActive"`
	// Encrypted reports whether payloads are encrypted.
	Encrypted bool `json:"encrypted"`
	// SigningSecret verifies the signatures of deliveries. It prints redacted;
	// use SigningSecret.Reveal() for its value.
	SigningSecret Secret `json:"signing_secret"`
	// EventTypes are the event types the webhook subscribes to.
	EventTypes []string `json:"event_types,omitempty"`
	// CreatedAt is when the webhook was created.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when it was last updated.
	UpdatedAt time.Time `json:"updated_at"`
	// DeliveryStats are the webhook's delivery statistics.
	DeliveryStats DeliveryStats `json:"delivery_stats"`
	// App is the application the webhook belongs to.
	App App `json:"app"`
	// RecentEvents are the newest deliveries, with
	// WebhookGetParams.IncludeEvents only (never in lists).
	RecentEvents []WebhookEvent `json:"recent_events,omitempty"`
}

// webhookForLog is Webhook without its methods, so that LogValue does not
// resolve itself again.
type webhookForLog Webhook

// LogValue makes a Webhook log with its signing secret redacted, even
// through slog's JSON handler (which would otherwise marshal the secret).
func (w Webhook) LogValue() slog.Value {
	w.SigningSecret = Secret(redact(string(w.SigningSecret)))
	return slog.AnyValue(webhookForLog(w))
}

// App is the application a webhook belongs to.
type App struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// DeliveryStats are a webhook's delivery statistics, computed from its
// messages and attempts.
type DeliveryStats struct {
	// TotalEvents is the number of events sent to the webhook.
	TotalEvents int64 `json:"total_events"`
	// SuccessfulDeliveries is the number of events delivered.
	SuccessfulDeliveries int64 `json:"successful_deliveries"`
	// FailedDeliveries is the number of failed delivery attempts.
	FailedDeliveries int64 `json:"failed_deliveries"`
	// LastDelivery is the time of the last delivery attempt; nil when none.
	LastDelivery *time.Time `json:"last_delivery,omitempty"`
	// SuccessRate is SuccessfulDeliveries / TotalEvents in percent (0–100, two
	// decimals).
	SuccessRate float64 `json:"success_rate"`
	// AverageResponseTime is the mean response time in milliseconds.
	AverageResponseTime float64 `json:"average_response_time"`
	// Last24hEvents is the number of events sent in the last 24 hours.
	Last24hEvents int64 `json:"last_24h_events"`
	// Last24hFailures is the number of failed deliveries in the last 24 hours.
	Last24hFailures int64 `json:"last_24h_failures"`
}

// WebhookEvent is one recent delivery event of a webhook.
type WebhookEvent struct {
	// ID identifies the delivery event (the message id).
	ID string `json:"id"`
	// EventType is the type of the event delivered.
	EventType string `json:"event_type"`
	// DeliveryStatus is DeliveryDelivered, DeliveryFailed or DeliveryPending.
	DeliveryStatus DeliveryStatus `json:"delivery_status"`
	// ResponseCode is the endpoint's HTTP status; nil when there was none.
	ResponseCode *int `json:"response_code,omitempty"`
	// ResponseTime is the response time in milliseconds (a JSON number, which
	// may carry a fraction); nil when there was none.
	ResponseTime *float64 `json:"response_time,omitempty"`
	// ErrorMessage is the error of a failed delivery.
	ErrorMessage string `json:"error_message,omitempty"`
	// CreatedAt is when the event was created.
	CreatedAt time.Time `json:"created_at"`
	// DeliveredAt is when delivery was attempted; nil before any attempt.
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	// RetryCount is the number of retry attempts.
	RetryCount int `json:"retry_count"`
}

// WebhookGetParams are the query parameters of GET /api/v0/webhooks/{id}.
type WebhookGetParams struct {
	// IncludeEvents adds RecentEvents; default false.
	IncludeEvents bool `url:"include_events,omitempty"`
	// EventsLimit is the number of recent events, 1..50; default 10.
	EventsLimit int `url:"events_limit,omitempty"`
}

// WebhookListParams are the query parameters of GET /api/v0/webhooks.
type WebhookListParams struct {
	// Limit is the page size, 1..100; default 20.
	Limit int `url:"limit,omitempty"`
	// Cursor is meta.next_cursor of the previous page.
	Cursor string `url:"cursor,omitempty"`
}

// WebhookMaxEventTypes is the most event types a webhook can subscribe to.
const WebhookMaxEventTypes = 100

// WebhookCreateParams is the body of POST /api/v0/webhooks.
type WebhookCreateParams struct {
	// Name is required: the human-readable name.
	Name string `json:"name"`
	// URL is required and must be a valid HTTPS URL.
	URL string `json:"url"`
	// EventTypes are the event types to subscribe to: at most
	// WebhookMaxEventTypes non-empty strings. Empty: every event type of the
	// organization.
	EventTypes []string `json:"event_types,omitempty"`
	// IsActive says whether deliveries start at once; nil is true, and
	// new(false) creates a paused webhook.
	IsActive *bool `json:"isActive,omitempty"`
}

// WebhookUpdateParams is the body of PATCH /api/v0/webhooks/{id}. A nil
// field is left unchanged; new(false) sets IsActive to false. At least one
// field must be set. A field set to the value it already has changes
// nothing, and an update that changes nothing leaves UpdatedAt as it was.
type WebhookUpdateParams struct {
	Name     *string `json:"name,omitempty"`
	URL      *string `json:"url,omitempty"`
	IsActive *bool   `json:"isActive,omitempty"`
	// EventTypes, when not empty, replaces the subscribed event types: at
	// most WebhookMaxEventTypes non-empty strings.
	EventTypes []string `json:"event_types,omitempty"`
}

// WebhookPage is one page of GET /api/v0/webhooks.
type WebhookPage struct {
	// Data holds the webhooks, each with its DeliveryStats (never RecentEvents).
	Data []Webhook `json:"data"`
	// Meta holds the cursor of the next page.
	Meta ListMeta `json:"meta"`
}

// WebhooksService reads and manages webhooks. Reads need the webhook:read
// scope, writes webhook:write.
type WebhooksService struct {
	client *Client
}

// routeWebhook is the route template of one webhook's path.
const routeWebhook = "/api/v0/webhooks/{webhook_id}"

// Get fetches GET /api/v0/webhooks/{webhook_id}: the webhook with its
// delivery stats and, with IncludeEvents, its recent events (EventsLimit
// 1..50, default 10). An unknown id, or another organization's, is a 404
// WEBHOOK_NOT_FOUND (ErrNotFound). params may be nil. Requires webhook:read.
func (s *WebhooksService) Get(ctx context.Context, webhookID string, params *WebhookGetParams, opts ...Option) (*Webhook, error) {
	if err := checkEndpointID("webhook_id", webhookID); err != nil {
		return nil, err
	}
	var p WebhookGetParams
	if params != nil {
		p = *params
	}
	if err := checkLimit("events_limit", p.EventsLimit, WebhookEventsMaxLimit); err != nil {
		return nil, err
	}
	wh := new(Webhook)
	if err := s.client.do(ctx, request{opts: opts, method: http.MethodGet, route: routeWebhook, path: "/api/v0/webhooks/" + escapePath(webhookID), query: &p}, wh); err != nil {
		return nil, err
	}
	return wh, nil
}

// List fetches one page of GET /api/v0/webhooks (Limit 1..100, default 20).
// Requires webhook:read.
func (s *WebhooksService) List(ctx context.Context, params *WebhookListParams, opts ...Option) (*WebhookPage, error) {
	p, err := checkWebhookListParams(params)
	if err != nil {
		return nil, err
	}
	page, _, err := s.fetchPage(ctx, p, opts...)
	return page, err
}

// All iterates every webhook of the organization, following
// meta.next_cursor from params.Cursor. Nothing is sent until the loop starts.
func (s *WebhooksService) All(ctx context.Context, params *WebhookListParams, opts ...Option) iter.Seq2[*Webhook, error] {
	return items(s.Pages(ctx, params, opts...), func(p *WebhookPage) []Webhook { return p.Data })
}

// Pages iterates the pages of GET /api/v0/webhooks, following
// meta.next_cursor from params.Cursor (Limit 1..100, default 20). Nothing is
// sent until the loop starts. Save a page's Meta.NextCursor to resume later:
// pass it as params.Cursor. Requires webhook:read.
func (s *WebhooksService) Pages(ctx context.Context, params *WebhookListParams, opts ...Option) iter.Seq2[*WebhookPage, error] {
	p, err := checkWebhookListParams(params)
	return listPages(ctx, p, err, func(q *WebhookListParams) *string { return &q.Cursor },
		func(ctx context.Context, q *WebhookListParams) (*WebhookPage, pageInfo, error) {
			return s.fetchPage(ctx, q, opts...)
		})
}

func (s *WebhooksService) fetchPage(ctx context.Context, p *WebhookListParams, opts ...Option) (*WebhookPage, pageInfo, error) {
	page := new(WebhookPage)
	if err := s.client.do(ctx, request{opts: opts, method: http.MethodGet, path: "/api/v0/webhooks", query: p}, page); err != nil {
		return nil, pageInfo{}, err
	}
	return page, page.Meta.pageInfo(len(page.Data)), nil
}

func (p *WebhookPage) setRequestID(fromHeader string) { p.Meta.setRequestID(fromHeader) }

func (p *WebhookPage) check() error {
	if p.Data == nil {
		return missing("data")
	}
	for i := range p.Data {
		if err := p.Data[i].check(); err != nil {
			return fmt.Errorf("data[%d]: %w", i, err)
		}
	}
	return nil
}

func (w *Webhook) check() error {
	if !endpointIDPattern.MatchString(w.ID) {
		if w.ID == "" {
			return missing("webhook id")
		}
		return fmt.Errorf("webhook id %q is not ep_ and 32 hex digits", cleanText(w.ID, 64))
	}
	return nil
}

// Create sends POST /api/v0/webhooks and returns the new webhook (201). The
// name is required, the URL must be a valid HTTPS URL and EventTypes holds
// at most WebhookMaxEventTypes non-empty strings; the SDK checks them before
// any request. Requires
// webhook:write. The request carries an Idempotency-Key, so a retried create
// makes one webhook.
func (s *WebhooksService) Create(ctx context.Context, params *WebhookCreateParams, opts ...Option) (*Webhook, error) {
	if params == nil {
		return nil, paramErrorf("name", "is required")
	}
	if strings.TrimSpace(params.Name) == "" {
		return nil, paramErrorf("name", "is required")
	}
	if err := checkHTTPSURL(params.URL); err != nil {
		return nil, err
	}
	if err := checkEventTypes(params.EventTypes); err != nil {
		return nil, err
	}
	wh := new(Webhook)
	if err := s.client.do(ctx, request{opts: opts, method: http.MethodPost, path: "/api/v0/webhooks", body: params}, wh); err != nil {
		return nil, err
	}
	return wh, nil
}

// Update sends PATCH /api/v0/webhooks/{id}: each non-nil field of params is
// set, the rest left unchanged. Params that set nothing are refused before
// any request (the API answers 400 to an empty update). Requires
// webhook:write.
func (s *WebhooksService) Update(ctx context.Context, webhookID string, params *WebhookUpdateParams, opts ...Option) (*Webhook, error) {
	if err := checkEndpointID("webhook_id", webhookID); err != nil {
		return nil, err
	}
	if params == nil || (params.Name == nil && params.URL == nil && params.IsActive == nil && len(params.EventTypes) == 0) {
		return nil, paramErrorf("params", "set nothing to update (name, url, isActive or event_types)")
	}
	if err := checkEventTypes(params.EventTypes); err != nil {
		return nil, err
	}
	if params.Name != nil && strings.TrimSpace(*params.Name) == "" {
		return nil, paramErrorf("name", "must not be empty")
	}
	if params.URL != nil {
		if err := checkHTTPSURL(*params.URL); err != nil {
			return nil, err
		}
	}
	wh := new(Webhook)
	if err := s.client.do(ctx, request{opts: opts, method: http.MethodPatch, route: routeWebhook, path: "/api/v0/webhooks/" + escapePath(webhookID), body: params}, wh); err != nil {
		return nil, err
	}
	return wh, nil
}

// Delete sends DELETE /api/v0/webhooks/{id} (204). Requires webhook:write.
func (s *WebhooksService) Delete(ctx context.Context, webhookID string, opts ...Option) error {
	if err := checkEndpointID("webhook_id", webhookID); err != nil {
		return err
	}
	return s.client.do(ctx, request{opts: opts, method: http.MethodDelete, route: routeWebhook, path: "/api/v0/webhooks/" + escapePath(webhookID)}, nil)
}

// checkEventTypes applies the API's rule for a webhook's event types.
func checkEventTypes(types []string) error {
	if len(types) > WebhookMaxEventTypes {
		return paramErrorf("event_types", "holds %d event types; at most %d", len(types), WebhookMaxEventTypes)
	}
	for i, t := range types {
		if strings.TrimSpace(t) == "" {
			return paramErrorf("event_types", "item %d is empty", i)
		}
	}
	return nil
}

func checkWebhookListParams(params *WebhookListParams) (*WebhookListParams, error) {
	var p WebhookListParams
	if params != nil {
		p = *params
	}
	if err := checkLimit("limit", p.Limit, WebhooksMaxLimit); err != nil {
		return nil, err
	}
	return &p, nil
}

// checkHTTPSURL applies the API's rule for webhook URLs: an absolute https URL
// with a host.
func checkHTTPSURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.Hostname() == "" {
		return paramErrorf("url", "must be a valid HTTPS URL")
	}
	return nil
}
