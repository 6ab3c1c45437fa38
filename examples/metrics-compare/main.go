// Command metrics-compare prints, per endpoint, the delivered and failed
// attempts of the last 24 hours against the 24 hours before
// (GET /v1/metrics/webhooks with group_by=endpoint_id and
// compare_to=prior_period), the change in percent, and a sparkline of each
// hourly series:
//
//	go run ./examples/metrics-compare
//	go run ./examples/metrics-compare -window 6h
//
// With HOOKSCOPE_API_KEY set it reads the API at HOOKSCOPE_BASE_URL (default
// hookscope.DefaultBaseURL); without it, an in-process mock server with a
// fixed seed. Hourly buckets need the starter plan or above.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/examples/internal/exampleenv"
)

func main() {
	log.SetFlags(0)
	fs := exampleenv.NewFlags("metrics-compare", "Prints, per endpoint, the delivered and failed attempts of a window against the\nwindow of equal length before it.")
	window := fs.Duration("window", 24*time.Hour, "the period compared with the one before it, in whole hours")
	asJSON := exampleenv.JSONFlag(fs)
	exampleenv.ParseOrExit(fs)
	if *window < time.Hour || *window%time.Hour != 0 {
		fmt.Fprintf(os.Stderr, "metrics-compare: -window %s: want a whole number of hours\n", *window)
		os.Exit(2)
	}

	env, err := exampleenv.Connect(5000)
	if err != nil {
		log.Fatalf("metrics-compare: %v", err)
	}
	defer env.Close()
	c, source := env.Client, env.Source
	run := run
	if *asJSON {
		run = runJSON
	} else {
		fmt.Printf("Delivered and failed attempts per endpoint from %s\n\n", source)
	}
	if err := run(context.Background(), c, os.Stdout, time.Now(), *window); err != nil {
		env.Close()
		log.Fatalf("metrics-compare: %v", err)
	}
}

// series is one endpoint's figures of one metric.
type series struct {
	Total, Prior int64
	// Hourly holds the window's buckets in order; nil is a bucket not
	// aggregated yet.
	Hourly []*int64
}

// groupSeries reads metric per endpoint over [from, to] with the prior
// period, following every page.
func groupSeries(ctx context.Context, c *hookscope.Client, metric hookscope.Metric, from, to time.Time) (map[string]*series, error) {
	out := map[string]*series{}
	params := &hookscope.WebhookMetricsParams{
		Metric:      metric,
		Granularity: hookscope.GranularityHour,
		GroupBy:     hookscope.GroupByEndpointID,
		CompareTo:   hookscope.ComparePriorPeriod,
		From:        from,
		To:          to,
	}
	for b, err := range c.Metrics.WebhookBuckets(ctx, params) {
		if err != nil {
			return nil, fmt.Errorf("%s: %w", metric, err)
		}
		s := out[b.Group]
		if s == nil {
			s = &series{}
			out[b.Group] = s
		}
		// Rows come ordered by bucket, then group: each group's rows are in
		// time order.
		s.Hourly = append(s.Hourly, b.Value)
		// Like for like: a bucket not aggregated yet adds to neither total.
		if b.Value != nil {
			s.Total += *b.Value
			if b.PriorValue != nil {
				s.Prior += *b.PriorValue
			}
		}
	}
	return out, nil
}

// comparison is what both outputs print: the window, the prior period and
// each endpoint's series.
type comparison struct {
	from, to          time.Time
	rows              []row
	delivered, failed map[string]*series
}

// row is one endpoint: listed ones by name, others (deleted) by id.
type row struct{ id, name string }

// compare reads the comparison of the window ending at now.
func compare(ctx context.Context, c *hookscope.Client, now time.Time, window time.Duration) (*comparison, error) {
	if window < time.Hour || window%time.Hour != 0 {
		return nil, fmt.Errorf("window %s: want a whole number of hours", window)
	}
	to := now.UTC().Truncate(time.Second)
	from := to.Add(-window)
	delivered, err := groupSeries(ctx, c, hookscope.MetricDelivered, from, to)
	if err != nil {
		return nil, err
	}
	failed, err := groupSeries(ctx, c, hookscope.MetricFailed, from, to)
	if err != nil {
		return nil, err
	}

	// Every endpoint, by name; groups of endpoints no longer listed by id.
	var rows []row
	listed := map[string]bool{}
	for wh, err := range c.Webhooks.All(ctx, nil) {
		if err != nil {
			return nil, fmt.Errorf("webhooks: %w", err)
		}
		rows = append(rows, row{wh.ID, wh.Name})
		listed[wh.ID] = true
	}
	var unlisted []string
	for _, m := range []map[string]*series{delivered, failed} {
		for id := range m {
			if !listed[id] && !slices.Contains(unlisted, id) {
				unlisted = append(unlisted, id)
			}
		}
	}
	slices.Sort(unlisted)
	for _, id := range unlisted {
		rows = append(rows, row{id, id})
	}
	return &comparison{from: from, to: to, rows: rows, delivered: delivered, failed: failed}, nil
}

// jsonReport is what -json prints.
type jsonReport struct {
	From      time.Time      `json:"from"`
	To        time.Time      `json:"to"`
	PriorFrom time.Time      `json:"prior_from"`
	PriorTo   time.Time      `json:"prior_to"`
	Endpoints []jsonEndpoint `json:"endpoints"`
	Total     jsonPair       `json:"total"`
}

type jsonEndpoint struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	jsonPair
	// DeliveredPerHour and FailedPerHour hold the window's hourly values;
	// null is an hour not aggregated yet.
	DeliveredPerHour []*int64 `json:"delivered_per_hour"`
	FailedPerHour    []*int64 `json:"failed_per_hour"`
}

// jsonPair is a delivered and a failed figure against the prior period.
type jsonPair struct {
	Delivered jsonFigure `json:"delivered"`
	Failed    jsonFigure `json:"failed"`
}

// jsonFigure is a window's total, the prior period's, and the change in
// percent (null when the prior is 0).
type jsonFigure struct {
	Total     int64    `json:"total"`
	Prior     int64    `json:"prior"`
	ChangePct *float64 `json:"change_pct"`
}

func figure(total, prior int64) jsonFigure {
	f := jsonFigure{Total: total, Prior: prior}
	if prior != 0 {
		f.ChangePct = new(math.Round(1000*float64(total-prior)/float64(prior)) / 10)
	}
	return f
}

// runJSON writes the comparison of the window ending at now to out as JSON.
func runJSON(ctx context.Context, c *hookscope.Client, out io.Writer, now time.Time, window time.Duration) error {
	cmp, err := compare(ctx, c, now, window)
	if err != nil {
		return err
	}
	rep := jsonReport{From: cmp.from, To: cmp.to, PriorFrom: cmp.from.Add(-window), PriorTo: cmp.to.Add(-window), Endpoints: []jsonEndpoint{}}
	var total [4]int64
	for _, r := range cmp.rows {
		e := jsonEndpoint{ID: r.id, Name: r.name, DeliveredPerHour: []*int64{}, FailedPerHour: []*int64{}}
		if d := cmp.delivered[r.id]; d != nil {
			e.Delivered, e.DeliveredPerHour = figure(d.Total, d.Prior), d.Hourly
			total[0], total[1] = total[0]+d.Total, total[1]+d.Prior
		}
		if f := cmp.failed[r.id]; f != nil {
			e.Failed, e.FailedPerHour = figure(f.Total, f.Prior), f.Hourly
			total[2], total[3] = total[2]+f.Total, total[3]+f.Prior
		}
		rep.Endpoints = append(rep.Endpoints, e)
	}
	rep.Total = jsonPair{figure(total[0], total[1]), figure(total[2], total[3])}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// run writes the comparison of the window ending at now to out.
func run(ctx context.Context, c *hookscope.Client, out io.Writer, now time.Time, window time.Duration) error {
	cmp, err := compare(ctx, c, now, window)
	if err != nil {
		return err
	}
	from, to, rows, delivered, failed := cmp.from, cmp.to, cmp.rows, cmp.delivered, cmp.failed

	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ENDPOINT\tDELIVERED\tPRIOR\tCHANGE\tFAILED\tPRIOR\tCHANGE\tDELIVERED PER HOUR\tFAILED PER HOUR")
	var total [4]int64
	for _, r := range rows {
		d, f := delivered[r.id], failed[r.id]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.name, columns(d), columns(f), sparkline(d), sparkline(f))
		if d != nil {
			total[0], total[1] = total[0]+d.Total, total[1]+d.Prior
		}
		if f != nil {
			total[2], total[3] = total[2]+f.Total, total[3]+f.Prior
		}
	}
	fmt.Fprintf(tw, "TOTAL\t%d\t%d\t%s\t%d\t%d\t%s\t\t\n", total[0], total[1], change(total[0], total[1]), total[2], total[3], change(total[2], total[3]))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nWindow %s to %s, hourly, against %s to %s.\n", from.Format(time.RFC3339), to.Format(time.RFC3339),
		from.Add(-window).Format(time.RFC3339), to.Add(-window).Format(time.RFC3339))
	fmt.Fprintln(out, "An endpoint with no such attempts in the window gets no rows from the API, so its prior period shows as \"-\".")
	return nil
}

// columns formats a series' total, prior total and change, tab-separated.
func columns(s *series) string {
	if s == nil {
		return "0\t-\t-"
	}
	return fmt.Sprintf("%d\t%d\t%s", s.Total, s.Prior, change(s.Total, s.Prior))
}

// change is the change from prior to now in percent, "new" when prior is 0
// and now is not, "-" when both are 0.
func change(now, prior int64) string {
	switch {
	case prior == 0 && now == 0:
		return "-"
	case prior == 0:
		return "new"
	}
	return fmt.Sprintf("%+.1f%%", 100*float64(now-prior)/float64(prior))
}

// sparkBars are the sparkline's levels, lowest first.
var sparkBars = []rune("▁▂▃▄▅▆▇█")

// sparkline draws a series scaled to its largest value: ▁ for 0, █ for the
// largest, a space for a bucket not aggregated yet; "" for no series.
func sparkline(s *series) string {
	if s == nil {
		return ""
	}
	var top int64
	for _, v := range s.Hourly {
		if v != nil {
			top = max(top, *v)
		}
	}
	var b strings.Builder
	for _, v := range s.Hourly {
		switch {
		case v == nil:
			b.WriteRune(' ')
		case top == 0:
			b.WriteRune(sparkBars[0])
		default:
			level := int(math.Round(float64(*v) / float64(top) * float64(len(sparkBars)-1)))
			b.WriteRune(sparkBars[level])
		}
	}
	return b.String()
}
