// Command quickstart walks every endpoint of the hookscope API through the
// SDK and prints a short report:
//
//	go run ./examples/quickstart
//
// Without HOOKSCOPE_API_KEY it runs against an in-process mock server with a
// fixed seed; with it, against your account at HOOKSCOPE_BASE_URL (default
// hookscope.DefaultBaseURL). The API has no list of inbound messages, so
// against it pass their ids with -inbound id1,id2.
package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/examples/internal/exampleenv"
	"github.com/hookscope/hookscope-go/mockserver"
)

func main() {
	log.SetFlags(0)
	fs := exampleenv.NewFlags("quickstart", "Walks every endpoint of the hookscope API through the SDK and prints a short report.")
	inbound := fs.String("inbound", "", "comma-separated inbound message ids to report (the mock lists its own)")
	asJSON := exampleenv.JSONFlag(fs)
	exampleenv.ParseOrExit(fs)
	env, err := exampleenv.Connect(3000)
	if err != nil {
		log.Fatalf("quickstart: %v", err)
	}
	defer env.Close()
	var ids []string
	if *inbound != "" {
		ids = strings.Split(*inbound, ",")
	}
	if err := runReport(context.Background(), os.Stdout, env, ids, *asJSON); err != nil {
		env.Close()
		log.Fatalf("quickstart: %v", err)
	}
}

// jsonReport is what -json prints: the report's figures.
type jsonReport struct {
	Source string    `json:"source"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	// Endpoints: success_rate_pct counts messages; the attempts columns
	// count attempts in [from, to), retries included.
	Endpoints []jsonEndpoint `json:"endpoints"`
	// OKAttempts and FailedAttempts total the endpoints' attempts, deleted
	// endpoints included.
	OKAttempts     int64                       `json:"ok_attempts"`
	FailedAttempts int64                       `json:"failed_attempts"`
	Slowest        []hookscope.Attempt         `json:"slowest_attempts"`
	Inbound        []hookscope.InboundMessage  `json:"inbound_messages"`
	Today          *hookscope.WebhookAnalytics `json:"today,omitempty"`
	PlanGate       jsonPlanGate                `json:"plan_gate"`
}

type jsonEndpoint struct {
	ID             string  `json:"id"`
	Name           string  `json:"name"`
	Kind           string  `json:"kind"`
	SuccessRatePct float64 `json:"success_rate_pct"`
	SuccessRate    string  `json:"success_rate_class"`
	ResponseTime   string  `json:"response_time_class"`
	Activity       string  `json:"activity"`
	OKAttempts     int64   `json:"ok_attempts"`
	FailedAttempts int64   `json:"failed_attempts"`
}

// jsonPlanGate: the granularity asked for, the one used, and the
// successful attempts of the window summed over every bucket.
type jsonPlanGate struct {
	Asked      hookscope.Granularity `json:"asked"`
	Used       hookscope.Granularity `json:"used"`
	Refused    string                `json:"refused,omitempty"`
	Buckets    int                   `json:"buckets"`
	OKAttempts int64                 `json:"ok_attempts"`
}

// runReport writes the report to out, as text or as JSON.
func runReport(ctx context.Context, out io.Writer, env *exampleenv.Env, inboundIDs []string, asJSON bool) (err error) {
	c := env.Client
	// One window for every "last 24 h" figure, so that they add up.
	to := time.Now().UTC().Truncate(time.Second)
	w := window{from: to.Add(-24 * time.Hour), to: to}
	rep := &jsonReport{Source: env.Source, From: w.from, To: w.to, Endpoints: []jsonEndpoint{},
		Slowest: []hookscope.Attempt{}, Inbound: []hookscope.InboundMessage{}}
	if asJSON {
		defer func(real io.Writer) {
			if err == nil { // a report that failed half way is not printed
				enc := json.NewEncoder(real)
				enc.SetIndent("", "  ")
				err = enc.Encode(rep)
			}
		}(out)
		out = io.Discard
	}
	fmt.Fprintf(out, "hookscope quickstart against %s\n\n", env.Source)
	if err := reportEndpoints(ctx, out, c, w, rep); err != nil {
		return err
	}
	if err := reportSlowest(ctx, out, c, w, rep); err != nil {
		return err
	}
	if len(inboundIDs) == 0 && env.Mock != nil {
		inboundIDs = env.Mock.InboundMessageIDs()
	}
	if err := reportInbound(ctx, out, c, inboundIDs, rep); err != nil {
		return err
	}
	if err := reportAnalytics(ctx, out, c, rep); err != nil {
		return err
	}
	if env.Mock != nil {
		// Show the plan gate with a free-plan key of the mock's own.
		env.Mock.AddKey(mockserver.Key{Token: "am_test_free_plan", Plan: mockserver.PlanFree, Scopes: []string{mockserver.ScopeMetricsRead}})
		free, err := hookscope.NewClient("am_test_free_plan", hookscope.WithBaseURL(env.Mock.URL()))
		if err != nil {
			return err
		}
		return reportPlanGate(ctx, out, free, "a free key", hookscope.GranularityHour, w, rep)
	}
	return reportPlanGate(ctx, out, c, "your key", hookscope.GranularityMinute, w, rep)
}

// window is the span of the report's "last 24 h" figures: [from, to).
type window struct{ from, to time.Time }

// sumBuckets sums a metrics query over every page of its buckets and
// returns the number of buckets and the sum of the aggregated ones.
func sumBuckets(ctx context.Context, c *hookscope.Client, params *hookscope.WebhookMetricsParams) (int, int64, error) {
	var n int
	var total int64
	for b, err := range c.Metrics.WebhookBuckets(ctx, params) {
		if err != nil {
			return 0, 0, err
		}
		n++
		if b.Value != nil {
			total += *b.Value
		}
	}
	return n, total, nil
}

// reportEndpoints prints each endpoint's health (its success rate counts
// messages) and its successful and failed attempts in w, from
// GET /api/v0/webhooks/{id} and GET /v1/metrics/webhooks grouped by
// endpoint, with their totals.
func reportEndpoints(ctx context.Context, out io.Writer, c *hookscope.Client, w window, rep *jsonReport) error {
	last24h := func(metric hookscope.Metric) (map[string]int64, error) {
		out := map[string]int64{}
		params := &hookscope.WebhookMetricsParams{Metric: metric, GroupBy: hookscope.GroupByEndpointID, From: w.from, To: w.to}
		for b, err := range c.Metrics.WebhookBuckets(ctx, params) {
			if err != nil {
				return nil, fmt.Errorf("metrics %s: %w", metric, err)
			}
			if b.Value != nil {
				out[b.Group] += *b.Value
			}
		}
		return out, nil
	}
	delivered, err := last24h(hookscope.MetricDelivered)
	if err != nil {
		return err
	}
	failed, err := last24h(hookscope.MetricFailed)
	if err != nil {
		return err
	}

	fmt.Fprintln(out, "Endpoints (health from delivery_stats and recent events: MESSAGES OK is the share of")
	fmt.Fprintln(out, "messages delivered; attempts of the last 24 h from metrics, retries included)")
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tKIND\tMESSAGES OK\tRESPONSE TIME\tACTIVITY\t24H OK ATTEMPTS\t24H FAILED ATTEMPTS")
	var shownOK, shownFailed int64
	for listed, err := range c.Webhooks.All(ctx, nil) {
		if err != nil {
			return fmt.Errorf("webhooks: %w", err)
		}
		wh, err := c.Webhooks.Get(ctx, listed.ID, &hookscope.WebhookGetParams{IncludeEvents: true})
		if err != nil {
			return fmt.Errorf("webhook %s: %w", listed.ID, err)
		}
		h := wh.Health()
		st := wh.DeliveryStats
		fmt.Fprintf(tw, "  %s\t%s\t%s (%.2f%%)\t%s (%.0f ms)\t%s\t%d\t%d\n", wh.Name, wh.Kind,
			h.SuccessRate, st.SuccessRate, h.ResponseTime, st.AverageResponseTime, h.Activity, delivered[wh.ID], failed[wh.ID])
		rep.Endpoints = append(rep.Endpoints, jsonEndpoint{ID: wh.ID, Name: wh.Name, Kind: string(wh.Kind), SuccessRatePct: st.SuccessRate,
			SuccessRate: h.SuccessRate.String(), ResponseTime: h.ResponseTime.String(), Activity: h.Activity.String(),
			OKAttempts: delivered[wh.ID], FailedAttempts: failed[wh.ID]})
		shownOK += delivered[wh.ID]
		shownFailed += failed[wh.ID]
	}
	var allOK, allFailed int64
	for _, n := range delivered {
		allOK += n
	}
	for _, n := range failed {
		allFailed += n
	}
	rep.OKAttempts, rep.FailedAttempts = allOK, allFailed
	fmt.Fprintf(tw, "  TOTAL\t\t\t\t\t%d\t%d\n", allOK, allFailed)
	if allOK != shownOK || allFailed != shownFailed {
		fmt.Fprintf(tw, "  (of which deleted endpoints)\t\t\t\t\t%d\t%d\n", allOK-shownOK, allFailed-shownFailed)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(out)
	return nil
}

// reportSlowest finds the slowest attempts of the last 24 hours: the log rows
// (GET /v1/logs) with the highest latency, drilled into with
// GET /v1/messages/{id}/attempts for their timing breakdown.
func reportSlowest(ctx context.Context, out io.Writer, c *hookscope.Client, w window, rep *jsonReport) error {
	var rows []hookscope.LogEntry
	for e, err := range c.Logs.All(ctx, &hookscope.LogListParams{StartTime: w.from, EndTime: w.to, Limit: 500}) {
		if err != nil {
			return fmt.Errorf("logs: %w", err)
		}
		if e.ResponseLatencyMS != nil {
			rows = append(rows, *e)
		}
	}
	slices.SortFunc(rows, func(a, b hookscope.LogEntry) int { return cmp.Compare(*b.ResponseLatencyMS, *a.ResponseLatencyMS) })
	fmt.Fprintf(out, "Slowest attempts of the last 24 h (%d messages with a response)\n", len(rows))
	for _, e := range rows[:min(5, len(rows))] {
		list, err := c.Attempts.ListOutbound(ctx, e.MessageID)
		if err != nil {
			return fmt.Errorf("attempts of %s: %w", e.MessageID, err)
		}
		a := list.Data[len(list.Data)-1]
		rep.Slowest = append(rep.Slowest, a)
		fmt.Fprintf(out, "  %6d ms  %-52s %s  [dns %s, tcp %s, tls %s, ttfb %s, transfer %s, reused %v]\n",
			*a.ResponseLatencyMS, e.Endpoint, statusText(a.ResponseStatus),
			ms(a.DNSMS), ms(a.TCPConnectMS), ms(a.TLSHandshakeMS), ms(a.TTFBMS), ms(a.TransferMS), a.ConnReused)
	}
	fmt.Fprintln(out)
	return nil
}

// reportInbound reads the attempts of the newest inbound messages
// (GET /v1/inbound-messages/{id} and its attempts), showing the 200-attempt cap.
func reportInbound(ctx context.Context, out io.Writer, c *hookscope.Client, ids []string, rep *jsonReport) error {
	fmt.Fprintln(out, "Inbound messages")
	if len(ids) == 0 {
		fmt.Fprintln(out, "  (the API lists no inbound messages: pass their ids with -inbound id1,id2)")
	}
	shown := 0
	for _, id := range ids {
		msg, err := c.Attempts.GetInboundMessage(ctx, id)
		if err != nil {
			return fmt.Errorf("inbound message %s: %w", id, err)
		}
		list, err := c.Attempts.ListInbound(ctx, id)
		if err != nil {
			return fmt.Errorf("inbound attempts %s: %w", id, err)
		}
		if len(list.Data) == 0 || (shown >= 3 && !list.Meta.HasMore) {
			continue
		}
		shown++
		rep.Inbound = append(rep.Inbound, *msg)
		note := ""
		if list.Meta.HasMore {
			note = fmt.Sprintf(" (capped: %d of %d attempts shown, has_more)", len(list.Data), msg.AttemptCount)
		}
		last := list.Data[len(list.Data)-1]
		fmt.Fprintf(out, "  %s %-16s %-14s %3d attempts, last %s%s\n", msg.ID, msg.EventType, msg.Status, len(list.Data), statusText(last.ResponseStatus), note)
		if list.Meta.HasMore {
			break
		}
	}
	fmt.Fprintln(out)
	return nil
}

// reportAnalytics prints today's figures from GET /analytics/webhooks.
func reportAnalytics(ctx context.Context, out io.Writer, c *hookscope.Client, rep *jsonReport) error {
	an, err := c.Analytics.Webhooks(ctx)
	if err != nil {
		return fmt.Errorf("analytics: %w", err)
	}
	rep.Today = an
	dm := an.DayMetrics
	fmt.Fprintln(out, "Today (UTC)")
	fmt.Fprintf(out, "  %d messages: %d succeeded, %d failed, %d pending; %.2f%% of them needed a retry\n", dm.Total, dm.Success, dm.Failed, dm.Pending, dm.RetryRatePct)
	fmt.Fprintf(out, "  delay to the first attempt: p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, max %.0f ms\n", an.Latency.P50, an.Latency.P95, an.Latency.P99, an.Latency.Max)
	var top []string
	for _, e := range an.TopEvents {
		top = append(top, fmt.Sprintf("%s %d", e.Event, e.Count))
	}
	fmt.Fprintf(out, "  top events (messages): %s\n", strings.Join(top, ", "))
	for _, u := range an.TopFailedURLs {
		fmt.Fprintf(out, "  failed messages: %s (%d)\n", u.URL, u.Count)
	}
	if len(an.TopFailedURLs) == 0 {
		// Early in the UTC day there may be none yet.
		fmt.Fprintln(out, "  failed messages: none today")
	}
	fmt.Fprintln(out)
	return nil
}

// reportPlanGate asks c for the delivered attempts of w at granularity g,
// over every page of buckets. When the plan does not allow g, the error is
// handled through errors.Is and the query is sent again at the finest
// granularity the plan allows (APIError.MaxGranularity). The sum covers w
// exactly at any granularity (a bucket counts only its part inside the
// window), so it equals the TOTAL of 24H OK ATTEMPTS above.
func reportPlanGate(ctx context.Context, out io.Writer, c *hookscope.Client, who string, g hookscope.Granularity, w window, rep *jsonReport) error {
	params := &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered, Granularity: g, From: w.from, To: w.to}
	n, total, err := sumBuckets(ctx, c, params)
	defer func() {
		rep.PlanGate.Asked, rep.PlanGate.Used, rep.PlanGate.Buckets, rep.PlanGate.OKAttempts = g, params.Granularity, n, total
	}()
	if errors.Is(err, hookscope.ErrGranularityNotAvailable) {
		apiErr, _ := errors.AsType[*hookscope.APIError](err)
		fmt.Fprintf(out, "Plan gate: %s metrics with %s: %s\n", g, who, apiErr.Message)
		rep.PlanGate.Refused = apiErr.Message
		params.Granularity = apiErr.MaxGranularity()
		if n, total, err = sumBuckets(ctx, c, params); err != nil {
			return fmt.Errorf("metrics at %s: %w", params.Granularity, err)
		}
		fmt.Fprintf(out, "  retried at the plan's finest granularity (%s): %d buckets over the last 24 h, %d successful attempts\n",
			params.Granularity, n, total)
		return nil
	}
	if err != nil {
		return fmt.Errorf("metrics at %s: %w", g, err)
	}
	fmt.Fprintf(out, "Plan gate: %s metrics are allowed with %s: %d buckets over the last 24 h, %d successful attempts\n", g, who, n, total)
	return nil
}

func ms(v *int64) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprint(*v)
}

func statusText(status *int) string {
	if status == nil {
		return "network error"
	}
	return fmt.Sprint(*status)
}
