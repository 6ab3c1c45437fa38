package mockserver

import (
	"net/http"
	"slices"
	"strings"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// metricsFamily is one metrics endpoint: its cursor kind and its metrics.
type metricsFamily struct {
	kind    string
	metrics map[string]uint8 // wire name → rollup metric
	names   []string
}

func newMetricsFamily(kind string, metrics []hookscope.Metric, rollups []uint8) metricsFamily {
	f := metricsFamily{kind: kind, metrics: make(map[string]uint8, len(metrics))}
	for i, m := range metrics {
		f.metrics[string(m)] = rollups[i]
		f.names = append(f.names, string(m))
	}
	return f
}

var webhookMetricsFamily = newMetricsFamily("metrics.webhooks",
	[]hookscope.Metric{hookscope.MetricDelivered, hookscope.MetricFailed, hookscope.MetricRetried},
	[]uint8{rollDelivered, rollFailed, rollRetried})

var messageMetricsFamily = newMetricsFamily("metrics.messages",
	[]hookscope.Metric{hookscope.MetricInboundReceived, hookscope.MetricOutboundSent, hookscope.MetricOutboundDelivered, hookscope.MetricOutboundFailed},
	[]uint8{rollInboundReceived, rollOutboundSent, rollOutboundDelivered, rollOutboundFailed})

// handleWebhookMetrics serves GET /v1/metrics/webhooks: attempts counted in
// the bucket of their created_at (delivered: 2xx; failed: anything else,
// network errors included; retried: attempt_no > 1).
func (s *Server) handleWebhookMetrics(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.serveMetrics(w, rc, &webhookMetricsFamily)
}

// handleMessageMetrics serves GET /v1/metrics/messages: inbound messages at
// their created_at, outbound messages sent at their created_at, delivered at
// their successful attempt, failed at the last attempt of a failed_permanent
// message.
func (s *Server) handleMessageMetrics(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	s.serveMetrics(w, rc, &messageMetricsFamily)
}

var granularityRank = map[hookscope.Granularity]int{
	hookscope.GranularityMinute: 0, hookscope.GranularityHour: 1, hookscope.GranularityDay: 2,
}

// metricsQuery is a parsed metrics request: the series, its window in
// buckets and the page.
type metricsQuery struct {
	fam       *metricsFamily
	metric    string
	gran      hookscope.Granularity
	groupBy   string // "" without group_by
	compareTo string // "" without compare_to
	from, to  time.Time
	hasFrom   bool // from was given (or pinned by a cursor)
	hasTo     bool
	limit     int
	offset    int    // the page's first row
	filter    string // what a cursor is bound to

	// Resolved by resolveWindow.
	g, b0, nb  int64 // bucket size (s), first bucket's start, number of buckets
	priorShift int64 // how far back the prior period is (s): the window's length
}

// parseMetricsQuery reads and checks a metrics request's parameters, in the
// order their errors are reported, then resolves its window.
func (s *Server) parseMetricsQuery(rc *reqCtx, fam *metricsFamily, now time.Time) (metricsQuery, *apiError) {
	q, err := parseMetricsParams(rc, fam)
	if err != nil {
		return q, err
	}
	q.filter = filterHash(fam.kind, q.metric, string(q.gran), q.groupBy, q.compareTo, fmtOpt(q.hasFrom, q.from), fmtOpt(q.hasTo, q.to))
	c, ok, err := s.cursorParam(&rc.query, fam.kind, q.filter)
	if err != nil {
		return q, err
	}
	if ok {
		q.offset = c.Offset
		q.from, q.to, q.hasFrom, q.hasTo = time.Unix(c.From, 0).UTC(), time.Unix(c.To, 0).UTC(), true, true
	}
	return q, q.resolveWindow(rc.key.Plan, now)
}

// parseMetricsParams reads the parameters that are not the cursor.
func parseMetricsParams(rc *reqCtx, fam *metricsFamily) (metricsQuery, *apiError) {
	q := metricsQuery{fam: fam, gran: hookscope.GranularityHour}
	v := &rc.query
	metric, ok, err := queryValue(v, "metric")
	if err != nil {
		return q, err
	}
	if !ok || metric == "" {
		return q, invalid("metric", "is required (one of %s)", strings.Join(fam.names, ", "))
	}
	if q.metric, err = queryEnum(v, "metric", fam.names...); err != nil {
		return q, err
	}
	gran, err := queryEnum(v, "granularity", "minute", "hour", "day")
	if err != nil {
		return q, err
	}
	if gran != "" {
		q.gran = hookscope.Granularity(gran)
	}
	if q.groupBy, err = queryEnum(v, "group_by", "endpoint_id", "kind", "http_status_class"); err != nil {
		return q, err
	}
	if q.compareTo, err = queryEnum(v, "compare_to", "prior_period"); err != nil {
		return q, err
	}
	if q.from, q.hasFrom, err = queryTime(v, "from"); err != nil {
		return q, err
	}
	if q.to, q.hasTo, err = queryTime(v, "to"); err != nil {
		return q, err
	}
	q.limit, err = queryInt(v, "limit", hookscope.MetricsDefaultLimit, 1, hookscope.MetricsMaxLimit)
	return q, err
}

// resolveWindow applies the window's defaults (the 24 hours up to now),
// the plan's finest granularity and the bucket limit.
func (q *metricsQuery) resolveWindow(plan Plan, now time.Time) *apiError {
	if !q.hasTo {
		q.to = now.Truncate(time.Second)
	}
	if !q.hasFrom {
		q.from = q.to.Add(-24 * time.Hour)
	}
	if !q.from.Before(q.to) {
		return invalid("from", "must be before to")
	}
	if granularityRank[q.gran] < granularityRank[plan.maxGranularity()] {
		return &apiError{status: http.StatusForbidden, code: hookscope.CodeGranularityNotAvailable,
			msg:     "granularity not available at this plan tier",
			details: map[string]any{"max_granularity": string(plan.maxGranularity())}}
	}
	q.g = int64(q.gran.Duration() / time.Second)
	q.b0 = floorDiv(q.from.Unix(), q.g) * q.g
	q.nb = (floorDiv(q.to.Unix(), q.g)*q.g-q.b0)/q.g + 1
	if q.nb > hookscope.MetricsMaxBuckets {
		return tooManyBuckets(q.nb)
	}
	// Prior period: the window shifted back by its length, so that each
	// bucket, partial ones included, compares with the same span of it.
	q.priorShift = q.to.Unix() - q.from.Unix()
	return nil
}

// metricsSeries sums q's metric per group over q's buckets, and over the
// prior period's with compare_to (else prior is nil), from org's rollups:
// the cost is the number of rollup units with data in the window, never a
// scan of messages.
func (s *store) metricsSeries(orgID string, q metricsQuery, asOf int64) (cur, prior map[string][]int64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o := s.orgRead(orgID)
	groupBy := q.groupBy
	groupName := func(e rollEntry) (string, bool) {
		switch groupBy {
		case "endpoint_id":
			return o.endpoints[e.ep].id, true
		case "kind":
			return string(o.endpoints[e.ep].kind), true
		case "http_status_class":
			return classNames[e.class], e.class != classNone
		}
		return "", true
	}
	metric := q.fam.metrics[q.metric]
	w := sumWindow{b0: q.b0, nb: q.nb, g: q.g, from: q.from.Unix(), to: q.to.Unix(), asOf: asOf}
	cur = o.sumBucketsLocked(metric, w, groupName)
	if q.compareTo != "" {
		w.shift = q.priorShift
		prior = o.sumBucketsLocked(metric, w, groupName)
	}
	return cur, prior
}

// metricsPage is one page of a series' rows: bucket-major, groups by name.
type metricsPage struct {
	rows []metricBucket
	last cursor // the position after the page
	more bool   // more rows follow
}

// buildMetricsPage lays cur and prior out as rows (one per bucket and group
// with data) and cuts q's page from them.
func buildMetricsPage(q *metricsQuery, cur, prior map[string][]int64, asOf int64) (metricsPage, *apiError) {
	groups := []string{""}
	if q.groupBy != "" {
		groups = groups[:0]
		for name, vals := range cur {
			if slices.ContainsFunc(vals, func(v int64) bool { return v != 0 }) {
				groups = append(groups, name)
			}
		}
		slices.Sort(groups)
	}
	total := q.nb * int64(len(groups))
	if total > hookscope.MetricsMaxBuckets {
		return metricsPage{}, tooManyBuckets(total)
	}
	if int64(q.offset) > total {
		return metricsPage{}, invalid("cursor", "is past the end of the series")
	}
	end := min(int64(q.offset+q.limit), total)
	page := metricsPage{rows: make([]metricBucket, 0, end-int64(q.offset))}
	for k := int64(q.offset); k < end; k++ {
		i, name := k/int64(len(groups)), groups[k%int64(len(groups))]
		start := q.b0 + i*q.g
		row := metricBucket{BucketStart: time.Unix(start, 0).UTC(), Group: name}
		if start <= asOf {
			row.Value = new(valueAt(cur, name, i))
		}
		if prior != nil {
			row.PriorValue = new(valueAt(prior, name, i))
		}
		page.rows = append(page.rows, row)
	}
	if end < total {
		page.more = true
		page.last = cursor{Kind: q.fam.kind, Filter: q.filter, Offset: int(end), From: q.from.Unix(), To: q.to.Unix()}
	}
	return page, nil
}

// serveMetrics answers a metrics request: parse, sum the rollups, cut the
// page, respond.
func (s *Server) serveMetrics(w http.ResponseWriter, rc *reqCtx, fam *metricsFamily) {
	now := s.now()
	q, err := s.parseMetricsQuery(rc, fam, now)
	if err != nil {
		s.writeError(w, rc, err)
		return
	}
	cur, prior := s.st.metricsSeries(rc.key.Org, q, now.Unix())
	page, err := buildMetricsPage(&q, cur, prior, now.Unix())
	if err != nil {
		s.writeError(w, rc, err)
		return
	}
	data := metricsData{Metric: hookscope.Metric(q.metric), Granularity: q.gran, From: q.from, To: q.to, Buckets: page.rows}
	if q.compareTo != "" {
		shift := time.Duration(q.priorShift) * time.Second
		data.PriorFrom, data.PriorTo = new(q.from.Add(-shift)), new(q.to.Add(-shift))
	}
	w.Header().Set("Cache-Control", "private, max-age=30")
	s.writeJSON(w, rc, http.StatusOK, metricsResp{true, data, metricsMeta{AsOf: now, Limit: q.limit, NextCursor: s.nextCursor(page.last, page.more)}})
}

func valueAt(m map[string][]int64, group string, i int64) int64 {
	if vals, ok := m[group]; ok {
		return vals[i]
	}
	return 0
}

func tooManyBuckets(requested int64) *apiError {
	return &apiError{status: http.StatusBadRequest, code: hookscope.CodeTooManyBuckets,
		msg:     "the window holds more than 10000 bucket rows; narrow it or use a coarser granularity",
		details: map[string]any{"max_buckets": hookscope.MetricsMaxBuckets, "requested_buckets": requested}}
}
