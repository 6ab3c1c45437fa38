package mockserver_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

func TestFaultStatus(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(50))
	ep := srv.EndpointIDs("")[0]
	cases := []struct {
		path   string
		status int
		code   string
	}{
		{"/v1/logs", 503, hookscope.CodeInternalError},
		{"/v1/logs", 429, hookscope.CodeRateLimited},
		{"/v1/metrics/webhooks", 500, hookscope.CodeInternalError},
		{"/v1/metrics/webhooks", 429, hookscope.CodeRateLimited},
		{"/api/v0/webhooks/" + ep, 503, hookscope.CodeInternalError},
		{"/api/v0/webhooks/" + ep, 404, hookscope.CodeWebhookNotFound},
		{"/analytics/webhooks", 502, hookscope.CodeInternalError},
		{"/analytics/webhooks", 401, hookscope.CodeUnauthorized},
		{"/v1/inbound-messages/" + srv.InboundMessageIDs()[0] + "/attempts", 403, hookscope.CodeForbidden},
	}
	for _, tc := range cases {
		srv.InjectFault(mockserver.Fault{Path: tc.path, Status: tc.status, Times: 1, RetryAfter: 1500 * time.Millisecond})
		r := get(t, srv, tc.path+"?metric=delivered")
		eq(t, r.status, tc.status, "%s status", tc.path)
		code, _, rid := errorOf(t, r)
		eq(t, code, tc.code, "%s %d code", tc.path, tc.status)
		eq(t, rid, r.header.Get("X-Request-Id"), "%s request id in the envelope", tc.path)
		eq(t, r.header.Get("Retry-After"), "2", "%s Retry-After rounds up to seconds", tc.path)
		eq(t, get(t, srv, tc.path+"?metric=delivered").status, http.StatusOK, "%s: Times 1 is used up", tc.path)
	}
	// The family envelopes carry their shapes under faults too.
	srv.InjectFault(mockserver.Fault{Path: "/v1/metrics/webhooks", Status: 503, Times: 1})
	eq(t, get(t, srv, "/v1/metrics/webhooks").json(t)["success"], any(false), "metrics envelope")
	srv.InjectFault(mockserver.Fault{Path: "/analytics/webhooks", Status: 503, Times: 1})
	eq(t, get(t, srv, "/analytics/webhooks").json(t)["status"], any(503.0), "analytics envelope")
}

func TestFaultTimesMethodAndClear(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(50))
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Status: 503, Times: 2})
	eq(t, get(t, srv, "/v1/logs").status, 503, "first")
	eq(t, get(t, srv, "/v1/logs").status, 503, "second")
	eq(t, get(t, srv, "/v1/logs").status, 200, "third passes")

	srv.InjectFault(mockserver.Fault{Path: "/api/v0/webhooks", Method: http.MethodPost, Status: 500})
	eq(t, get(t, srv, "/api/v0/webhooks").status, 200, "GET is not faulted")
	for range 3 {
		r := do(t, srv, http.MethodPost, "/api/v0/webhooks", srv.APIKey(), `{"name":"x","url":"https://x.example"}`)
		eq(t, r.status, 500, "Times 0 is every request")
	}
	srv.ClearFaults()
	r := do(t, srv, http.MethodPost, "/api/v0/webhooks", srv.APIKey(), `{"name":"x","url":"https://x.example"}`)
	eq(t, r.status, http.StatusCreated, "cleared")
}

func TestFaultRetriedBySDK(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(50))
	c := newClient(t, srv, srv.APIKey(), hookscope.WithMaxRetries(3), hookscope.WithRetryWait(time.Millisecond, 10*time.Millisecond))
	// No Retry-After: the client's own 1-10 ms backoff, no stopwatch (the
	// SDK's tests check that it sleeps a Retry-After, with their sleeper;
	// TestFaultStatus checks the header the fault sends).
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Status: 503, Times: 2})
	page, err := c.Logs.List(context.Background(), &hookscope.LogListParams{Limit: 5})
	must(t, err)
	eq(t, len(page.Data), 5, "rows after two 503s")
	var statuses []int
	for _, r := range srv.Requests() {
		if r.Path == "/v1/logs" {
			statuses = append(statuses, r.Status)
		}
	}
	eq(t, statuses, []int{503, 503, 200}, "journal")

	// A 429 whose Retry-After passes the client's cap returns at once.
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Status: 429, Times: 1, RetryAfter: time.Hour})
	_, err = c.Logs.List(context.Background(), nil)
	check(t, errors.Is(err, hookscope.ErrRateLimited), "rate limited: %v", err)
	var apiErr *hookscope.APIError
	need(t, errors.As(err, &apiErr), "APIError")
	eq(t, apiErr.RetryAfter, time.Hour, "RetryAfter")
}

func TestFaultDelay(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t, mockserver.WithMessages(50))
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Delay: 300 * time.Millisecond, Times: 1})
	start := time.Now()
	_, err := c.Logs.List(context.Background(), nil)
	must(t, err)
	check(t, time.Since(start) >= 300*time.Millisecond, "answered late: %v", time.Since(start))

	// The caller's deadline ends the wait, on both sides.
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Delay: time.Minute, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	// No stopwatch: a wait that outlived the deadline would not end in
	// DeadlineExceeded before the minute, and a hang fails at the test timeout.
	_, err = c.Logs.List(ctx, nil)
	check(t, errors.Is(err, context.DeadlineExceeded), "deadline: %v", err)

	// Delay with a Status: late, then the error.
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Delay: 100 * time.Millisecond, Status: 504, Times: 1})
	start = time.Now()
	r := get(t, srv, "/v1/logs")
	eq(t, r.status, 504, "status after the delay")
	check(t, time.Since(start) >= 100*time.Millisecond, "late")
}

func TestFaultDrop(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t, mockserver.WithMessages(50))
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Drop: true, Times: 1})
	resp, err := http.Get(srv.URL() + "/v1/logs")
	if err == nil {
		resp.Body.Close()
		t.Fatalf("a dropped connection gave status %d", resp.StatusCode)
	}
	reqs := srv.Requests()
	eq(t, reqs[len(reqs)-1].Status, 0, "journal: no status")

	// The SDK retries a dropped connection.
	c2 := newClient(t, srv, srv.APIKey(), hookscope.WithMaxRetries(2), hookscope.WithRetryWait(time.Millisecond, 5*time.Millisecond))
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Drop: true, Times: 1})
	_, err = c2.Logs.List(context.Background(), nil)
	must(t, err)
	// The dropped try is journaled before its connection closes, so it is
	// there, in order, as soon as the call returns.
	reqs = srv.Requests()
	eq(t, []int{reqs[len(reqs)-2].Status, reqs[len(reqs)-1].Status}, []int{0, 200}, "journal: the drop, then the retry")
	// Without retries (and without connection reuse, on which net/http itself
	// retries an unanswered GET) the drop is an error.
	c3 := newClient(t, srv, srv.APIKey(), hookscope.WithHTTPClient(&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}))
	srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Drop: true, Times: 1})
	_, err = c3.Logs.List(context.Background(), nil)
	check(t, err != nil, "without retries the drop is an error")
	_ = c
}

func TestRequestsJournal(t *testing.T) {
	t.Parallel()
	srv, c := newServer(t, mockserver.WithMessages(20))
	_, err := c.Logs.List(context.Background(), &hookscope.LogListParams{Limit: 3, Status: hookscope.StatusSucceeded})
	must(t, err)
	reqs := srv.Requests()
	need(t, len(reqs) == 1, "one request")
	r := reqs[0]
	eq(t, r.Method, http.MethodGet, "method")
	eq(t, r.Path, "/v1/logs", "path")
	eq(t, r.Query.Get("limit"), "3", "query")
	eq(t, r.Status, 200, "status")
	eq(t, r.Header.Get("Authorization"), "Bearer am_test_[REDACTED]", "the token is redacted")
	check(t, !strings.Contains(fmt.Sprint(r), srv.APIKey()), "the key appears nowhere")

	// Bounded to the last 10,000.
	h := srv.Handler()
	for i := range 10005 {
		req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/nowhere/%d", i), nil)
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	reqs = srv.Requests()
	eq(t, len(reqs), 10000, "bounded")
	eq(t, reqs[0].Path, "/nowhere/5", "oldest kept")
	eq(t, reqs[len(reqs)-1].Path, "/nowhere/10004", "newest last")
	eq(t, reqs[len(reqs)-1].Status, 404, "status")
}

// TestConcurrentUse: one client shared by 32 goroutines mixing reads and
// writes, with AddMessage and faults beside them (run with -race).
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(1000))
	// Every goroutine injects one 503 fault, so a call may meet several in a row.
	c := newClient(t, srv, srv.APIKey(), hookscope.WithMaxRetries(40), hookscope.WithRetryWait(time.Millisecond, 2*time.Millisecond))
	ctx := context.Background()
	eps := srv.EndpointIDs("")
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 32 {
		wg.Go(func() {
			for i := range 8 {
				var err error
				switch (g + i) % 8 {
				case 0:
					_, err = c.Logs.List(ctx, &hookscope.LogListParams{Limit: 20})
				case 1:
					_, err = c.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricFailed, GroupBy: hookscope.GroupByEndpointID})
				case 2:
					var wh *hookscope.Webhook
					wh, err = c.Webhooks.Create(ctx, &hookscope.WebhookCreateParams{Name: fmt.Sprint("g", g), URL: "https://c.example/hook"})
					if err == nil {
						_, err = c.Webhooks.Update(ctx, wh.ID, &hookscope.WebhookUpdateParams{IsActive: new(false)})
					}
					if err == nil {
						err = c.Webhooks.Delete(ctx, wh.ID)
					}
				case 3:
					_, err = c.Analytics.Webhooks(ctx)
				case 4:
					_, err = srv.AddMessage(mockserver.Message{EndpointID: eps[g%len(eps)], Attempts: []mockserver.AttemptSpec{{Status: 503}}})
				case 5:
					_, err = c.Webhooks.Get(ctx, eps[i%len(eps)], &hookscope.WebhookGetParams{IncludeEvents: true})
				case 6:
					_, err = c.Attempts.ListInbound(ctx, srv.InboundMessageIDs()[i])
				case 7:
					srv.InjectFault(mockserver.Fault{Path: "/v1/logs", Status: 503, Times: 1})
					_ = srv.Requests()
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	eq(t, len(srv.EndpointIDs("")), len(eps), "every created webhook was deleted")
}

// TestManyServers: servers are independent (no package-level state).
func TestManyServers(t *testing.T) {
	t.Parallel()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			srv := mockserver.New(mockserver.WithSeed(int64(i)), mockserver.WithMessages(100+i), mockserver.WithClock(fixedClock))
			defer srv.Close()
			eq(t, len(srv.OutboundMessageIDs()), 100+i, "server %d messages", i)
			eq(t, get(t, srv, "/v1/logs").status, 200, "server %d answers", i)
		})
	}
	wg.Wait()
}
