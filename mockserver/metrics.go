package mockserver

import (
	"net/http"
	"slices"
	"sort"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// metricsFamily is one metrics endpoint: its cursor kind and its metrics.
type metricsFamily struct {
	kind    string
	metrics map[string]uint8 // wire name → rollup metric
	names   []string
}

var webhookMetricsFamily = metricsFamily{
	kind: "metrics.webhooks",
	metrics: map[string]uint8{
		string(hookscope.MetricDelivered): rollDelivered,
		string(hookscope.MetricFailed):    rollFailed,
		string(hookscope.MetricRetried):   rollRetried,
	},
	names: []string{string(hookscope.MetricDelivered), string(hookscope.MetricFailed), string(hookscope.MetricRetried)},
}

var messageMetricsFamily = metricsFamily{
	kind: "metrics.messages",
	metrics: map[string]uint8{
		string(hookscope.MetricInboundReceived):   rollInboundReceived,
		string(hookscope.MetricOutboundSent):      rollOutboundSent,
		string(hookscope.MetricOutboundDelivered): rollOutboundDelivered,
		string(hookscope.MetricOutboundFailed):    rollOutboundFailed,
	},
	names: []string{string(hookscope.MetricInboundReceived), string(hookscope.MetricOutboundSent),
		string(hookscope.MetricOutboundDelivered), string(hookscope.MetricOutboundFailed)},
}

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

type metricsData struct {
	Metric      hookscope.Metric         `json:"metric"`
	Granularity hookscope.Granularity    `json:"granularity"`
	From        time.Time                `json:"from"`
	To          time.Time                `json:"to"`
	PriorFrom   *time.Time               `json:"prior_from,omitempty"`
	PriorTo     *time.Time               `json:"prior_to,omitempty"`
	Buckets     []hookscope.MetricBucket `json:"buckets"`
}

type metricsMeta struct {
	AsOf       time.Time `json:"as_of"`
	Limit      int       `json:"limit"`
	NextCursor *string   `json:"next_cursor"`
}

// serveMetrics computes the buckets from the org's per-minute rollups: the
// cost is the number of minutes with data in the window, never a scan of
// messages.
func (s *Server) serveMetrics(w http.ResponseWriter, rc *reqCtx, fam *metricsFamily) {
	q := rc.query
	metric, ok, err := queryValue(q, "metric")
	if err == nil && (!ok || metric == "") {
		err = invalid("metric", "is required (one of %s)", joinNames(fam.names))
	}
	if err == nil {
		metric, err = queryEnum(q, "metric", fam.names...)
	}
	gran := string(hookscope.GranularityHour)
	if err == nil {
		var g string
		if g, err = queryEnum(q, "granularity", "minute", "hour", "day"); g != "" {
			gran = g
		}
	}
	var groupBy, compareTo string
	if err == nil {
		groupBy, err = queryEnum(q, "group_by", "endpoint_id", "kind", "http_status_class")
	}
	if err == nil {
		compareTo, err = queryEnum(q, "compare_to", "prior_period")
	}
	var from, to time.Time
	var hasFrom, hasTo bool
	if err == nil {
		from, hasFrom, err = queryTime(q, "from")
	}
	if err == nil {
		to, hasTo, err = queryTime(q, "to")
	}
	limit := 0
	if err == nil {
		limit, err = queryInt(q, "limit", hookscope.MetricsDefaultLimit, 1, hookscope.MetricsMaxLimit)
	}
	filter := filterHash(fam.kind, metric, gran, groupBy, compareTo, fmtOpt(hasFrom, from), fmtOpt(hasTo, to))
	offset := 0
	if err == nil {
		raw, hasCursor, cerr := queryValue(q, "cursor")
		err = cerr
		if err == nil && hasCursor {
			var c cursor
			if c, err = s.decodeCursor(raw, fam.kind, filter); err == nil {
				offset = c.Offset
				from, to, hasFrom, hasTo = time.Unix(c.From, 0).UTC(), time.Unix(c.To, 0).UTC(), true, true
			}
		}
	}
	now := s.now()
	if err == nil {
		if !hasTo {
			to = now.Truncate(time.Second)
		}
		if !hasFrom {
			from = to.Add(-24 * time.Hour)
		}
		if !from.Before(to) {
			err = invalid("from", "must be before to")
		}
	}
	if err == nil && granularityRank[hookscope.Granularity(gran)] < granularityRank[rc.key.Plan.maxGranularity()] {
		err = &apiError{status: http.StatusForbidden, code: hookscope.CodeGranularityNotAvailable,
			msg:     "granularity not available at this plan tier",
			details: map[string]any{"max_granularity": string(rc.key.Plan.maxGranularity())}}
	}
	g := int64(hookscope.Granularity(gran).Duration() / time.Second)
	var b0, nb int64
	if err == nil {
		b0 = floorDiv(from.Unix(), g) * g
		nb = (floorDiv(to.Unix(), g)*g-b0)/g + 1
		if nb > hookscope.MetricsMaxBuckets {
			err = tooManyBuckets(nb)
		}
	}
	if err != nil {
		s.writeError(w, rc, err)
		return
	}

	// Prior period: the window shifted back by its length, rounded down to
	// whole buckets (at least one), so that each bucket compares with a whole bucket.
	shift := max(floorDiv(to.Unix()-from.Unix(), g), 1) * g
	asOf := now
	asOfUnix := asOf.Unix()
	rollID := fam.metrics[metric]

	s.st.mu.RLock()
	o := s.st.orgs[rc.key.Org]
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
	cur := o.sumBuckets(rollID, b0, nb, g, asOfUnix, groupName)
	var prior map[string][]int64
	if compareTo != "" {
		prior = o.sumBuckets(rollID, b0-shift, nb, g, asOfUnix, groupName)
	}
	s.st.mu.RUnlock()

	groups := []string{""}
	if groupBy != "" {
		groups = groups[:0]
		for name, vals := range cur {
			if slices.ContainsFunc(vals, func(v int64) bool { return v != 0 }) {
				groups = append(groups, name)
			}
		}
		slices.Sort(groups)
	}
	total := nb * int64(len(groups))
	if total > hookscope.MetricsMaxBuckets {
		s.writeError(w, rc, tooManyBuckets(total))
		return
	}
	if int64(offset) > total {
		s.writeError(w, rc, invalid("cursor", "is past the end of the series"))
		return
	}
	end := min(int64(offset+limit), total)
	rows := make([]hookscope.MetricBucket, 0, end-int64(offset))
	for k := int64(offset); k < end; k++ {
		i, gi := k/int64(len(groups)), k%int64(len(groups))
		name := groups[gi]
		start := b0 + i*g
		row := hookscope.MetricBucket{BucketStart: time.Unix(start, 0).UTC(), Group: name}
		if start <= asOfUnix {
			row.Value = new(valueAt(cur, name, i))
		}
		if prior != nil {
			row.PriorValue = new(valueAt(prior, name, i))
		}
		rows = append(rows, row)
	}
	var next *string
	if end < total {
		next = new(s.encodeCursor(cursor{Kind: fam.kind, Filter: filter, Offset: int(end), From: from.Unix(), To: to.Unix()}))
	}
	data := metricsData{Metric: hookscope.Metric(metric), Granularity: hookscope.Granularity(gran), From: from, To: to, Buckets: rows}
	if prior != nil {
		data.PriorFrom, data.PriorTo = new(from.Add(-time.Duration(shift)*time.Second)), new(to.Add(-time.Duration(shift)*time.Second))
	}
	w.Header().Set("Cache-Control", "private, max-age=30")
	s.writeJSON(w, rc, http.StatusOK, struct {
		Success bool        `json:"success"`
		Data    metricsData `json:"data"`
		Meta    metricsMeta `json:"meta"`
	}{true, data, metricsMeta{AsOf: asOf, Limit: limit, NextCursor: next}})
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

// sumBuckets sums metric over nb buckets of g seconds from b0, per group,
// counting only minutes that start at or before asOf. Callers hold st.mu.
//
// The window is covered by the coarsest rollup units that fit in a bucket
// (days for day buckets, hours for hour and day buckets) and lie wholly in
// it, and by minutes for the rest (a partial hour at the watermark), so a
// query reads O(buckets + groups) counters, whatever the number of messages.
func (o *org) sumBuckets(metric uint8, b0, nb, g, asOf int64, group func(rollEntry) (string, bool)) map[string][]int64 {
	out := make(map[string][]int64)
	end := min(b0+nb*g, asOf+1)
	top := rollMinute
	for top+1 < rollLevels && rollSizes[top+1] <= g {
		top++
	}
	var cover func(lo, hi int64, lv int)
	cover = func(lo, hi int64, lv int) {
		if lo >= hi {
			return
		}
		size := rollSizes[lv]
		a, z := lo, hi
		if lv > rollMinute {
			a, z = -floorDiv(-lo, size)*size, floorDiv(hi, size)*size
			if a >= z {
				cover(lo, hi, lv-1)
				return
			}
			cover(lo, a, lv-1)
			cover(z, hi, lv-1)
		}
		l := &o.roll[lv]
		i := sort.Search(len(l.keys), func(i int) bool { return l.keys[i] >= a })
		for ; i < len(l.keys) && l.keys[i] < z; i++ {
			unit := l.keys[i]
			bucket := (unit - b0) / g
			for _, e := range l.m[unit] {
				if e.metric != metric {
					continue
				}
				name, ok := group(e)
				if !ok {
					continue
				}
				vals := out[name]
				if vals == nil {
					vals = make([]int64, nb)
					out[name] = vals
				}
				vals[bucket] += e.n
			}
		}
	}
	cover(b0, end, top)
	return out
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}
