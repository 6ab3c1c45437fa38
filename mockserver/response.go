package mockserver

import (
	"encoding/json"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// The mock's wire format: one unexported struct per object it answers, so
// that what the mock writes is decided here, against openapi.yaml, and not
// by the SDK's types. The SDK's enums, error codes and limits are shared:
// they are the contract. Field order is the wire's key order.

// listMeta is the meta of the cursor lists; next_cursor is null on the last page.
type listMeta struct {
	RequestID  string  `json:"request_id,omitempty"`
	NextCursor *string `json:"next_cursor"`
	HasMore    bool    `json:"has_more"`
}

// webhookResp is a webhook object of /api/v0/webhooks.
type webhookResp struct {
	ID            string                 `json:"id"`
	Name          string                 `json:"name"`
	URL           string                 `json:"url"`
	Kind          hookscope.EndpointKind `json:"kind,omitempty"`
	IsActive      bool                   `json:"isActive"`
	Encrypted     bool                   `json:"encrypted"`
	SigningSecret string                 `json:"signing_secret"`
	EventTypes    []string               `json:"event_types,omitempty"`
	CreatedAt     time.Time              `json:"created_at"`
	UpdatedAt     time.Time              `json:"updated_at"`
	DeliveryStats deliveryStatsResp      `json:"delivery_stats"`
	App           appResp                `json:"app"`
	RecentEvents  []webhookEventResp     `json:"recent_events,omitempty"`
}

type appResp struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// deliveryStatsResp is a webhook's delivery_stats.
type deliveryStatsResp struct {
	TotalEvents          int64      `json:"total_events"`
	SuccessfulDeliveries int64      `json:"successful_deliveries"`
	FailedDeliveries     int64      `json:"failed_deliveries"`
	LastDelivery         *time.Time `json:"last_delivery,omitempty"`
	SuccessRate          float64    `json:"success_rate"`
	AverageResponseTime  float64    `json:"average_response_time"`
	Last24hEvents        int64      `json:"last_24h_events"`
	Last24hFailures      int64      `json:"last_24h_failures"`
}

// webhookEventResp is one of a webhook's recent_events.
type webhookEventResp struct {
	ID             string                   `json:"id"`
	EventType      string                   `json:"event_type"`
	DeliveryStatus hookscope.DeliveryStatus `json:"delivery_status"`
	ResponseCode   *int                     `json:"response_code,omitempty"`
	ResponseTime   *float64                 `json:"response_time,omitempty"`
	ErrorMessage   string                   `json:"error_message,omitempty"`
	CreatedAt      time.Time                `json:"created_at"`
	DeliveredAt    *time.Time               `json:"delivered_at,omitempty"`
	RetryCount     int                      `json:"retry_count"`
}

// attemptResp is one delivery attempt of the attempts lists; absent
// optional fields are left out.
type attemptResp struct {
	ID                    string              `json:"id"`
	AttemptNo             int                 `json:"attempt_no"`
	ResponseStatus        *int                `json:"response_status,omitempty"`
	ResponseLatencyMS     *int64              `json:"response_latency_ms,omitempty"`
	ProcessingMS          *int64              `json:"processing_ms,omitempty"`
	ErrorText             string              `json:"error_text,omitempty"`
	ResponseHeaders       map[string]string   `json:"response_headers,omitempty"`
	RequestHeaders        map[string]string   `json:"request_headers,omitempty"`
	RetryType             hookscope.RetryType `json:"retry_type,omitempty"`
	RetryAfterSeconds     *int64              `json:"retry_after_seconds,omitempty"`
	ResolvedIP            string              `json:"resolved_ip,omitempty"`
	DNSMS                 *int64              `json:"dns_ms,omitempty"`
	TCPConnectMS          *int64              `json:"tcp_connect_ms,omitempty"`
	TLSHandshakeMS        *int64              `json:"tls_handshake_ms,omitempty"`
	TTFBMS                *int64              `json:"ttfb_ms,omitempty"`
	TransferMS            *int64              `json:"transfer_ms,omitempty"`
	ConnReused            bool                `json:"conn_reused"`
	ResponseBodyURL       string              `json:"response_body_url,omitempty"`
	ResponseBodyTruncated bool                `json:"response_body_truncated,omitempty"`
	CreatedAt             time.Time           `json:"created_at"`
}

// attemptsResp is the answer of the attempts lists.
type attemptsResp struct {
	Data []attemptResp `json:"data"`
	Meta struct {
		RequestID string `json:"request_id"`
		HasMore   bool   `json:"has_more"`
	} `json:"meta"`
}

// inboundMessageResp is the data of GET /v1/inbound-messages/{id}.
type inboundMessageResp struct {
	ID           string                  `json:"id"`
	EndpointID   string                  `json:"endpoint_id"`
	Endpoint     string                  `json:"endpoint"`
	EventType    string                  `json:"event_type"`
	Status       hookscope.MessageStatus `json:"status"`
	AttemptCount int                     `json:"attempt_count"`
	CreatedAt    time.Time               `json:"created_at"`
	DeliveredAt  *time.Time              `json:"delivered_at,omitempty"`
}

// metricsResp is the answer of both metrics endpoints.
type metricsResp struct {
	Success bool        `json:"success"`
	Data    metricsData `json:"data"`
	Meta    metricsMeta `json:"meta"`
}

type metricsData struct {
	Metric      hookscope.Metric      `json:"metric"`
	Granularity hookscope.Granularity `json:"granularity"`
	From        time.Time             `json:"from"`
	To          time.Time             `json:"to"`
	PriorFrom   *time.Time            `json:"prior_from,omitempty"`
	PriorTo     *time.Time            `json:"prior_to,omitempty"`
	Buckets     []metricBucket        `json:"buckets"`
}

// metricBucket is one bucket row: value null when the bucket starts after
// as_of, group only with group_by, prior_value only with compare_to.
type metricBucket struct {
	BucketStart time.Time `json:"bucket_start"`
	Value       *int64    `json:"value"`
	Group       string    `json:"group,omitempty"`
	PriorValue  *int64    `json:"prior_value,omitempty"`
}

// metricsMeta is the meta of a metrics page; next_cursor is null on the last page.
type metricsMeta struct {
	AsOf       time.Time `json:"as_of"`
	Limit      int       `json:"limit"`
	NextCursor *string   `json:"next_cursor"`
}

// analyticsResp is the answer of GET /analytics/webhooks.
type analyticsResp struct {
	Status    int            `json:"status"`
	Data      *analyticsData `json:"data"`
	Error     *string        `json:"error"`
	Log       any            `json:"log"`
	Validator any            `json:"validator"`
	SupportID *string        `json:"support_id"`
	Message   string         `json:"message"`
	Env       string         `json:"env"`
}

type analyticsData struct {
	DayMetrics    dayMetrics       `json:"day_metrics"`
	TopEvents     []eventCount     `json:"top_events"`
	TopFailedURLs []urlCount       `json:"top_failed_urls"`
	HourlyMetrics []hourlyCount    `json:"hourly_metrics"`
	Total         analyticsTotals  `json:"total"`
	LastEvents    []analyticsEvent `json:"last_events"`
	Latency       latencyStats     `json:"latency"`
}

type dayMetrics struct {
	Total        int64   `json:"total"`
	Success      int64   `json:"success"`
	Failed       int64   `json:"failed"`
	Pending      int64   `json:"pending"`
	RetryRatePct float64 `json:"retry_rate_pct"`
	AvgDelayMS   float64 `json:"avg_delay_ms"`
}

type eventCount struct {
	Event string `json:"event"`
	Count int64  `json:"count"`
}

type urlCount struct {
	URL   string `json:"url"`
	Count int64  `json:"count"`
}

type hourlyCount struct {
	Hour  analyticsTime `json:"hour"`
	Count int64         `json:"count"`
}

type analyticsTotals struct {
	Webhooks         int64 `json:"webhooks"`
	EventsSubscribed int64 `json:"events_subscribed"`
}

// latencyStats summarises delay_ms: min, max, mean and nearest-rank percentiles.
type latencyStats struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
	Avg float64 `json:"avg"`
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
}

// analyticsEvent is one of analytics' last_events: times as
// "YYYY-MM-DD HH:MM:SS" in UTC, done as 0 or 1, null where there is no value.
type analyticsEvent struct {
	ID             string          `json:"id"`
	WebhookID      string          `json:"webhook_id"`
	OrganizationID string          `json:"organization_id"`
	URL            string          `json:"url"`
	Event          string          `json:"event"`
	ResourceID     string          `json:"resource_id"`
	Payload        json.RawMessage `json:"payload"`
	ResponseStatus *int            `json:"response_status"`
	ResponseBody   *string         `json:"response_body"`
	Error          json.RawMessage `json:"error"` // nil encodes as null
	Retries        int             `json:"retries"`
	CreatedAt      analyticsTime   `json:"created_at"`
	UpdatedAt      analyticsTime   `json:"updated_at"`
	FirstSentAt    *analyticsTime  `json:"first_sent_at"`
	DelayMS        *int64          `json:"delay_ms"`
	Done           intBool         `json:"done"`
}

// analyticsTime is a time as analytics writes it: UTC, "YYYY-MM-DD HH:MM:SS".
type analyticsTime time.Time

func (t analyticsTime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format(hookscope.AnalyticsTimeLayout) + `"`), nil
}

// intBool is analytics' 0/1 boolean.
type intBool bool

func (b intBool) MarshalJSON() ([]byte, error) {
	if b {
		return []byte("1"), nil
	}
	return []byte("0"), nil
}
