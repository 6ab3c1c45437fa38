package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	hookscope "github.com/hookscope/hookscope-go"
)

// analyticsDoc is analytics' JSON document; counts are messages (one per
// event sent), times RFC 3339.
type analyticsDoc struct {
	Day struct {
		Messages     int64   `json:"messages"`
		Delivered    int64   `json:"delivered"`
		Failed       int64   `json:"failed"`
		Pending      int64   `json:"pending"`
		RetryRatePct float64 `json:"retry_rate_pct"`
		AvgDelayMS   float64 `json:"avg_delay_ms"`
	} `json:"today"`
	LatencyMS     hookscope.LatencyStats `json:"delay_ms"`
	TopEvents     []hookscope.EventCount `json:"top_events"`
	TopFailedURLs []hookscope.URLCount   `json:"top_failed_urls"`
	Hourly        []analyticsHour        `json:"hourly"`
	Webhooks      int64                  `json:"webhooks"`
	Subscriptions int64                  `json:"events_subscribed"`
}

type analyticsHour struct {
	Hour     time.Time `json:"hour"`
	Messages int64     `json:"messages"`
}

func (a *app) analyticsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "analytics",
		Short: "Today's figures (UTC): messages, top events, failing URLs, delay percentiles",
		Long: `Shows the current UTC day: messages sent, delivered, failed and pending, the retry
rate (messages that needed more than one attempt), the top event types and the
URLs with the most permanently failed messages, the delay percentiles (from a
message's creation to its first attempt) and messages per hour over 24 hours.`,
		Args: exactArgs(),
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			format, err := a.format("table", "table", "json", "csv")
			if err != nil {
				return err
			}
			s, err := a.connect()
			if err != nil {
				return err
			}
			defer s.Close()
			an, err := s.c.Analytics.Webhooks(cmd.Context())
			if err != nil {
				return err
			}
			var doc analyticsDoc
			d := an.DayMetrics
			doc.Day.Messages, doc.Day.Delivered, doc.Day.Failed, doc.Day.Pending = d.Total, d.Success, d.Failed, d.Pending
			doc.Day.RetryRatePct, doc.Day.AvgDelayMS = d.RetryRatePct, d.AvgDelayMS
			doc.LatencyMS = an.Latency
			doc.TopEvents = append([]hookscope.EventCount{}, an.TopEvents...)
			doc.TopFailedURLs = append([]hookscope.URLCount{}, an.TopFailedURLs...)
			doc.Hourly = []analyticsHour{}
			for _, h := range an.HourlyMetrics {
				doc.Hourly = append(doc.Hourly, analyticsHour{Hour: h.Hour.UTC(), Messages: h.Count})
			}
			doc.Webhooks, doc.Subscriptions = an.Total.Webhooks, an.Total.EventsSubscribed
			w := cmd.OutOrStdout()
			switch format {
			case "json":
				return writeJSON(w, doc)
			case "csv":
				return writeAnalyticsCSV(w, doc)
			}
			a.printAnalytics(w, doc)
			return nil
		}),
	}
}

// writeAnalyticsCSV writes the figures as section,name,value rows.
func writeAnalyticsCSV(w io.Writer, doc analyticsDoc) error {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	i := func(v int64) string { return strconv.FormatInt(v, 10) }
	rows := [][]string{
		{"today", "messages", i(doc.Day.Messages)}, {"today", "delivered", i(doc.Day.Delivered)},
		{"today", "failed", i(doc.Day.Failed)}, {"today", "pending", i(doc.Day.Pending)},
		{"today", "retry_rate_pct", f(doc.Day.RetryRatePct)}, {"today", "avg_delay_ms", f(doc.Day.AvgDelayMS)},
		{"delay_ms", "min", f(doc.LatencyMS.Min)}, {"delay_ms", "p50", f(doc.LatencyMS.P50)},
		{"delay_ms", "p90", f(doc.LatencyMS.P90)}, {"delay_ms", "p95", f(doc.LatencyMS.P95)},
		{"delay_ms", "p99", f(doc.LatencyMS.P99)}, {"delay_ms", "max", f(doc.LatencyMS.Max)},
		{"delay_ms", "avg", f(doc.LatencyMS.Avg)},
		{"total", "webhooks", i(doc.Webhooks)}, {"total", "events_subscribed", i(doc.Subscriptions)},
	}
	for _, e := range doc.TopEvents {
		rows = append(rows, []string{"top_events", e.Event, i(e.Count)})
	}
	for _, u := range doc.TopFailedURLs {
		rows = append(rows, []string{"top_failed_urls", u.URL, i(u.Count)})
	}
	for _, h := range doc.Hourly {
		rows = append(rows, []string{"hourly", rfc3339(h.Hour), i(h.Messages)})
	}
	return writeCSV(w, []string{"section", "name", "value"}, rows)
}

// sparkline draws values as one line of block characters.
func sparkline(values []int64) string {
	const ticks = "▁▂▃▄▅▆▇█"
	var hi int64
	for _, v := range values {
		hi = max(hi, v)
	}
	runes := []rune(ticks)
	var b strings.Builder
	for _, v := range values {
		i := 0
		if hi > 0 {
			i = int(v * int64(len(runes)-1) / hi)
		}
		b.WriteRune(runes[i])
	}
	return b.String()
}

// bar is a horizontal bar of n out of hi, width columns wide at most.
func bar(n, hi int64, width int) string {
	if hi <= 0 || n <= 0 {
		return ""
	}
	return strings.Repeat("■", max(1, int(n*int64(width)/hi)))
}

func (a *app) printAnalytics(w io.Writer, doc analyticsDoc) {
	d := doc.Day
	fmt.Fprintln(w, a.paint("Today (UTC), messages", colBold))
	pct := func(n int64) string {
		if d.Messages == 0 {
			return ""
		}
		return fmt.Sprintf("%.1f%%", float64(n)/float64(d.Messages)*100)
	}
	t := newTable("", "COUNT", "SHARE").alignRight(1, 2)
	t.addText("sent", strconv.FormatInt(d.Messages, 10), "")
	t.add(cell{text: "delivered"}, cell{text: strconv.FormatInt(d.Delivered, 10), color: colGreen}, cell{text: pct(d.Delivered)})
	t.add(cell{text: "failed"}, cell{text: strconv.FormatInt(d.Failed, 10), color: redIf(d.Failed > 0)}, cell{text: pct(d.Failed)})
	t.add(cell{text: "pending"}, cell{text: strconv.FormatInt(d.Pending, 10), color: colYellow}, cell{text: pct(d.Pending)})
	a.writeTable(w, t)
	fmt.Fprintf(w, "Retry rate: %.2f%% of messages needed more than one attempt.\n", d.RetryRatePct)
	fmt.Fprintf(w, "Webhooks: %d, subscribed event types: %d.\n\n", doc.Webhooks, doc.Subscriptions)

	l := doc.LatencyMS
	fmt.Fprintln(w, a.paint("Delay from creation to first attempt (ms)", colBold))
	lt := newTable("", "MS", "").alignRight(1)
	for _, p := range []struct {
		name string
		v    float64
	}{{"min", l.Min}, {"p50", l.P50}, {"p90", l.P90}, {"p95", l.P95}, {"p99", l.P99}, {"max", l.Max}, {"avg", l.Avg}} {
		lt.add(cell{text: p.name}, cell{text: strconv.FormatFloat(p.v, 'f', -1, 64)}, cell{text: bar(int64(p.v), int64(l.Max), 30), color: colCyan})
	}
	a.writeTable(w, lt)
	fmt.Fprintln(w)

	fmt.Fprintln(w, a.paint("Top event types today", colBold))
	et := newTable("EVENT", "MESSAGES").alignRight(1)
	for _, e := range doc.TopEvents {
		et.addText(e.Event, strconv.FormatInt(e.Count, 10))
	}
	a.writeTable(w, et)
	fmt.Fprintln(w)

	fmt.Fprintln(w, a.paint("URLs with the most permanently failed messages today", colBold))
	if len(doc.TopFailedURLs) == 0 {
		fmt.Fprintln(w, "none")
	} else {
		ft := newTable("URL", "FAILED").alignRight(1)
		for _, u := range doc.TopFailedURLs {
			ft.add(cell{text: u.URL}, cell{text: strconv.FormatInt(u.Count, 10), color: colRed})
		}
		a.writeTable(w, ft)
	}
	fmt.Fprintln(w)

	if len(doc.Hourly) > 0 {
		values := make([]int64, len(doc.Hourly))
		var hi int64
		for i, h := range doc.Hourly {
			values[i] = h.Messages
			hi = max(hi, h.Messages)
		}
		fmt.Fprintln(w, a.paint("Messages per hour, last 24 hours", colBold))
		fmt.Fprintf(w, "%s  max %d/h\n", a.paint(sparkline(values), colCyan), hi)
		fmt.Fprintf(w, "%s … %s UTC\n", doc.Hourly[0].Hour.Format("01-02 15:04"), doc.Hourly[len(doc.Hourly)-1].Hour.Format("01-02 15:04"))
	}
}
