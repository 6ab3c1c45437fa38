package mockserver_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

func TestSDKMetricsWebhooks(t *testing.T) {
	t.Parallel()
	_, c := newServer(t)
	ctx := context.Background()

	series, err := c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered})
	must(t, err)
	eq(t, series.Metric, hookscope.MetricDelivered, "metric")
	eq(t, series.Granularity, hookscope.GranularityHour, "default granularity")
	eq(t, series.To, fixedNow, "default to")
	eq(t, series.From, fixedNow.Add(-24*time.Hour), "default from")
	eq(t, len(series.Buckets), 25, "a 24 h hourly window has 25 buckets")
	eq(t, series.Meta.AsOf, fixedNow, "as_of is the clock")
	eq(t, series.Meta.Limit, 1000, "default limit")
	eq(t, series.Meta.NextCursor, "", "one page")
	check(t, series.Meta.RequestID != "", "request id")
	eq(t, series.Buckets[0].BucketStart, fixedNow.Add(-24*time.Hour).Truncate(time.Hour), "first bucket floored")
	var sum int64
	for i, b := range series.Buckets {
		need(t, b.Value != nil, "bucket %d has a value", i)
		sum += *b.Value
		if i > 0 {
			eq(t, b.BucketStart.Sub(series.Buckets[i-1].BucketStart), time.Hour, "bucket spacing")
		}
	}
	check(t, sum > 100, "a day of deliveries, got %d", sum)

	// Buckets after as_of are null, not 0.
	future, err := c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricFailed,
		From: fixedNow.Add(-2 * time.Hour), To: fixedNow.Add(3 * time.Hour)})
	must(t, err)
	eq(t, len(future.Buckets), 6, "buckets")
	for _, b := range future.Buckets {
		eq(t, b.Value == nil, b.BucketStart.After(fixedNow), "null exactly after as_of (%s)", b.BucketStart)
	}

	// Every bucket through the iterator, 10 rows a page, equals one big page.
	params := &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, GroupBy: hookscope.GroupByKind,
		Granularity: hookscope.GranularityMinute, From: fixedNow.Add(-90 * time.Minute), To: fixedNow, Limit: 10}
	paged := collect(t, c.Metrics.WebhookBuckets(ctx, params))
	params.Limit = 5000
	one, err := c.Metrics.Webhooks(ctx, params)
	must(t, err)
	eq(t, paged, one.Buckets, "paged rows equal one page")
	eq(t, len(one.Buckets), 91*2, "both kinds, every minute")
	for i, b := range one.Buckets {
		eq(t, b.Group, []string{"number", "organization"}[i%2], "groups ordered within a bucket")
	}

	// compare_to: prior values are the same buckets a day earlier.
	cmp, err := c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, CompareTo: hookscope.ComparePriorPeriod})
	must(t, err)
	eq(t, *cmp.PriorFrom, fixedNow.Add(-48*time.Hour), "prior_from")
	eq(t, *cmp.PriorTo, fixedNow.Add(-24*time.Hour), "prior_to")
	prev, err := c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered,
		From: fixedNow.Add(-48 * time.Hour), To: fixedNow.Add(-24 * time.Hour)})
	must(t, err)
	for i, b := range cmp.Buckets {
		need(t, b.PriorValue != nil, "prior value %d", i)
		eq(t, *b.PriorValue, *prev.Buckets[i].Value, "prior value of bucket %d", i)
	}
}

func TestSDKMetricsMessages(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	week := &hookscope.MessageMetricsParams{Granularity: hookscope.GranularityDay, From: fixedNow.Add(-8 * 24 * time.Hour), To: fixedNow}
	sum := func(m hookscope.Metric) int64 {
		p := *week
		p.Metric = m
		s, err := c.Metrics.Messages(ctx, &p)
		must(t, err)
		var n int64
		for _, b := range s.Buckets {
			n += *b.Value
		}
		return n
	}
	eq(t, sum(hookscope.MetricOutboundSent), int64(mockserver.DefaultMessages), "every outbound message is sent once")
	eq(t, sum(hookscope.MetricInboundReceived), int64(len(srv.InboundMessageIDs())), "every inbound message is received once")
	delivered := sum(hookscope.MetricOutboundDelivered)
	wh, err := c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered,
		Granularity: hookscope.GranularityDay, From: week.From, To: week.To})
	must(t, err)
	var attempts int64
	for _, b := range wh.Buckets {
		attempts += *b.Value
	}
	eq(t, delivered, attempts, "delivered messages = successful attempts")
	page, err := c.Logs.List(ctx, &hookscope.LogListParams{Status: hookscope.StatusFailedPermanent, Limit: 500})
	must(t, err)
	failed := int64(len(page.Data))
	for page.Meta.HasMore {
		page, err = c.Logs.List(ctx, &hookscope.LogListParams{Status: hookscope.StatusFailedPermanent, Limit: 500, Cursor: page.Meta.NextCursor})
		must(t, err)
		failed += int64(len(page.Data))
	}
	eq(t, sum(hookscope.MetricOutboundFailed), failed, "failed messages = failed_permanent log rows")
}

func TestSDKLogs(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	page, err := c.Logs.List(ctx, nil)
	must(t, err)
	eq(t, len(page.Data), 50, "default limit")
	check(t, page.Meta.HasMore && page.Meta.NextCursor != "", "more pages")
	eq(t, page.Meta.RequestID != "", true, "request id")
	for i := 1; i < len(page.Data); i++ {
		a, b := page.Data[i-1], page.Data[i]
		check(t, a.CreatedAt.After(b.CreatedAt) || (a.CreatedAt.Equal(b.CreatedAt) && a.MessageID > b.MessageID), "newest first at %d", i)
	}
	// The three newest are the forced rare statuses.
	eq(t, page.Data[0].Status, hookscope.StatusQueued, "newest")
	eq(t, page.Data[1].Status, hookscope.StatusDelivering, "second")
	eq(t, page.Data[2].Status, hookscope.StatusPendingRetry, "third")
	eq(t, page.Data[0].AttemptCount, 0, "queued has no attempts")
	need(t, page.Data[2].NextAttemptAt != nil && page.Data[2].NextAttemptAt.After(fixedNow), "pending_retry has a future next_attempt_at")
	check(t, page.Data[2].LastError != "" && page.Data[2].DeliveredAt == nil, "pending_retry: last_error, no delivered_at")
	eq(t, srv.OutboundMessageIDs()[0], page.Data[0].MessageID, "OutboundMessageIDs newest first")

	// Each status's rows have that status and the fields that apply to it.
	for _, st := range []hookscope.MessageStatus{hookscope.StatusQueued, hookscope.StatusDelivering, hookscope.StatusSucceeded, hookscope.StatusPendingRetry, hookscope.StatusFailedPermanent} {
		p, err := c.Logs.List(ctx, &hookscope.LogListParams{Status: st, Limit: 500})
		must(t, err)
		need(t, len(p.Data) > 0, "status %s has rows", st)
		for _, e := range p.Data {
			eq(t, e.Status, st, "status filter")
			eq(t, e.DeliveredAt != nil, st == hookscope.StatusSucceeded, "delivered_at iff succeeded")
			eq(t, e.NextAttemptAt != nil, st == hookscope.StatusPendingRetry, "next_attempt_at iff pending_retry")
			if st == hookscope.StatusSucceeded {
				check(t, *e.ResponseStatus/100 == 2 && e.LastError == "", "succeeded: 2xx and no error")
			}
			if st == hookscope.StatusFailedPermanent {
				check(t, e.LastError != "" && e.AttemptCount >= 1, "failed: error")
			}
		}
	}

	// Time filters are inclusive bounds.
	start, end := fixedNow.Add(-6*time.Hour), fixedNow.Add(-5*time.Hour)
	rows := collect(t, c.Logs.All(ctx, &hookscope.LogListParams{StartTime: start, EndTime: end, Limit: 500}))
	need(t, len(rows) > 0, "rows in the hour")
	for _, e := range rows {
		check(t, !e.CreatedAt.Before(start) && !e.CreatedAt.After(end), "row %s in window", e.CreatedAt)
	}
	exact := collect(t, c.Logs.All(ctx, &hookscope.LogListParams{StartTime: rows[0].CreatedAt, EndTime: rows[0].CreatedAt}))
	check(t, slices.ContainsFunc(exact, func(e hookscope.LogEntry) bool { return e.MessageID == rows[0].MessageID }), "start_time = end_time = created_at finds the row")
}

func TestSDKAttempts(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()

	var big string
	for _, id := range srv.InboundMessageIDs() {
		msg, err := c.Attempts.GetInboundMessage(ctx, id)
		must(t, err)
		eq(t, msg.ID, id, "inbound id")
		if msg.AttemptCount > 200 {
			big = id
			break
		}
	}
	need(t, big != "", "one inbound message has more than 200 attempts")
	list, err := c.Attempts.ListInbound(ctx, big)
	must(t, err)
	eq(t, len(list.Data), 200, "capped at 200")
	eq(t, list.Meta.HasMore, true, "has_more past the cap")
	for i, a := range list.Data {
		eq(t, a.AttemptNo, i+1, "attempt_no ascending")
		check(t, a.ProcessingMS == nil, "no processing_ms on inbound attempts")
		check(t, a.ResponseBodyURL != "", "pro plan gets response_body_url")
	}
	n := 0
	var iterErr error
	for _, err := range c.Attempts.AllInbound(ctx, big) {
		if err != nil {
			iterErr = err
			break
		}
		n++
	}
	eq(t, n, 200, "iterator reads the 200")
	check(t, errors.Is(iterErr, hookscope.ErrIncompletePage), "then ErrIncompletePage, got %v", iterErr)

	// Outbound attempts: processing_ms, a network error without status, a success last.
	var sawNet, sawSlow, sawFast, sawReused bool
	for _, id := range srv.OutboundMessageIDs()[:400] {
		l, err := c.Attempts.ListOutbound(ctx, id)
		must(t, err)
		for i, a := range l.Data {
			need(t, a.ProcessingMS != nil, "processing_ms on outbound attempts")
			if a.ResponseStatus == nil {
				sawNet = true
				check(t, a.ErrorText != "" && a.ResponseLatencyMS == nil, "network error: text, no latency")
			} else {
				check(t, a.ResponseLatencyMS != nil && *a.ResponseLatencyMS > 0, "latency with a response")
				check(t, a.TTFBMS != nil && a.TransferMS != nil, "ttfb and transfer with a response")
			}
			if a.Succeeded() {
				eq(t, i, len(l.Data)-1, "a success is the last attempt")
			}
			sawSlow = sawSlow || a.RetryType == hookscope.RetrySlow
			sawFast = sawFast || a.RetryType == hookscope.RetryFast
			sawReused = sawReused || (a.ConnReused && a.DNSMS == nil)
			if a.AttemptNo == 1 {
				eq(t, a.RetryType, hookscope.RetryType(""), "a first attempt is no retry")
			}
		}
	}
	check(t, sawNet && sawSlow && sawFast && sawReused, "network errors %v, slow %v, fast %v, reused %v", sawNet, sawSlow, sawFast, sawReused)

	// Unknown ids: empty lists, and 404 for the message itself.
	unknown := "01935abc-def0-7123-4567-890abcdef012"
	l, err := c.Attempts.ListInbound(ctx, unknown)
	must(t, err)
	eq(t, len(l.Data), 0, "unknown inbound id: empty")
	_, err = c.Attempts.GetInboundMessage(ctx, unknown)
	check(t, errors.Is(err, hookscope.ErrNotFound), "unknown message: ErrNotFound, got %v", err)
	var apiErr *hookscope.APIError
	need(t, errors.As(err, &apiErr), "APIError")
	eq(t, apiErr.Code, hookscope.CodeMessageNotFound, "code")
	// An outbound id on the inbound path is not an inbound message.
	l, err = c.Attempts.ListInbound(ctx, srv.OutboundMessageIDs()[10])
	must(t, err)
	eq(t, len(l.Data), 0, "outbound id on the inbound path")
}

func TestSDKWebhooks(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	ctx := context.Background()
	all := collect(t, c.Webhooks.All(ctx, &hookscope.WebhookListParams{Limit: 3}))
	eq(t, len(all), 8, "generated endpoints")
	eq(t, len(srv.EndpointIDs("")), 8, "EndpointIDs")
	kinds := map[hookscope.EndpointKind]int{}
	classes := map[string]bool{}
	for i, wh := range all {
		eq(t, wh.ID, srv.EndpointIDs("")[i], "list order")
		kinds[wh.Kind]++
		check(t, wh.RecentEvents == nil, "lists never carry recent_events")
		check(t, len(wh.SigningSecret.Reveal()) > 10 && wh.SigningSecret.Reveal()[:6] == "whsec_", "signing secret")
		h := wh.Health()
		classes[h.SuccessRate.String()] = true
		classes[h.ResponseTime.String()] = true
		classes[h.Activity.String()] = true
	}
	check(t, kinds[hookscope.KindNumber] >= 3 && kinds[hookscope.KindOrganization] >= 3, "both kinds: %v", kinds)
	for _, class := range []string{"excellent", "critical", "fast", "slow", "active", "idle", "failing"} {
		check(t, classes[class], "some endpoint is %q (got %v)", class, classes)
	}

	wh, err := c.Webhooks.Get(ctx, all[2].ID, &hookscope.WebhookGetParams{IncludeEvents: true, EventsLimit: 20})
	must(t, err)
	eq(t, len(wh.RecentEvents), 20, "events_limit")
	eq(t, wh.DeliveryStats, all[2].DeliveryStats, "get and list agree")
	wh, err = c.Webhooks.Get(ctx, all[2].ID, &hookscope.WebhookGetParams{IncludeEvents: true})
	must(t, err)
	eq(t, len(wh.RecentEvents), 10, "default events_limit")
	wh, err = c.Webhooks.Get(ctx, all[2].ID, nil)
	must(t, err)
	check(t, wh.RecentEvents == nil, "no events unless asked")

	created, err := c.Webhooks.Create(ctx, &hookscope.WebhookCreateParams{Name: "New hook", URL: "https://example.com/hook"})
	must(t, err)
	check(t, len(created.ID) == 35 && created.IsActive, "created id %q active", created.ID)
	eq(t, created.CreatedAt, fixedNow, "created_at is the clock")
	eq(t, created.DeliveryStats, hookscope.DeliveryStats{}, "a new webhook has no deliveries")
	updated, err := c.Webhooks.Update(ctx, created.ID, &hookscope.WebhookUpdateParams{IsActive: new(false), Name: new("Renamed")})
	must(t, err)
	eq(t, updated.IsActive, false, "isActive set to false")
	eq(t, updated.Name, "Renamed", "name")
	eq(t, updated.URL, "https://example.com/hook", "url unchanged")
	got, err := c.Webhooks.Get(ctx, created.ID, nil)
	must(t, err)
	eq(t, got.Name, "Renamed", "update persisted")
	eq(t, len(collect(t, c.Webhooks.All(ctx, nil))), 9, "listed")
	must(t, c.Webhooks.Delete(ctx, created.ID))
	_, err = c.Webhooks.Get(ctx, created.ID, nil)
	check(t, errors.Is(err, hookscope.ErrNotFound), "deleted: not found, got %v", err)
	err = c.Webhooks.Delete(ctx, created.ID)
	check(t, errors.Is(err, hookscope.ErrNotFound), "deleting twice: not found, got %v", err)
	eq(t, len(collect(t, c.Webhooks.All(ctx, nil))), 8, "gone from the list")
}

func TestSDKAnalytics(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t)
	an, err := c.Analytics.Webhooks(context.Background())
	must(t, err)
	dm := an.DayMetrics
	check(t, dm.Total > 50, "the day has deliveries: %d", dm.Total)
	eq(t, dm.Total, dm.Success+dm.Failed+dm.Pending, "total = success + failed + pending")
	check(t, dm.Failed > 0 && dm.Pending >= 3, "failures and pending: %+v", dm)
	check(t, dm.RetryRatePct > 0 && dm.RetryRatePct < 100, "retry rate %v", dm.RetryRatePct)
	eq(t, len(an.HourlyMetrics), 24, "24 hours")
	eq(t, an.HourlyMetrics[23].Hour, fixedNow.Truncate(time.Hour), "current hour last")
	eq(t, an.Total.Webhooks, int64(8), "webhooks")
	eq(t, len(an.LastEvents), 10, "last events")
	eq(t, an.LastEvents[0].ID, srv.OutboundMessageIDs()[0], "newest first")
	eq(t, an.LastEvents[0].OrganizationID, srv.DefaultOrgID(), "organization id")
	check(t, an.LastEvents[0].CreatedAt.Equal(fixedNow.Add(-300*time.Millisecond).Truncate(time.Second)), "analytics times have seconds: %v", an.LastEvents[0].CreatedAt)
	check(t, len(an.TopEvents) == 5 && an.TopEvents[0].Count >= an.TopEvents[4].Count, "top events: %v", an.TopEvents)
	check(t, len(an.TopFailedURLs) >= 1, "top failed urls: %v", an.TopFailedURLs)
	var failedInTop int64
	for _, u := range an.TopFailedURLs {
		failedInTop += u.Count
	}
	check(t, failedInTop <= dm.Failed, "top failed urls count failed messages")
	l := an.Latency
	check(t, l.Min <= l.P50 && l.P50 <= l.P90 && l.P90 <= l.P95 && l.P95 <= l.P99 && l.P99 <= l.Max, "ordered percentiles: %+v", l)
	eq(t, dm.AvgDelayMS, l.Avg, "avg delay")
	check(t, l.Min >= 40 && l.Max <= 900, "delays in the generated range: %+v", l)
	eq(t, an.Env, "development", "env")
	check(t, an.RequestID != "", "request id")
}
