package mockserver_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

func TestPlanGates(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t)
	ctx := context.Background()
	cases := []struct {
		plan    mockserver.Plan
		finest  hookscope.Granularity
		refused []hookscope.Granularity
		bodies  bool
	}{
		{mockserver.PlanFree, hookscope.GranularityDay, []hookscope.Granularity{hookscope.GranularityHour, hookscope.GranularityMinute}, false},
		{mockserver.PlanStarter, hookscope.GranularityHour, []hookscope.Granularity{hookscope.GranularityMinute}, true},
		{mockserver.PlanPro, hookscope.GranularityMinute, nil, true},
		{mockserver.PlanEnterprise, hookscope.GranularityMinute, nil, true},
	}
	inbound := srv.InboundMessageIDs()[0]
	for _, tc := range cases {
		token := "am_test_" + string(tc.plan)
		srv.AddKey(mockserver.Key{Token: token, Plan: tc.plan, Scopes: mockserver.AllScopes()})
		c := newClient(t, srv, token)
		_, err := c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Granularity: tc.finest})
		must(t, err)
		for _, g := range tc.refused {
			_, err := c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Granularity: g})
			check(t, errors.Is(err, hookscope.ErrGranularityNotAvailable), "%s asks %s: %v", tc.plan, g, err)
			var apiErr *hookscope.APIError
			need(t, errors.As(err, &apiErr), "APIError")
			eq(t, apiErr.StatusCode, http.StatusForbidden, "status")
			eq(t, apiErr.MaxGranularity(), tc.finest, "%s max_granularity", tc.plan)
		}
		l, err := c.Attempts.ListInbound(ctx, inbound)
		must(t, err)
		need(t, len(l.Data) > 0, "attempts")
		for _, a := range l.Data {
			eq(t, a.ResponseBodyURL != "", tc.bodies && a.ResponseStatus != nil, "%s: response_body_url", tc.plan)
		}
	}
	// The default granularity (hour) is refused on free too.
	r := do(t, srv, http.MethodGet, "/v1/metrics/webhooks?metric=delivered", "am_test_free", "")
	eq(t, r.status, http.StatusForbidden, "free, default granularity")
	eq(t, dig(r.json(t), "error", "details", "max_granularity"), any("day"), "details")
}

func TestResponseBodyURL(t *testing.T) {
	t.Parallel()
	clock := mockserver.NewTestClock(fixedNow)
	srv := mockserver.New(mockserver.WithClock(clock.Now), mockserver.WithMessages(300))
	defer srv.Close()
	c := newClient(t, srv, srv.APIKey())
	var bodyURL string
	var status int
	for _, id := range srv.OutboundMessageIDs() {
		l, err := c.Attempts.ListOutbound(context.Background(), id)
		must(t, err)
		if len(l.Data) > 0 && l.Data[0].ResponseBodyURL != "" {
			bodyURL, status = l.Data[0].ResponseBodyURL, *l.Data[0].ResponseStatus
			break
		}
	}
	need(t, bodyURL != "", "an attempt with a body URL")
	check(t, strings.HasPrefix(bodyURL, srv.URL()+"/"), "served by the mock: %s", bodyURL)
	fetch := func(u string) (int, string) {
		resp, err := http.Get(u) // no API key: the URL is presigned
		must(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := fetch(bodyURL)
	eq(t, code, http.StatusOK, "fresh URL")
	if status/100 == 2 {
		eq(t, body, `{"received":true}`, "2xx body")
	} else {
		check(t, body != "", "error body")
	}
	u, _ := url.Parse(bodyURL)
	q := u.Query()
	q.Set("signature", strings.Repeat("0", 64))
	u.RawQuery = q.Encode()
	code, _ = fetch(u.String())
	eq(t, code, http.StatusForbidden, "bad signature")
	q = u.Query()
	exp := q.Get("expires")
	q.Set("expires", exp+"0")
	code, _ = fetch(strings.Replace(bodyURL, "expires="+exp, "expires="+exp+"0", 1))
	eq(t, code, http.StatusForbidden, "a later expiry is not signed")
	clock.Add(14 * time.Minute)
	code, _ = fetch(bodyURL)
	eq(t, code, http.StatusOK, "valid for 15 minutes")
	clock.Add(2 * time.Minute)
	code, _ = fetch(bodyURL)
	eq(t, code, http.StatusForbidden, "expired after 15 minutes")
}

func TestIsolation(t *testing.T) {
	t.Parallel()
	srv, a := newServer(t)
	srv.AddKey(mockserver.Key{Token: "am_test_orgb", Org: "org_b", Plan: mockserver.PlanEnterprise, Scopes: mockserver.AllScopes()})
	b := newClient(t, srv, "am_test_orgb")
	ctx := context.Background()
	epA := srv.EndpointIDs("")[0]

	page, err := b.Logs.List(ctx, nil)
	must(t, err)
	eq(t, len(page.Data), 0, "org b has no logs")
	eq(t, page.Meta.HasMore, false, "no more")
	_, err = b.Logs.List(ctx, &hookscope.LogListParams{EndpointID: epA})
	check(t, errors.Is(err, hookscope.ErrNotFound), "another org's endpoint filter: %v", err)
	var apiErr *hookscope.APIError
	need(t, errors.As(err, &apiErr), "APIError")
	eq(t, apiErr.Code, hookscope.CodeEndpointNotFound, "code")
	_, err = b.Webhooks.Get(ctx, epA, nil)
	check(t, errors.Is(err, hookscope.ErrNotFound), "another org's webhook: %v", err)
	_, err = b.Webhooks.Update(ctx, epA, &hookscope.WebhookUpdateParams{Name: new("mine")})
	check(t, errors.Is(err, hookscope.ErrNotFound), "update another org's webhook: %v", err)
	check(t, errors.Is(b.Webhooks.Delete(ctx, epA), hookscope.ErrNotFound), "delete another org's webhook")
	l, err := b.Attempts.ListInbound(ctx, srv.InboundMessageIDs()[0])
	must(t, err)
	eq(t, len(l.Data), 0, "another org's inbound attempts: empty")
	l, err = b.Attempts.ListOutbound(ctx, srv.OutboundMessageIDs()[5])
	must(t, err)
	eq(t, len(l.Data), 0, "another org's outbound attempts: empty")
	_, err = b.Attempts.GetInboundMessage(ctx, srv.InboundMessageIDs()[0])
	check(t, errors.Is(err, hookscope.ErrNotFound), "another org's inbound message: %v", err)
	m, err := b.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered})
	must(t, err)
	for _, bk := range m.Buckets {
		eq(t, *bk.Value, int64(0), "org b's metrics are zero")
	}
	m, err = b.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, GroupBy: hookscope.GroupByEndpointID})
	must(t, err)
	eq(t, len(m.Buckets), 0, "no groups")
	an, err := b.Analytics.Webhooks(ctx)
	must(t, err)
	eq(t, an.DayMetrics, hookscope.DayMetrics{}, "org b's analytics are zero")
	eq(t, an.Total, hookscope.AnalyticsTotals{}, "no webhooks")
	eq(t, len(an.LastEvents), 0, "no events")

	// Org b's own data stays its own.
	wh, err := b.Webhooks.Create(ctx, &hookscope.WebhookCreateParams{Name: "B hook", URL: "https://b.example/hook"})
	must(t, err)
	eq(t, srv.EndpointIDs("org_b"), []string{wh.ID}, "org b's endpoint")
	_, err = a.Webhooks.Get(ctx, wh.ID, nil)
	check(t, errors.Is(err, hookscope.ErrNotFound), "org a can't see org b's webhook")
	id, err := srv.AddMessage(mockserver.Message{EndpointID: wh.ID, Attempts: []mockserver.AttemptSpec{{Status: 500}, {Status: 0}, {Status: 204}}})
	must(t, err)
	rows := collect(t, b.Logs.All(ctx, nil))
	need(t, len(rows) == 1, "org b's message")
	eq(t, rows[0].MessageID, id, "id")
	eq(t, rows[0].Status, hookscope.StatusSucceeded, "status")
	eq(t, rows[0].AttemptCount, 3, "attempts")
	got, err := b.Webhooks.Get(ctx, wh.ID, &hookscope.WebhookGetParams{IncludeEvents: true})
	must(t, err)
	eq(t, got.DeliveryStats.TotalEvents, int64(1), "total")
	eq(t, got.DeliveryStats.SuccessfulDeliveries, int64(1), "successful")
	eq(t, got.DeliveryStats.FailedDeliveries, int64(2), "failed attempts")
	eq(t, got.DeliveryStats.SuccessRate, 100.0, "rate")
	eq(t, got.RecentEvents[0].RetryCount, 2, "retry count")
	l, err = a.Attempts.ListOutbound(ctx, id)
	must(t, err)
	eq(t, len(l.Data), 0, "org a can't see org b's attempts")
	l, err = b.Attempts.ListOutbound(ctx, id)
	must(t, err)
	eq(t, len(l.Data), 3, "org b sees them")
	eq(t, l.Data[2].RetryType, hookscope.RetryFast, "retry type")
	ma, err := a.Logs.List(ctx, &hookscope.LogListParams{Limit: 1})
	must(t, err)
	check(t, ma.Data[0].MessageID != id, "org a's logs don't show it")
}

func TestWebhookIdempotency(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t)
	body := `{"name": "Once", "url": "https://once.example/hook"}`
	r1 := do(t, srv, http.MethodPost, "/api/v0/webhooks", srv.APIKey(), body, "Idempotency-Key", "k-1")
	r2 := do(t, srv, http.MethodPost, "/api/v0/webhooks", srv.APIKey(), body, "Idempotency-Key", "k-1")
	eq(t, r1.status, http.StatusCreated, "first")
	eq(t, r2.status, http.StatusCreated, "replay")
	eq(t, string(r2.body), string(r1.body), "same webhook")
	eq(t, len(srv.EndpointIDs("")), 9, "created once")
	r3 := do(t, srv, http.MethodPost, "/api/v0/webhooks", srv.APIKey(), body, "Idempotency-Key", "k-2")
	check(t, dig(r3.json(t), "id") != dig(r1.json(t), "id"), "another key, another webhook")
	// The same key from another organization is another request.
	srv.AddKey(mockserver.Key{Token: "am_test_other", Org: "other", Plan: mockserver.PlanPro, Scopes: mockserver.AllScopes()})
	r4 := do(t, srv, http.MethodPost, "/api/v0/webhooks", "am_test_other", body, "Idempotency-Key", "k-1")
	check(t, dig(r4.json(t), "id") != dig(r1.json(t), "id"), "another org")
	eq(t, len(srv.EndpointIDs("other")), 1, "other org's webhook")

	// The SDK's retried create (a 503 then a success) makes one webhook.
	c := newClient(t, srv, srv.APIKey(), hookscope.WithMaxRetries(2), hookscope.WithRetryWait(time.Millisecond, 5*time.Millisecond))
	srv.InjectFault(mockserver.Fault{Path: "/api/v0/webhooks", Method: http.MethodPost, Status: 503, Times: 1})
	_, err := c.Webhooks.Create(context.Background(), &hookscope.WebhookCreateParams{Name: "Retried", URL: "https://r.example"})
	must(t, err)
	eq(t, len(srv.EndpointIDs("")), 11, "one more webhook")

	// A DELETE retried after its answer was lost gets the first answer
	// (204), not a 404 for the webhook it already deleted; without the key,
	// the second DELETE is a 404.
	id := dig(r1.json(t), "id").(string)
	d1 := do(t, srv, http.MethodDelete, "/api/v0/webhooks/"+id, srv.APIKey(), "", "Idempotency-Key", "del-1")
	d2 := do(t, srv, http.MethodDelete, "/api/v0/webhooks/"+id, srv.APIKey(), "", "Idempotency-Key", "del-1")
	eq(t, d1.status, http.StatusNoContent, "delete")
	eq(t, d2.status, http.StatusNoContent, "replayed delete")
	d3 := do(t, srv, http.MethodDelete, "/api/v0/webhooks/"+id, srv.APIKey(), "")
	eq(t, d3.status, http.StatusNotFound, "a new delete of a deleted webhook")

	// A PATCH replay returns the first answer even after another change.
	id2 := dig(r3.json(t), "id").(string)
	p1 := do(t, srv, http.MethodPatch, "/api/v0/webhooks/"+id2, srv.APIKey(), `{"name":"First"}`, "Idempotency-Key", "patch-1")
	do(t, srv, http.MethodPatch, "/api/v0/webhooks/"+id2, srv.APIKey(), `{"name":"Second"}`, "Idempotency-Key", "patch-2")
	p3 := do(t, srv, http.MethodPatch, "/api/v0/webhooks/"+id2, srv.APIKey(), `{"name":"First"}`, "Idempotency-Key", "patch-1")
	eq(t, p1.status, http.StatusOK, "patch")
	eq(t, string(p3.body), string(p1.body), "replayed patch answer")
	eq(t, dig(do(t, srv, http.MethodGet, "/api/v0/webhooks/"+id2, srv.APIKey(), "").json(t), "name"), "Second", "the replay changed nothing")
}
