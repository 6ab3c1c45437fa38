package hookscope

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"net/http"
	"time"
)

// Metric is what a metrics bucket counts.
type Metric string

// Metrics of GET /v1/metrics/webhooks. Each attempt counts in the bucket of its
// created_at.
const (
	// MetricDelivered counts successful attempts (2xx responses).
	MetricDelivered Metric = "delivered"
	// MetricFailed counts failed attempts (non-2xx responses and network errors).
	MetricFailed Metric = "failed"
	// MetricRetried counts attempts with attempt_no > 1.
	MetricRetried Metric = "retried"
)

// Metrics of GET /v1/metrics/messages.
const (
	// MetricInboundReceived counts inbound messages received.
	MetricInboundReceived Metric = "messages.inbound.received"
	// MetricOutboundSent counts outbound messages created.
	MetricOutboundSent Metric = "messages.outbound.sent"
	// MetricOutboundDelivered counts outbound messages delivered.
	MetricOutboundDelivered Metric = "messages.outbound.delivered"
	// MetricOutboundFailed counts outbound messages that failed permanently.
	MetricOutboundFailed Metric = "messages.outbound.failed"
)

// Granularity is the width of a metrics bucket. The plan tier gates the
// finest one: free "day", starter "hour", pro and enterprise "minute"; a finer
// one is a 403 GRANULARITY_NOT_AVAILABLE (ErrGranularityNotAvailable).
type Granularity string

// Granularities, finest first.
const (
	GranularityMinute Granularity = "minute"
	GranularityHour   Granularity = "hour"
	GranularityDay    Granularity = "day"
)

// Duration is the width of a bucket of g, 0 for an unknown granularity.
func (g Granularity) Duration() time.Duration {
	switch g {
	case GranularityMinute:
		return time.Minute
	case GranularityHour:
		return time.Hour
	case GranularityDay:
		return 24 * time.Hour
	}
	return 0
}

// GroupBy splits every bucket into one row per group.
type GroupBy string

// Groupings of a metrics query.
const (
	// GroupByEndpointID groups by endpoint; the group is the endpoint id (ep_…).
	GroupByEndpointID GroupBy = "endpoint_id"
	// GroupByKind groups by endpoint kind: "organization" or "number".
	GroupByKind GroupBy = "kind"
	// GroupByHTTPStatusClass groups by response class: "2xx", "3xx", "4xx",
	// "5xx" or "network_error".
	GroupByHTTPStatusClass GroupBy = "http_status_class"
)

// CompareTo adds a comparison series to a metrics query.
type CompareTo string

// ComparePriorPeriod gives every bucket the value of the same span in the
// window of equal length just before From (MetricBucket.PriorValue): the
// bucket's counted span shifted back by To − From, so that a partial bucket
// compares with the same partial span, never with a whole bucket. The
// series gains PriorFrom and PriorTo.
const ComparePriorPeriod CompareTo = "prior_period"

// Limits of GET /v1/metrics/*.
const (
	// MetricsDefaultLimit is the server's page size when Limit is 0.
	MetricsDefaultLimit = 1000
	// MetricsMaxLimit is the largest page size.
	MetricsMaxLimit = 5000
	// MetricsMaxBuckets is the most bucket rows (buckets × groups) a window may
	// hold; more is a 400 TOO_MANY_BUCKETS (ErrTooManyBuckets).
	MetricsMaxBuckets = 10000
)

// WebhookMetricsParams are the query parameters of GET /v1/metrics/webhooks.
type WebhookMetricsParams struct {
	// Metric is required: MetricDelivered, MetricFailed or MetricRetried.
	Metric Metric `url:"metric"`
	// From starts the window (inclusive); default To minus 24 hours. Buckets
	// start at From floored to the granularity; the first counts only the
	// events from From on.
	From time.Time `url:"from,omitempty" layout:"2006-01-02T15:04:05.999999999Z07:00"`
	// To ends the window (exclusive); default now. The last bucket is the one
	// containing To, and it counts only the events before To.
	To time.Time `url:"to,omitempty" layout:"2006-01-02T15:04:05.999999999Z07:00"`
	// Granularity is the bucket width; default GranularityHour.
	Granularity Granularity `url:"granularity,omitempty"`
	// GroupBy splits each bucket by endpoint, kind or HTTP status class.
	GroupBy GroupBy `url:"group_by,omitempty"`
	// CompareTo adds the prior period's value to every bucket.
	CompareTo CompareTo `url:"compare_to,omitempty"`
	// Limit is the number of bucket rows per page, 1..5000; default 1000.
	Limit int `url:"limit,omitempty"`
	// Cursor is meta.next_cursor of the previous page.
	Cursor string `url:"cursor,omitempty"`
}

// MessageMetricsParams are the query parameters of GET /v1/metrics/messages,
// the same as WebhookMetricsParams with a message metric
// (MetricInboundReceived, MetricOutboundSent, MetricOutboundDelivered or
// MetricOutboundFailed).
type MessageMetricsParams WebhookMetricsParams

// MetricSeries is one page of a metrics query.
type MetricSeries struct {
	// Metric is the metric counted.
	Metric Metric `json:"metric"`
	// Granularity is the bucket width.
	Granularity Granularity `json:"granularity"`
	// From and To are the window the server used (defaults applied).
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// PriorFrom and PriorTo are the comparison window, with ComparePriorPeriod only.
	PriorFrom *time.Time `json:"prior_from,omitempty"`
	PriorTo   *time.Time `json:"prior_to,omitempty"`
	// Buckets are ordered by BucketStart, then Group.
	Buckets []MetricBucket `json:"buckets"`
	// Meta is the envelope's meta, with the response's X-Request-Id.
	Meta MetricsMeta `json:"-"`
}

// MetricBucket is one bucket row.
type MetricBucket struct {
	// BucketStart is the start of the bucket. A bucket counts the events of
	// the part of its span inside the window: the first and the last may be
	// partial.
	BucketStart time.Time `json:"bucket_start"`
	// Value is the count; nil when the bucket starts after meta.as_of (not
	// aggregated yet), which is not the same as 0 (nothing happened).
	Value *int64 `json:"value"`
	// Group is the group's value with GroupBy, else "".
	Group string `json:"group,omitempty"`
	// PriorValue is the count of the same span in the prior period (the
	// bucket's counted span shifted back by the window's length), with
	// ComparePriorPeriod; nil when absent.
	PriorValue *int64 `json:"prior_value,omitempty"`
}

// MetricsMeta is the meta of a metrics page.
type MetricsMeta struct {
	// AsOf is the aggregation watermark, never later than now.
	AsOf time.Time `json:"as_of"`
	// Limit is the page size the server used.
	Limit int `json:"limit"`
	// NextCursor fetches the next page; "" on the last page.
	NextCursor string `json:"next_cursor,omitempty"`
	// RequestID is the response's X-Request-Id.
	RequestID string `json:"-"`
}

// MetricsService reads GET /v1/metrics/webhooks and GET /v1/metrics/messages.
// Both need the metrics:read scope.
type MetricsService struct {
	client *Client
}

type metricsEnvelope struct {
	Data MetricSeries `json:"data"`
	Meta MetricsMeta  `json:"meta"`
}

// setRequestID takes X-Request-Id: metrics' envelope carries no request id.
func (e *metricsEnvelope) setRequestID(fromHeader string) { e.Meta.RequestID = fromHeader }

func (e *metricsEnvelope) check() error {
	if e.Data.Buckets == nil {
		return missing("data.buckets")
	}
	return nil
}

var webhookMetrics = []Metric{MetricDelivered, MetricFailed, MetricRetried}
var messageMetrics = []Metric{MetricInboundReceived, MetricOutboundSent, MetricOutboundDelivered, MetricOutboundFailed}

// Webhooks fetches one page of GET /v1/metrics/webhooks: outbound delivery
// attempts counted into buckets. Requires the metrics:read scope; a
// granularity finer than the plan allows is ErrGranularityNotAvailable, a
// window of more than 10,000 bucket rows is ErrTooManyBuckets. Responses are
// cacheable for 30 seconds (Cache-Control: private, max-age=30).
func (s *MetricsService) Webhooks(ctx context.Context, params *WebhookMetricsParams, opts ...Option) (*MetricSeries, error) {
	p, err := checkMetricsParams(params, webhookMetrics)
	if err != nil {
		return nil, err
	}
	page, _, err := s.fetch(ctx, "/v1/metrics/webhooks", p, opts...)
	return page, err
}

// WebhookBuckets iterates every bucket row of a GET /v1/metrics/webhooks
// query, following meta.next_cursor from params.Cursor. Nothing is sent until
// the loop starts.
func (s *MetricsService) WebhookBuckets(ctx context.Context, params *WebhookMetricsParams, opts ...Option) iter.Seq2[*MetricBucket, error] {
	return items(s.WebhookPages(ctx, params, opts...), bucketsOf)
}

// WebhookPages iterates the pages of a GET /v1/metrics/webhooks query; each
// page's Meta.NextCursor can be saved to resume from it.
func (s *MetricsService) WebhookPages(ctx context.Context, params *WebhookMetricsParams, opts ...Option) iter.Seq2[*MetricSeries, error] {
	return s.pages(ctx, "/v1/metrics/webhooks", params, webhookMetrics, opts...)
}

// Messages fetches one page of GET /v1/metrics/messages: inbound and outbound
// messages counted into buckets, with the same rules as Webhooks.
func (s *MetricsService) Messages(ctx context.Context, params *MessageMetricsParams, opts ...Option) (*MetricSeries, error) {
	p, err := checkMetricsParams((*WebhookMetricsParams)(params), messageMetrics)
	if err != nil {
		return nil, err
	}
	page, _, err := s.fetch(ctx, "/v1/metrics/messages", p, opts...)
	return page, err
}

// MessageBuckets iterates every bucket row of a GET /v1/metrics/messages
// query, following meta.next_cursor from params.Cursor. Nothing is sent until
// the loop starts.
func (s *MetricsService) MessageBuckets(ctx context.Context, params *MessageMetricsParams, opts ...Option) iter.Seq2[*MetricBucket, error] {
	return items(s.MessagePages(ctx, params, opts...), bucketsOf)
}

// MessagePages iterates the pages of a GET /v1/metrics/messages query; each
// page's Meta.NextCursor can be saved to resume from it.
func (s *MetricsService) MessagePages(ctx context.Context, params *MessageMetricsParams, opts ...Option) iter.Seq2[*MetricSeries, error] {
	return s.pages(ctx, "/v1/metrics/messages", (*WebhookMetricsParams)(params), messageMetrics, opts...)
}

func bucketsOf(s *MetricSeries) []MetricBucket { return s.Buckets }

func (s *MetricsService) pages(ctx context.Context, path string, params *WebhookMetricsParams, allowed []Metric, opts ...Option) iter.Seq2[*MetricSeries, error] {
	p, err := checkMetricsParams(params, allowed)
	return listPages(ctx, p, err, func(q *WebhookMetricsParams) *string { return &q.Cursor },
		func(ctx context.Context, q *WebhookMetricsParams) (*MetricSeries, pageInfo, error) {
			return s.fetch(ctx, path, q, opts...)
		})
}

func (s *MetricsService) fetch(ctx context.Context, path string, p *WebhookMetricsParams, opts ...Option) (*MetricSeries, pageInfo, error) {
	var env metricsEnvelope
	out := &metricsPageDecoder{env: &env, rows: cmp.Or(p.Limit, MetricsDefaultLimit)}
	if err := s.client.do(ctx, request{opts: opts, method: http.MethodGet, path: path, query: p}, out); err != nil {
		return nil, pageInfo{}, err
	}
	env.Data.Meta = env.Meta
	// Metrics' meta has no has_more: a next cursor is its only sign of more.
	return &env.Data, pageInfo{NextCursor: env.Meta.NextCursor, HasMore: env.Meta.NextCursor != "", Rows: len(env.Data.Buckets)}, nil
}

// checkMetricsParams validates params and returns a copy with UTC times.
func checkMetricsParams(params *WebhookMetricsParams, allowed []Metric) (*WebhookMetricsParams, error) {
	if params == nil {
		return nil, paramErrorf("metric", "is required")
	}
	p := *params
	if p.Metric == "" {
		return nil, paramErrorf("metric", "is required (one of %v)", allowed)
	}
	if !oneOf(p.Metric, allowed) {
		return nil, paramErrorf("metric", "%q is not one of %v", p.Metric, allowed)
	}
	if p.Granularity != "" && !oneOf(p.Granularity, []Granularity{GranularityMinute, GranularityHour, GranularityDay}) {
		return nil, paramErrorf("granularity", "%q is not one of minute, hour, day", p.Granularity)
	}
	if p.GroupBy != "" && !oneOf(p.GroupBy, []GroupBy{GroupByEndpointID, GroupByKind, GroupByHTTPStatusClass}) {
		return nil, paramErrorf("group_by", "%q is not one of endpoint_id, kind, http_status_class", p.GroupBy)
	}
	if p.CompareTo != "" && p.CompareTo != ComparePriorPeriod {
		return nil, paramErrorf("compare_to", "%q is not prior_period", p.CompareTo)
	}
	if err := checkLimit("limit", p.Limit, MetricsMaxLimit); err != nil {
		return nil, err
	}
	if err := checkWireTime("from", p.From); err != nil {
		return nil, err
	}
	if err := checkWireTime("to", p.To); err != nil {
		return nil, err
	}
	if !p.From.IsZero() && !p.To.IsZero() && !p.From.Before(p.To) {
		return nil, paramErrorf("from", "must be before to (from %s, to %s)", p.From.Format(time.RFC3339), p.To.Format(time.RFC3339))
	}
	if err := checkBucketCount(&p); err != nil {
		return nil, err
	}
	p.From, p.To = utc(p.From), utc(p.To)
	return &p, nil
}

// checkBucketCount refuses, before any request, a window whose number of
// bucket rows is known to pass MetricsMaxBuckets: from and to both set and no
// grouping (groups multiply the rows by a number only the server knows).
// Buckets are counted as the server does: from the bucket holding From
// through the bucket holding To.
func checkBucketCount(p *WebhookMetricsParams) error {
	if p.From.IsZero() || p.To.IsZero() || p.GroupBy != "" {
		return nil
	}
	g := cmp.Or(p.Granularity, GranularityHour)
	width := int64(g.Duration() / time.Second)
	n := floorDiv(p.To.Unix(), width) - floorDiv(p.From.Unix(), width) + 1
	if n > MetricsMaxBuckets {
		return &ParamError{Param: "from", sentinel: ErrTooManyBuckets, Message: fmt.Sprintf(
			"the window %s to %s holds %d %s buckets, more than %d; narrow it or use a coarser granularity",
			p.From.UTC().Format(time.RFC3339), p.To.UTC().Format(time.RFC3339), n, g, MetricsMaxBuckets)}
	}
	return nil
}

// floorDiv is a / b rounded toward minus infinity (b > 0).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
