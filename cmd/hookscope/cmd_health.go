package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/spf13/cobra"

	hookscope "github.com/hookscope/hookscope-go"
)

// healthRow is one endpoint in health's output. The JSON names say what is
// counted: messages (one per event sent) or attempts (every try, retries
// included).
type healthRow struct {
	EndpointID string `json:"endpoint_id"`
	Name       string `json:"name"`
	URL        string `json:"url"`
	Kind       string `json:"kind,omitempty"`
	Active     bool   `json:"active"`
	// MessageSuccessRatePct is delivered messages / messages sent, in percent.
	MessageSuccessRatePct float64 `json:"message_success_rate_pct"`
	SuccessRateClass      string  `json:"success_rate_class"`
	// AvgResponseTimeMS is the mean response time of the attempts that got a
	// response.
	AvgResponseTimeMS   float64    `json:"avg_response_time_ms"`
	ResponseTimeClass   string     `json:"response_time_class"`
	Activity            string     `json:"activity"`
	Messages24h         int64      `json:"messages_24h"`
	FailedAttempts24h   int64      `json:"failed_attempts_24h"`
	MessagesTotal       int64      `json:"messages_total"`
	DeliveredMessages   int64      `json:"delivered_messages_total"`
	FailedAttemptsTotal int64      `json:"failed_attempts_total"`
	LastAttemptAt       *time.Time `json:"last_attempt_at"`

	health hookscope.Health
}

// healthEvent is one recent delivery of an endpoint (health ENDPOINT_ID).
type healthEvent struct {
	MessageID      string     `json:"message_id"`
	EventType      string     `json:"event_type"`
	DeliveryStatus string     `json:"delivery_status"`
	ResponseCode   *int       `json:"response_code"`
	ResponseTimeMS *float64   `json:"response_time_ms"`
	Error          string     `json:"error,omitempty"`
	Retries        int        `json:"retries"`
	CreatedAt      time.Time  `json:"created_at"`
	LastAttemptAt  *time.Time `json:"last_attempt_at"`
}

func (a *app) healthCmd() *cobra.Command {
	var events int
	cmd := &cobra.Command{
		Use:   "health [ENDPOINT_ID]",
		Short: "Every endpoint's health, worst first (or one endpoint with its recent deliveries)",
		Long: `Shows each webhook endpoint's health classes, worst first:

  success rate   delivered messages / messages sent: excellent >= 99%, good >= 95%,
                 warning >= 90%, else critical
  response time  mean of the attempts that got a response: fast < 1 s,
                 acceptable <= 3 s, slow <= 5 s, else critical
  activity       idle (no message in 24 h), failing (at least 2 failed attempts in
                 24 h making 10% of the messages, or 2 of the recent deliveries
                 failed), else active

24H MESSAGES counts messages created in the last 24 hours; 24H FAILED ATTEMPTS
counts every failed try in that time, retries included.
With ENDPOINT_ID, the endpoint's recent deliveries follow.`,
		Args: maxArgs("ENDPOINT_ID"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			format, err := a.format("table", "table", "json", "csv")
			if err != nil {
				return err
			}
			if events < 1 || events > hookscope.WebhookEventsMaxLimit {
				return usagef("invalid --events %d: want 1..%d", events, hookscope.WebhookEventsMaxLimit)
			}
			s, err := a.connect()
			if err != nil {
				return err
			}
			defer s.Close()
			ctx := cmd.Context()
			params := &hookscope.WebhookGetParams{IncludeEvents: true, EventsLimit: events}

			hooks, err := healthWebhooks(ctx, s.c, args, params)
			if err != nil {
				return err
			}
			rows := make([]healthRow, len(hooks))
			for i, wh := range hooks {
				rows[i] = newHealthRow(wh)
			}
			slices.SortStableFunc(rows, worstFirst)
			var recent []healthEvent
			if len(args) == 1 {
				recent = healthEvents(hooks[0].RecentEvents)
			}
			return a.printHealth(cmd, format, rows, recent, len(args) == 1)
		}),
	}
	cmd.Flags().IntVar(&events, "events", hookscope.WebhookEventsDefaultLimit, "recent deliveries read per endpoint (1..50): the activity class counts their failures")
	return cmd
}

// healthWebhooks reads the endpoint args names (ENDPOINT_ID), or every
// endpoint, with its recent events.
func healthWebhooks(ctx context.Context, c *hookscope.Client, args []string, params *hookscope.WebhookGetParams) ([]*hookscope.Webhook, error) {
	if len(args) == 1 {
		wh, err := c.Webhooks.Get(ctx, args[0], params)
		if pe, ok := errors.AsType[*hookscope.ParamError](err); ok && pe.Param == "webhook_id" {
			return nil, usagef("invalid ENDPOINT_ID: %s", pe.Message)
		}
		if err != nil {
			return nil, err
		}
		return []*hookscope.Webhook{wh}, nil
	}
	var ids []string
	for item, err := range c.Webhooks.All(ctx, &hookscope.WebhookListParams{Limit: hookscope.WebhooksMaxLimit}) {
		if err != nil {
			return nil, err
		}
		ids = append(ids, item.ID)
	}
	// The list carries no recent events, which the activity class reads:
	// fetch each endpoint with them.
	return getWebhooks(ctx, c, ids, params)
}

func newHealthRow(wh *hookscope.Webhook) healthRow {
	st := wh.DeliveryStats
	h := wh.Health()
	return healthRow{
		EndpointID: wh.ID, Name: wh.Name, URL: wh.URL, Kind: string(wh.Kind), Active: wh.IsActive,
		MessageSuccessRatePct: st.SuccessRate, SuccessRateClass: h.SuccessRate.String(),
		AvgResponseTimeMS: st.AverageResponseTime, ResponseTimeClass: h.ResponseTime.String(),
		Activity: h.Activity.String(), Messages24h: st.Last24hEvents, FailedAttempts24h: st.Last24hFailures,
		MessagesTotal: st.TotalEvents, DeliveredMessages: st.SuccessfulDeliveries, FailedAttemptsTotal: st.FailedDeliveries,
		LastAttemptAt: utcPtr(st.LastDelivery), health: h,
	}
}

func healthEvents(evs []hookscope.WebhookEvent) []healthEvent {
	out := make([]healthEvent, len(evs))
	for i, e := range evs {
		out[i] = healthEvent{
			MessageID: e.ID, EventType: e.EventType, DeliveryStatus: string(e.DeliveryStatus),
			ResponseCode: e.ResponseCode, ResponseTimeMS: e.ResponseTime, Error: e.ErrorMessage,
			Retries: e.RetryCount, CreatedAt: e.CreatedAt.UTC(), LastAttemptAt: utcPtr(e.DeliveredAt),
		}
	}
	return out
}

// severity ranks a health class: 3 critical or failing, 2 warning or slow,
// 1 good or acceptable, 0 otherwise (excellent, fast, active, idle, unknown).
func severity(h hookscope.Health) int {
	sev := 0
	switch h.SuccessRate {
	case hookscope.SuccessRateCritical:
		sev = 3
	case hookscope.SuccessRateWarning:
		sev = 2
	case hookscope.SuccessRateGood:
		sev = 1
	}
	switch h.ResponseTime {
	case hookscope.ResponseTimeCritical:
		sev = max(sev, 3)
	case hookscope.ResponseTimeSlow:
		sev = max(sev, 2)
	case hookscope.ResponseTimeAcceptable:
		sev = max(sev, 1)
	}
	if h.Activity == hookscope.ActivityFailing {
		sev = 3
	}
	return sev
}

// worstFirst orders by severity, then success rate (lowest first), then
// response time (slowest first), then id.
func worstFirst(x, y healthRow) int {
	if c := cmp.Compare(severity(y.health), severity(x.health)); c != 0 {
		return c
	}
	// An endpoint without messages has no rate to compare: after the others.
	if xe, ye := x.MessagesTotal == 0, y.MessagesTotal == 0; xe != ye {
		if xe {
			return 1
		}
		return -1
	}
	if c := cmp.Compare(x.MessageSuccessRatePct, y.MessageSuccessRatePct); c != 0 {
		return c
	}
	if c := cmp.Compare(y.AvgResponseTimeMS, x.AvgResponseTimeMS); c != 0 {
		return c
	}
	return cmp.Compare(x.EndpointID, y.EndpointID)
}

// classColor colours a class word: red for the worst, yellow for the
// middling, green for the good.
func classColor(word string) string {
	switch word {
	case "critical", "failing":
		return colRed
	case "warning", "slow":
		return colYellow
	case "good", "acceptable", "excellent", "fast", "active":
		return colGreen
	}
	return colDim
}

func (a *app) printHealth(cmd *cobra.Command, format string, rows []healthRow, recent []healthEvent, one bool) error {
	w := cmd.OutOrStdout()
	switch format {
	case "json":
		doc := map[string]any{"endpoints": rows}
		if one {
			doc["recent_deliveries"] = recent
		}
		return writeJSON(w, doc)
	case "csv":
		out := make([][]string, len(rows))
		for i, r := range rows {
			out[i] = []string{r.EndpointID, r.Name, r.URL, r.Kind, strconv.FormatBool(r.Active),
				fmt.Sprintf("%.2f", r.MessageSuccessRatePct), r.SuccessRateClass,
				fmt.Sprintf("%.2f", r.AvgResponseTimeMS), r.ResponseTimeClass, r.Activity,
				strconv.FormatInt(r.Messages24h, 10), strconv.FormatInt(r.FailedAttempts24h, 10),
				strconv.FormatInt(r.MessagesTotal, 10), strconv.FormatInt(r.DeliveredMessages, 10),
				strconv.FormatInt(r.FailedAttemptsTotal, 10), rfc3339Ptr(r.LastAttemptAt)}
		}
		return writeCSV(w, []string{"endpoint_id", "name", "url", "kind", "active",
			"message_success_rate_pct", "success_rate_class", "avg_response_time_ms", "response_time_class",
			"activity", "messages_24h", "failed_attempts_24h", "messages_total", "delivered_messages_total",
			"failed_attempts_total", "last_attempt_at"}, out)
	}

	t := newTable("ENDPOINT", "NAME", "MSG SUCCESS", "", "AVG RESPONSE", "", "ACTIVITY", "24H MESSAGES", "24H FAILED ATTEMPTS").alignRight(2, 4, 7, 8)
	for _, r := range rows {
		rate, resp := "-", "-"
		if r.MessagesTotal > 0 {
			rate = fmt.Sprintf("%.2f%%", r.MessageSuccessRatePct)
		}
		if r.ResponseTimeClass != "unknown" {
			resp = fmt.Sprintf("%.0f ms", r.AvgResponseTimeMS)
		}
		name := truncate(r.Name, 28)
		if !r.Active {
			name += " (paused)"
		}
		t.add(cell{text: r.EndpointID}, cell{text: name},
			cell{text: rate, color: classColor(r.SuccessRateClass)}, cell{text: r.SuccessRateClass, color: classColor(r.SuccessRateClass)},
			cell{text: resp, color: classColor(r.ResponseTimeClass)}, cell{text: r.ResponseTimeClass, color: classColor(r.ResponseTimeClass)},
			cell{text: r.Activity, color: classColor(r.Activity)},
			cell{text: strconv.FormatInt(r.Messages24h, 10)},
			cell{text: strconv.FormatInt(r.FailedAttempts24h, 10), color: redIf(r.FailedAttempts24h > 0)})
	}
	a.writeTable(w, t)
	if !one {
		fmt.Fprintln(w)
		fmt.Fprintln(w, a.paint("Success rate: delivered messages / messages sent. Average response: attempts that got a response.", colDim))
		fmt.Fprintln(w, a.paint("24H FAILED ATTEMPTS counts every failed try, retries included; 24H MESSAGES counts messages created.", colDim))
		return nil
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, a.paint("Recent deliveries (newest first):", colBold))
	a.writeTable(w, a.recentTable(recent))
	return nil
}

// redIf is red when bad holds, else no colour.
func redIf(bad bool) string {
	if bad {
		return colRed
	}
	return ""
}

// healthFetches is how many endpoints health fetches at once.
const healthFetches = 4

// getWebhooks fetches the webhooks with ids, a few at a time, in the order
// of ids; the first error stops the rest.
func getWebhooks(ctx context.Context, c *hookscope.Client, ids []string, params *hookscope.WebhookGetParams) ([]*hookscope.Webhook, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	hooks := make([]*hookscope.Webhook, len(ids))
	errs := make([]error, len(ids))
	sem := make(chan struct{}, healthFetches)
	var wg sync.WaitGroup
	for i, id := range ids {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			hooks[i], errs[i] = c.Webhooks.Get(ctx, id, params)
			if errs[i] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	// The first error in order that is not a consequence of cancel.
	var first error
	for _, err := range errs {
		if err != nil && (first == nil || errors.Is(first, context.Canceled)) {
			first = err
		}
	}
	return hooks, first
}
