package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/guptarohit/asciigraph"
	"github.com/spf13/cobra"

	hookscope "github.com/hookscope/hookscope-go"
)

// metricsBucket is one bucket row in metrics' JSON and CSV output. Value is
// null for a bucket that is not aggregated yet (it starts after as_of),
// which is not the same as 0.
type metricsBucket struct {
	BucketStart time.Time `json:"bucket_start"`
	Group       *string   `json:"group,omitempty"`
	Value       *int64    `json:"value"`
	PriorValue  *int64    `json:"prior_value,omitempty"`
}

// metricsDoc is metrics' JSON document.
type metricsDoc struct {
	Metric string `json:"metric"`
	// Counts says what one unit is: attempts.
	Counts      string     `json:"counts"`
	Granularity string     `json:"granularity"`
	GroupBy     *string    `json:"group_by,omitempty"`
	From        time.Time  `json:"from"`
	To          time.Time  `json:"to"`
	PriorFrom   *time.Time `json:"prior_from,omitempty"`
	PriorTo     *time.Time `json:"prior_to,omitempty"`
	AsOf        time.Time  `json:"as_of"`
	// Total sums the buckets' values; PriorTotal the prior values of the
	// buckets whose value is known (not null), so that the two compare.
	Total      int64           `json:"total"`
	PriorTotal *int64          `json:"prior_total,omitempty"`
	Buckets    []metricsBucket `json:"buckets"`
}

// metricWords says what a metric counts, for titles.
func metricWords(m hookscope.Metric) string {
	switch m {
	case hookscope.MetricDelivered:
		return "successful attempts (2xx)"
	case hookscope.MetricFailed:
		return "failed attempts (non-2xx or network error)"
	case hookscope.MetricRetried:
		return "retry attempts (attempt 2 and later)"
	}
	return string(m)
}

// metricsFlags are metrics' flags.
type metricsFlags struct {
	granularity, groupBy, since, until string
	compare                            bool
}

func (f *metricsFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.granularity, "granularity", "hour", "bucket width: minute, hour or day (the plan gates the finest)")
	cmd.Flags().StringVar(&f.groupBy, "group-by", "", "one series per endpoint_id, kind or http_status_class")
	cmd.Flags().BoolVar(&f.compare, "compare", true, "add the prior period of the same length (--compare=false to leave it out)")
	cmd.Flags().StringVar(&f.since, "since", "24h", "start of the window: a duration before its end (90m, 24h, 7d) or an RFC 3339 time")
	cmd.Flags().StringVar(&f.until, "until", "", "end of the window: a duration before now or an RFC 3339 time (default now)")
	_ = cmd.RegisterFlagCompletionFunc("granularity", fixedCompletion("minute", "hour", "day"))
	_ = cmd.RegisterFlagCompletionFunc("group-by", fixedCompletion("endpoint_id", "kind", "http_status_class"))
}

// params checks METRIC and the flags but the window's, and builds the query
// (window sets its window).
func (f *metricsFlags) params(metricArg string) (*hookscope.WebhookMetricsParams, error) {
	metric := hookscope.Metric(metricArg)
	switch metric {
	case hookscope.MetricDelivered, hookscope.MetricFailed, hookscope.MetricRetried:
	default:
		return nil, usagef("invalid METRIC %q: want delivered, failed or retried", metricArg)
	}
	params := &hookscope.WebhookMetricsParams{Metric: metric, Limit: hookscope.MetricsMaxLimit,
		Granularity: hookscope.Granularity(f.granularity), GroupBy: hookscope.GroupBy(f.groupBy)}
	switch params.Granularity {
	case hookscope.GranularityMinute, hookscope.GranularityHour, hookscope.GranularityDay:
	default:
		return nil, usagef("invalid --granularity %q: want minute, hour or day", f.granularity)
	}
	switch params.GroupBy {
	case "", hookscope.GroupByEndpointID, hookscope.GroupByKind, hookscope.GroupByHTTPStatusClass:
	default:
		return nil, usagef("invalid --group-by %q: want endpoint_id, kind or http_status_class", f.groupBy)
	}
	if f.compare {
		params.CompareTo = hookscope.ComparePriorPeriod
	}
	return params, nil
}

// window sets params' From and To from --since and --until, and checks the
// window holds no more buckets than the API allows.
func (f *metricsFlags) window(params *hookscope.WebhookMetricsParams, now time.Time) error {
	var err error
	if params.To, err = parseTimeFlag("--until", f.until, now); err != nil {
		return err
	}
	end := cmp.Or(params.To, now)
	if params.From, err = parseTimeFlag("--since", f.since, end); err != nil {
		return err
	}
	if !params.From.Before(end) {
		return usagef("invalid --since: %s is not before the window's end %s", rfc3339(params.From), rfc3339(end))
	}
	// The API refuses more than MetricsMaxBuckets rows; without
	// groups their number is known here.
	first := params.From.Truncate(params.Granularity.Duration())
	if n := int64(end.Sub(first)/params.Granularity.Duration()) + 1; n > hookscope.MetricsMaxBuckets {
		return usagef("invalid --since: the window holds %d %s buckets, more than the %d the API allows; narrow it or use a coarser --granularity",
			n, params.Granularity, hookscope.MetricsMaxBuckets)
	}
	return nil
}

func (a *app) metricsCmd() *cobra.Command {
	var f metricsFlags
	cmd := &cobra.Command{
		Use:       "metrics delivered|failed|retried",
		Short:     "Delivery attempts over time: a chart of the current and prior period",
		ValidArgs: []string{"delivered", "failed", "retried"},
		Long: `Counts delivery attempts in time buckets: delivered (attempts answered 2xx), failed
(attempts answered otherwise, or that got no answer) or retried (attempts after the
first). Every attempt counts, retries included: these are attempts, not messages.

On a terminal (-o chart, the default) it draws a line chart of the current period
and, with --compare (the default), the prior period of the same length; with
--group-by, one line per group. -o table, json or csv give the buckets.`,
		Args: exactArgs("METRIC"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			format, err := a.format("chart", "chart", "table", "json", "csv")
			if err != nil {
				return err
			}
			params, err := f.params(args[0])
			if err != nil {
				return err
			}
			now, err := a.now()
			if err != nil {
				return err
			}
			if err := f.window(params, now); err != nil {
				return err
			}
			s, err := a.connect()
			if err != nil {
				return err
			}
			defer s.Close()
			doc, err := fetchMetrics(cmd.Context(), s.c, params, f.groupBy)
			if err != nil {
				return err
			}
			return a.writeMetrics(cmd.OutOrStdout(), format, doc)
		}),
	}
	f.register(cmd)
	return cmd
}

// fetchMetrics reads every page of params into metrics' document; groupBy
// is the --group-by flag.
func fetchMetrics(ctx context.Context, c *hookscope.Client, params *hookscope.WebhookMetricsParams, groupBy string) (metricsDoc, error) {
	var doc metricsDoc
	firstPage := true
	for page, err := range c.Metrics.WebhookPages(ctx, params) {
		if err != nil {
			return doc, err
		}
		if firstPage {
			firstPage = false
			doc = metricsDoc{Metric: string(page.Metric), Counts: "attempts", Granularity: string(page.Granularity),
				GroupBy: strPtr(groupBy), From: page.From.UTC(), To: page.To.UTC(),
				PriorFrom: utcPtr(page.PriorFrom), PriorTo: utcPtr(page.PriorTo), AsOf: page.Meta.AsOf.UTC(),
				Buckets: []metricsBucket{}}
			if params.CompareTo != "" {
				doc.PriorTotal = new(int64)
			}
		}
		doc.addPage(page, groupBy != "")
	}
	return doc, nil
}

// addPage adds page's buckets and their values to the totals.
func (doc *metricsDoc) addPage(page *hookscope.MetricSeries, grouped bool) {
	for _, b := range page.Buckets {
		if !b.BucketStart.Before(page.To) {
			// A bucket that starts at the window's end covers no
			// time: drawing it would show a drop to zero.
			continue
		}
		mb := metricsBucket{BucketStart: b.BucketStart.UTC(), Value: b.Value, PriorValue: b.PriorValue}
		if grouped {
			mb.Group = &b.Group
		}
		if b.Value != nil {
			doc.Total += *b.Value
		}
		// Like for like: the prior total counts the buckets whose
		// current value is known.
		if b.Value != nil && b.PriorValue != nil && doc.PriorTotal != nil {
			*doc.PriorTotal += *b.PriorValue
		}
		doc.Buckets = append(doc.Buckets, mb)
	}
}

// writeMetrics writes doc in format.
func (a *app) writeMetrics(w io.Writer, format string, doc metricsDoc) error {
	switch format {
	case "json":
		return writeJSON(w, doc)
	case "csv":
		return writeMetricsCSV(w, doc)
	case "table":
		a.printMetricsTable(w, doc)
		return nil
	}
	a.printMetricsChart(w, doc)
	return nil
}

func writeMetricsCSV(w io.Writer, doc metricsDoc) error {
	rows := make([][]string, len(doc.Buckets))
	for i, b := range doc.Buckets {
		rows[i] = []string{rfc3339(b.BucketStart), deref(b.Group), csvInt64(b.Value), csvInt64(b.PriorValue)}
	}
	return writeCSV(w, []string{"bucket_start", "group", "value", "prior_value"}, rows)
}

// changeText is the change from prior to current in percent.
func changeText(cur, prior int64) string {
	switch {
	case prior == 0 && cur == 0:
		return "0%"
	case prior == 0:
		return "new"
	}
	return fmt.Sprintf("%+.0f%%", float64(cur-prior)/float64(prior)*100)
}

func (a *app) metricsTitle(doc metricsDoc) string {
	return fmt.Sprintf("%s per %s, %s to %s UTC", metricWords(hookscope.Metric(doc.Metric)), doc.Granularity,
		tableTime(doc.From), tableTime(doc.To))
}

func (a *app) printMetricsTable(w io.Writer, doc metricsDoc) {
	fmt.Fprintln(w, a.paint(a.metricsTitle(doc), colBold))
	head := []string{"BUCKET START (UTC)"}
	if doc.GroupBy != nil {
		head = append(head, "GROUP")
	}
	head = append(head, "VALUE")
	if doc.PriorTotal != nil {
		head = append(head, "PRIOR", "CHANGE")
	}
	t := newTable(head...)
	for i := 1; i < len(head); i++ {
		if head[i] != "GROUP" {
			t.alignRight(i)
		}
	}
	for _, b := range doc.Buckets {
		cells := []cell{{text: tableTime(b.BucketStart)}}
		if doc.GroupBy != nil {
			cells = append(cells, cell{text: deref(b.Group)})
		}
		cells = append(cells, cell{text: valueText(b.Value)})
		if doc.PriorTotal != nil {
			ch := "-"
			if b.Value != nil && b.PriorValue != nil {
				ch = changeText(*b.Value, *b.PriorValue)
			}
			cells = append(cells, cell{text: valueText(b.PriorValue)}, cell{text: ch})
		}
		t.add(cells...)
	}
	a.writeTable(w, t)
	a.metricsSummary(w, doc)
}

// valueText shows a bucket's value; "…" for one not aggregated yet.
func valueText(v *int64) string {
	if v == nil {
		return "…"
	}
	return strconv.FormatInt(*v, 10)
}

func (a *app) metricsSummary(w io.Writer, doc metricsDoc) {
	pending := 0
	for _, b := range doc.Buckets {
		if b.Value == nil {
			pending++
		}
	}
	if pending > 0 {
		fmt.Fprintf(w, "%s after %s UTC: not aggregated yet (…, a gap in the chart); totals leave them out.\n",
			plural(pending, "bucket starts", "buckets start"), tableTime(doc.AsOf))
	}
	line := fmt.Sprintf("Total: %d attempts", doc.Total)
	if doc.PriorTotal != nil {
		line += fmt.Sprintf("; prior period (%s to %s): %d, change %s", tableTimePtr(doc.PriorFrom), tableTimePtr(doc.PriorTo),
			*doc.PriorTotal, changeText(doc.Total, *doc.PriorTotal))
	}
	fmt.Fprintln(w, line+".")
}

// chartWidth is the chart's plot width in columns.
func (a *app) chartWidth(points int) int {
	width := 72
	if a.sys.TermWidth > 0 {
		width = max(20, a.sys.TermWidth-12)
	}
	return min(width, max(points, 1)*3)
}

func (a *app) printMetricsChart(w io.Writer, doc metricsDoc) {
	fmt.Fprintln(w, a.paint(a.metricsTitle(doc), colBold))
	fmt.Fprintln(w)
	d := newChartData(doc)
	if len(d.starts) == 0 {
		fmt.Fprintln(w, "No buckets in the window.")
		return
	}
	series, legends, colors := d.lines(doc)
	opts, legendLine := a.chartOptions(len(d.starts), series, legends, colors)
	fmt.Fprintln(w, asciigraph.PlotMany(series, opts...))
	if legendLine != "" {
		fmt.Fprintf(w, "\n%s\n", legendLine)
	}
	layout := "01-02 15:04"
	if doc.Granularity == string(hookscope.GranularityDay) {
		layout = "2006-01-02"
	}
	fmt.Fprintf(w, "x: %s … %s UTC, one point per %s", d.starts[0].Format(layout), d.starts[len(d.starts)-1].Format(layout), doc.Granularity)
	if doc.PriorTotal != nil && doc.GroupBy == nil {
		fmt.Fprintf(w, "; the prior period is drawn over the same buckets")
	}
	fmt.Fprintln(w)
	if doc.GroupBy != nil && len(d.order) > maxChartLines {
		fmt.Fprintf(w, "%d more groups not drawn: see -o table.\n", len(d.order)-maxChartLines)
	}
	a.metricsSummary(w, doc)
}

// maxChartLines is the most groups a chart draws: the largest.
const maxChartLines = 6

// chartData is metrics' buckets as series: one per group (one "" group
// without --group-by), values by bucket, NaN for buckets not aggregated yet
// (a gap in the line).
type chartData struct {
	starts         []time.Time
	groups, priors map[string][]float64
	// order is the groups, first seen first.
	order []string
}

func newChartData(doc metricsDoc) chartData {
	d := chartData{groups: map[string][]float64{}, priors: map[string][]float64{}}
	idx := map[time.Time]int{}
	for _, b := range doc.Buckets {
		if _, ok := idx[b.BucketStart]; !ok {
			idx[b.BucketStart] = len(d.starts)
			d.starts = append(d.starts, b.BucketStart)
		}
	}
	for _, b := range doc.Buckets {
		g := deref(b.Group)
		if _, ok := d.groups[g]; !ok {
			d.order = append(d.order, g)
			d.groups[g] = nanSeries(len(d.starts))
			d.priors[g] = nanSeries(len(d.starts))
		}
		i := idx[b.BucketStart]
		if b.Value != nil {
			d.groups[g][i] = float64(*b.Value)
		}
		if b.PriorValue != nil {
			d.priors[g][i] = float64(*b.PriorValue)
		}
	}
	return d
}

// lines picks the lines to draw, their legends and colours: the current
// period and the prior one, or the largest groups (which sorts d.order,
// largest first).
func (d *chartData) lines(doc metricsDoc) (series [][]float64, legends []string, colors []asciigraph.AnsiColor) {
	colors = []asciigraph.AnsiColor{asciigraph.Red, asciigraph.Blue, asciigraph.Green, asciigraph.Yellow, asciigraph.Magenta, asciigraph.Cyan}
	if doc.GroupBy == nil {
		series = append(series, d.groups[""])
		legends = append(legends, "current")
		if doc.PriorTotal != nil {
			series = append(series, d.priors[""])
			legends = append(legends, "prior period")
			colors = []asciigraph.AnsiColor{asciigraph.Red, asciigraph.DarkGray}
		}
		return series, legends, colors
	}
	slices.SortStableFunc(d.order, func(x, y string) int { return cmp.Compare(sum(d.groups[y]), sum(d.groups[x])) })
	for _, g := range d.order[:min(len(d.order), maxChartLines)] {
		series = append(series, d.groups[g])
		legends = append(legends, g)
	}
	return series, legends, colors
}

// chartOptions are the chart's options for points buckets. With colour,
// colour tells the lines apart and asciigraph draws the legend; without,
// each line has its own character and legendLine says which.
func (a *app) chartOptions(points int, series [][]float64, legends []string, colors []asciigraph.AnsiColor) (opts []asciigraph.Option, legendLine string) {
	opts = []asciigraph.Option{
		asciigraph.Height(10),
		asciigraph.Width(a.chartWidth(points)),
		asciigraph.Precision(0),
		asciigraph.LowerBound(0),
	}
	if a.color {
		return append(opts, asciigraph.SeriesColors(colors[:len(series)]...), asciigraph.SeriesLegends(legends...)), ""
	}
	marks := []string{"", "·", "•", "+", "x", "o"}
	sets := make([]asciigraph.CharSet, len(series))
	var legend []string
	for i := range series {
		sets[i] = asciigraph.DefaultCharSet
		sample := "──"
		if marks[i] != "" {
			sets[i] = asciigraph.CreateCharSet(marks[i])
			sample = marks[i] + marks[i]
		}
		legend = append(legend, sample+" "+legends[i])
	}
	return append(opts, asciigraph.SeriesChars(sets...)), strings.Join(legend, "   ")
}

func nanSeries(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}

func sum(s []float64) float64 {
	var t float64
	for _, v := range s {
		if !math.IsNaN(v) {
			t += v
		}
	}
	return t
}
