package hookscope

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// AnalyticsTimeLayout is the time format of GET /analytics/webhooks, in UTC.
const AnalyticsTimeLayout = "2006-01-02 15:04:05"

// WebhookAnalytics is the answer of GET /analytics/webhooks: the current UTC
// day's metrics, latency and top lists, and the last 24 hours by hour.
type WebhookAnalytics struct {
	// DayMetrics are the day's delivery counts.
	DayMetrics DayMetrics `json:"day_metrics"`
	// TopEvents are the day's most frequent event types, at most 5, count descending.
	TopEvents []EventCount `json:"top_events"`
	// TopFailedURLs are the day's URLs with the most failures, at most 5, count descending.
	TopFailedURLs []URLCount `json:"top_failed_urls"`
	// HourlyMetrics are deliveries per hour over the last 24 hours.
	HourlyMetrics []HourlyCount `json:"hourly_metrics"`
	// Total counts the webhooks and their event subscriptions.
	Total AnalyticsTotals `json:"total"`
	// LastEvents are the 10 newest deliveries.
	LastEvents []AnalyticsEvent `json:"last_events"`
	// Latency summarises delay_ms over the day.
	Latency LatencyStats `json:"latency"`

	// Message is the envelope's human-readable message.
	Message string `json:"-"`
	// Env is the envelope's "env": "development" or "production".
	Env string `json:"-"`
	// RequestID is the envelope's log.request_id, else X-Request-Id.
	RequestID string `json:"-"`
}

// DayMetrics are the current UTC day's delivery counts; Total = Success +
// Failed + Pending.
type DayMetrics struct {
	Total   int64 `json:"total"`
	Success int64 `json:"success"`
	Failed  int64 `json:"failed"`
	Pending int64 `json:"pending"`
	// RetryRatePct is the percentage of deliveries that needed a retry.
	RetryRatePct float64 `json:"retry_rate_pct"`
	// AvgDelayMS is the mean delay in milliseconds.
	AvgDelayMS float64 `json:"avg_delay_ms"`
}

// EventCount is one entry of TopEvents.
type EventCount struct {
	Event string `json:"event"`
	Count int64  `json:"count"`
}

// URLCount is one entry of TopFailedURLs.
type URLCount struct {
	URL   string `json:"url"`
	Count int64  `json:"count"`
}

// HourlyCount is one entry of HourlyMetrics.
type HourlyCount struct {
	// Hour is the start of the hour, UTC.
	Hour time.Time `json:"hour"`
	// Count is the deliveries in that hour.
	Count int64 `json:"count"`
}

// AnalyticsTotals counts the organization's webhooks and subscriptions.
type AnalyticsTotals struct {
	Webhooks         int64 `json:"webhooks"`
	EventsSubscribed int64 `json:"events_subscribed"`
}

// LatencyStats summarise delay_ms over the day, in milliseconds.
type LatencyStats struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
	Avg float64 `json:"avg"`
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
}

// AnalyticsEvent is one of the newest deliveries in WebhookAnalytics.LastEvents.
type AnalyticsEvent struct {
	ID             string `json:"id"`
	WebhookID      string `json:"webhook_id"`
	OrganizationID string `json:"organization_id"`
	URL            string `json:"url"`
	Event          string `json:"event"`
	ResourceID     string `json:"resource_id"`
	// Payload is the event's payload: any JSON, or nil for null.
	Payload json.RawMessage `json:"payload"`
	// ResponseStatus is the endpoint's HTTP status; nil when there was none.
	ResponseStatus *int `json:"response_status"`
	// ResponseBody is the endpoint's response body; nil when there was none.
	ResponseBody *string `json:"response_body"`
	// Error is the delivery's error: any JSON, or nil for null.
	Error   json.RawMessage `json:"error"`
	Retries int             `json:"retries"`
	// CreatedAt, UpdatedAt and FirstSentAt are UTC.
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	FirstSentAt *time.Time `json:"first_sent_at"`
	// DelayMS is the delivery's delay in milliseconds; nil when null.
	DelayMS *int64 `json:"delay_ms"`
	// Done is the wire's 0 or 1.
	Done bool `json:"done"`
}

// analyticsEventWire is AnalyticsEvent as the wire spells it.
type analyticsEventWire struct {
	ID             string          `json:"id"`
	WebhookID      string          `json:"webhook_id"`
	OrganizationID string          `json:"organization_id"`
	URL            string          `json:"url"`
	Event          string          `json:"event"`
	ResourceID     string          `json:"resource_id"`
	Payload        json.RawMessage `json:"payload"`
	ResponseStatus *int            `json:"response_status"`
	ResponseBody   *string         `json:"response_body"`
	Error          json.RawMessage `json:"error"`
	Retries        int             `json:"retries"`
	CreatedAt      analyticsTime   `json:"created_at"`
	UpdatedAt      analyticsTime   `json:"updated_at"`
	FirstSentAt    *analyticsTime  `json:"first_sent_at"`
	DelayMS        *int64          `json:"delay_ms"`
	Done           intBool         `json:"done"`
}

// UnmarshalJSON reads the wire's "YYYY-MM-DD HH:MM:SS" times and 0/1 done.
func (e *AnalyticsEvent) UnmarshalJSON(b []byte) error {
	var w analyticsEventWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = AnalyticsEvent{
		ID: w.ID, WebhookID: w.WebhookID, OrganizationID: w.OrganizationID, URL: w.URL,
		Event: w.Event, ResourceID: w.ResourceID, Payload: nullToNil(w.Payload),
		ResponseStatus: w.ResponseStatus, ResponseBody: w.ResponseBody, Error: nullToNil(w.Error),
		Retries: w.Retries, CreatedAt: time.Time(w.CreatedAt), UpdatedAt: time.Time(w.UpdatedAt),
		DelayMS: w.DelayMS, Done: bool(w.Done),
	}
	if w.FirstSentAt != nil {
		e.FirstSentAt = new(time.Time(*w.FirstSentAt))
	}
	return nil
}

// UnmarshalJSON reads the hour as "YYYY-MM-DD HH:MM:SS".
func (h *HourlyCount) UnmarshalJSON(b []byte) error {
	var w struct {
		Hour  analyticsTime `json:"hour"`
		Count int64         `json:"count"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	h.Hour, h.Count = time.Time(w.Hour), w.Count
	return nil
}

// analyticsTime is a UTC time in AnalyticsTimeLayout. RFC 3339 is accepted
// too, so that a server that moves to it does not break the client.
type analyticsTime time.Time

func (t *analyticsTime) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("analytics time: %w", err)
	}
	parsed, err := time.ParseInLocation(AnalyticsTimeLayout, s, time.UTC)
	if err != nil {
		var rfcErr error
		if parsed, rfcErr = time.Parse(time.RFC3339Nano, s); rfcErr != nil {
			return fmt.Errorf("analytics time %q: %w", s, err)
		}
	}
	*t = analyticsTime(parsed.UTC())
	return nil
}

// intBool is the wire's 0/1 boolean (true and false are accepted too).
type intBool bool

func (b *intBool) UnmarshalJSON(data []byte) error {
	switch string(bytes.TrimSpace(data)) {
	case "1", "true":
		*b = true
	case "0", "false", "null":
		*b = false
	default:
		return fmt.Errorf("done: %s is not 0 or 1", data)
	}
	return nil
}

func nullToNil(r json.RawMessage) json.RawMessage {
	if len(r) == 0 || string(r) == "null" {
		return nil
	}
	return r
}

// analyticsEnvelope is the success envelope of GET /analytics/webhooks.
type analyticsEnvelope struct {
	Status    int               `json:"status"`
	Data      *WebhookAnalytics `json:"data"`
	Message   string            `json:"message"`
	Env       string            `json:"env"`
	Log       json.RawMessage   `json:"log"`
	Error     json.RawMessage   `json:"error"`
	Validator map[string]string `json:"validator"`
	SupportID *string           `json:"support_id"`

	requestID string // log.request_id, else X-Request-Id
}

// setRequestID keeps log.request_id when the envelope has one, else takes
// X-Request-Id.
func (e *analyticsEnvelope) setRequestID(fromHeader string) {
	var log envelopeMeta
	e.requestID = fromHeader
	if json.Unmarshal(e.Log, &log) == nil && log.RequestID != "" {
		e.requestID = log.RequestID
	}
}

// AnalyticsService reads GET /analytics/webhooks. It needs the
// analytics:read scope.
type AnalyticsService struct {
	client *Client
}

// Webhooks fetches GET /analytics/webhooks: the current UTC day's delivery
// counts, latency percentiles and top lists, the last 24 hours by hour, and
// the 10 newest deliveries. Requires the analytics:read scope.
func (s *AnalyticsService) Webhooks(ctx context.Context, opts ...Option) (*WebhookAnalytics, error) {
	var env analyticsEnvelope
	if err := s.client.do(ctx, request{opts: opts, method: http.MethodGet, path: "/analytics/webhooks"}, &env); err != nil {
		return nil, err
	}
	requestID := env.requestID
	if env.Data == nil {
		// An envelope that carries an error code under a 2xx is still an
		// error, with its code and message kept; without one it is a body
		// the SDK cannot use.
		var code string
		if json.Unmarshal(env.Error, &code) != nil || code == "" {
			return nil, fmt.Errorf("hookscope: GET /analytics/webhooks: %w: data is null (request_id %q)", ErrUnexpectedResponse, requestID)
		}
		apiErr := &APIError{StatusCode: env.Status, Code: code, Message: env.Message, RequestID: requestID, FieldErrors: env.Validator}
		if apiErr.StatusCode == 0 {
			apiErr.StatusCode = http.StatusOK
		}
		if env.SupportID != nil {
			apiErr.SupportID = *env.SupportID
		}
		apiErr.sanitize(s.client.apiKey.value())
		return nil, apiErr
	}
	an := env.Data
	an.Message, an.Env, an.RequestID = env.Message, env.Env, requestID
	return an, nil
}
