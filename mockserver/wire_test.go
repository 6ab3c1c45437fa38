package mockserver_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/hookscope/hookscope-go/mockserver"
)

func keys(v any) []string {
	m, _ := v.(map[string]any)
	return slices.Sorted(maps.Keys(m))
}

// TestWireShapes pins the envelopes and rows to the keys of the seeds'
// example bodies (plus the fields the API added since).
func TestWireShapes(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t)
	ep := srv.EndpointIDs("")[1]

	m := get(t, srv, "/v1/metrics/webhooks?metric=delivered&limit=2").json(t)
	eq(t, keys(m), []string{"data", "meta", "success"}, "metrics envelope")
	eq(t, keys(m["data"]), []string{"buckets", "from", "granularity", "metric", "to"}, "metrics data")
	eq(t, keys(m["meta"]), []string{"as_of", "limit", "next_cursor"}, "metrics meta")
	eq(t, keys(dig(m, "data").(map[string]any)["buckets"].([]any)[0]), []string{"bucket_start", "value"}, "bucket")
	m = get(t, srv, "/v1/metrics/webhooks?metric=delivered&limit=2&group_by=kind&compare_to=prior_period").json(t)
	eq(t, keys(m["data"]), []string{"buckets", "from", "granularity", "metric", "prior_from", "prior_to", "to"}, "compared data")
	eq(t, keys(dig(m, "data").(map[string]any)["buckets"].([]any)[0]), []string{"bucket_start", "group", "prior_value", "value"}, "grouped bucket")
	m = get(t, srv, "/v1/metrics/webhooks?metric=delivered&limit=5000").json(t)
	eq(t, dig(m, "meta", "next_cursor"), nil, "next_cursor null on the last page")

	l := get(t, srv, "/v1/logs?limit=500").json(t)
	eq(t, keys(l), []string{"data", "meta"}, "logs envelope")
	eq(t, keys(l["meta"]), []string{"has_more", "next_cursor", "request_id"}, "logs meta")
	seen := map[string][]string{}
	for _, row := range l["data"].([]any) {
		st := dig(row, "status").(string)
		if _, ok := seen[st]; !ok {
			seen[st] = keys(row)
		}
	}
	base := []string{"attempt_count", "created_at", "endpoint", "message_id", "status"}
	eq(t, seen["queued"], base, "queued row")
	eq(t, seen["succeeded"], []string{"attempt_count", "created_at", "delivered_at", "endpoint", "message_id", "response_latency_ms", "response_status", "status"}, "succeeded row (seed)")
	check(t, slices.Contains(seen["pending_retry"], "next_attempt_at") && slices.Contains(seen["pending_retry"], "last_error"), "pending_retry row (seed): %v", seen["pending_retry"])

	a := get(t, srv, "/v1/inbound-messages/"+srv.InboundMessageIDs()[0]+"/attempts").json(t)
	eq(t, keys(a), []string{"data", "meta"}, "attempts envelope")
	eq(t, keys(a["meta"]), []string{"has_more", "request_id"}, "attempts meta")
	for _, at := range a["data"].([]any) {
		check(t, !slices.Contains(keys(at), "processing_ms"), "inbound: no processing_ms")
		for _, k := range []string{"id", "attempt_no", "created_at", "conn_reused"} {
			check(t, slices.Contains(keys(at), k), "attempt has %s", k)
		}
	}

	w := get(t, srv, "/api/v0/webhooks/"+ep+"?include_events=true").json(t)
	for _, k := range []string{"id", "name", "url", "isActive", "encrypted", "signing_secret", "created_at", "updated_at", "delivery_stats", "app", "recent_events"} {
		check(t, slices.Contains(keys(w), k), "webhook has %s", k)
	}
	eq(t, keys(w["delivery_stats"]), []string{"average_response_time", "failed_deliveries", "last_24h_events", "last_24h_failures", "last_delivery", "success_rate", "successful_deliveries", "total_events"}, "delivery_stats")
	eq(t, keys(w["app"]), []string{"id", "name"}, "app")
	list := get(t, srv, "/api/v0/webhooks").json(t)
	eq(t, keys(list), []string{"data", "meta"}, "webhook list")
	eq(t, keys(list["meta"]), []string{"has_more", "next_cursor"}, "webhook list meta")

	an := get(t, srv, "/analytics/webhooks").json(t)
	eq(t, keys(an), []string{"data", "env", "error", "log", "message", "status", "support_id", "validator"}, "analytics envelope (seed)")
	eq(t, keys(an["data"]), []string{"day_metrics", "hourly_metrics", "last_events", "latency", "top_events", "top_failed_urls", "total"}, "analytics data (seed)")
	eq(t, keys(dig(an, "data", "day_metrics")), []string{"avg_delay_ms", "failed", "pending", "retry_rate_pct", "success", "total"}, "day_metrics")
	ev := dig(an, "data").(map[string]any)["last_events"].([]any)[5]
	eq(t, keys(ev), []string{"created_at", "delay_ms", "done", "error", "event", "first_sent_at", "id", "organization_id", "payload", "resource_id",
		"response_body", "response_status", "retries", "updated_at", "url", "webhook_id"}, "last event (seed)")
	check(t, len(dig(ev, "created_at").(string)) == len("2025-07-01 23:26:30"), "analytics time format: %v", dig(ev, "created_at"))
	done := dig(ev, "done")
	check(t, done == 0.0 || done == 1.0, "done is 0 or 1: %v", done)
	eq(t, len(dig(an, "data", "hourly_metrics").([]any)), 24, "hourly")

	// Unknown paths still answer JSON with a request id.
	r := get(t, srv, "/nope")
	eq(t, keys(r.json(t)), []string{"error", "meta"}, "404 envelope")
	_ = mockserver.BodyURLValidity
}
