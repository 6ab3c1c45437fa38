// Command health-report prints a table of every webhook endpoint with its
// health classes (GET /api/v0/webhooks/{id}: success rate, response time,
// activity), its success rate, and the median and 95th percentile of each
// timing phase of its recent delivery attempts (dns, tcp, tls, ttfb,
// transfer):
//
//	go run ./examples/health-report
//	go run ./examples/health-report -window 6h -messages 100
//
// The timings come from the attempts (GET /v1/messages/{id}/attempts) of the
// endpoint's newest messages (GET /v1/logs filtered by endpoint_id and the
// window). The work is bounded: at most -messages messages per endpoint,
// created in the last -window; the report says so under the table.
//
// With HOOKSCOPE_API_KEY set it reads the API at HOOKSCOPE_BASE_URL (default
// hookscope.DefaultBaseURL); without it, an in-process mock server with a
// fixed seed.
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
	fs := exampleenv.NewFlags("health-report", "Prints every webhook endpoint's health classes, success rate and the p50/p95 of\neach timing phase of its recent delivery attempts.")
	window := fs.Duration("window", 24*time.Hour, "only messages created in this long before now")
	perEndpoint := fs.Int("messages", 50, "at most this many messages per endpoint (newest first)")
	asJSON := exampleenv.JSONFlag(fs)
	exampleenv.ParseOrExit(fs)
	if *window <= 0 || *perEndpoint < 1 {
		fmt.Fprintln(os.Stderr, "health-report: -window must be positive and -messages at least 1")
		os.Exit(2)
	}

	env, err := exampleenv.Connect(5000)
	if err != nil {
		log.Fatalf("health-report: %v", err)
	}
	defer env.Close()
	c, source := env.Client, env.Source
	if !*asJSON {
		fmt.Printf("Endpoint health from %s\n\n", source)
	}
	cfg := config{Now: time.Now(), Window: *window, PerEndpoint: *perEndpoint, JSON: *asJSON}
	if err := run(context.Background(), c, os.Stdout, cfg); err != nil {
		env.Close()
		log.Fatalf("health-report: %v", err)
	}
}

// config bounds the report's work.
type config struct {
	// Now ends the window.
	Now time.Time
	// Window is how far back messages are sampled.
	Window time.Duration
	// PerEndpoint is the most messages sampled per endpoint.
	PerEndpoint int
	// JSON prints the report as one JSON document (jsonReport).
	JSON bool
}

// jsonReport is the report printed by -json.
type jsonReport struct {
	Now         time.Time      `json:"now"`
	Window      string         `json:"window"`
	PerEndpoint int            `json:"messages_per_endpoint"`
	Endpoints   []jsonEndpoint `json:"endpoints"`
}

// jsonEndpoint is one endpoint's row; timings are in milliseconds, null
// without a sample.
type jsonEndpoint struct {
	ID             string               `json:"id"`
	Name           string               `json:"name"`
	Kind           string               `json:"kind"`
	SuccessRatePct float64              `json:"success_rate_pct"`
	SuccessRate    string               `json:"success_rate_class"`
	ResponseTime   string               `json:"response_time_class"`
	Activity       string               `json:"activity"`
	SampleMessages int                  `json:"sample_messages"`
	SampleAttempts int                  `json:"sample_attempts"`
	Phases         map[string]jsonPhase `json:"phases_ms"`
}

// jsonPhase is a timing phase's median and 95th percentile.
type jsonPhase struct {
	P50 *int64 `json:"p50"`
	P95 *int64 `json:"p95"`
}

// phases are the timing phases of an attempt, in the order they happen.
var phases = []struct {
	Name string
	Of   func(*hookscope.Attempt) *int64
}{
	{"DNS", func(a *hookscope.Attempt) *int64 { return a.DNSMS }},
	{"TCP", func(a *hookscope.Attempt) *int64 { return a.TCPConnectMS }},
	{"TLS", func(a *hookscope.Attempt) *int64 { return a.TLSHandshakeMS }},
	{"TTFB", func(a *hookscope.Attempt) *int64 { return a.TTFBMS }},
	{"TRANSFER", func(a *hookscope.Attempt) *int64 { return a.TransferMS }},
}

// sample is what the attempts of one endpoint's recent messages hold.
type sample struct {
	Messages int
	Attempts int
	// Phases holds each phase's durations in ms, by phases' index, of the
	// attempts that reached it.
	Phases [][]int64
}

// run writes the report to out.
func run(ctx context.Context, c *hookscope.Client, out io.Writer, cfg config) error {
	tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprint(tw, "NAME\tKIND\tSUCCESS RATE\tRESPONSE TIME\tACTIVITY\tSAMPLE")
	for _, p := range phases {
		fmt.Fprintf(tw, "\t%s p50/p95", p.Name)
	}
	fmt.Fprintln(tw)
	endpoints := 0
	rep := jsonReport{Now: cfg.Now.UTC(), Window: hours(cfg.Window), PerEndpoint: cfg.PerEndpoint, Endpoints: []jsonEndpoint{}}
	if cfg.JSON {
		tw = tabwriter.NewWriter(io.Discard, 2, 4, 2, ' ', 0)
	}
	for listed, err := range c.Webhooks.All(ctx, nil) {
		if err != nil {
			return fmt.Errorf("listing webhooks: %w", err)
		}
		// The list has delivery stats but never recent events, which the
		// activity class reads: fetch each webhook with them.
		wh, err := c.Webhooks.Get(ctx, listed.ID, &hookscope.WebhookGetParams{IncludeEvents: true})
		if err != nil {
			return fmt.Errorf("webhook %s: %w", listed.ID, err)
		}
		s, err := sampleEndpoint(ctx, c, wh.ID, cfg)
		if err != nil {
			return err
		}
		h := wh.Health()
		je := jsonEndpoint{ID: wh.ID, Name: wh.Name, Kind: string(wh.Kind), SuccessRatePct: wh.DeliveryStats.SuccessRate,
			SuccessRate: h.SuccessRate.String(), ResponseTime: h.ResponseTime.String(), Activity: h.Activity.String(),
			SampleMessages: s.Messages, SampleAttempts: s.Attempts, Phases: map[string]jsonPhase{}}
		for i, p := range phases {
			var ph jsonPhase
			if vs := s.Phases[i]; len(vs) > 0 {
				ph = jsonPhase{new(percentile(vs, 50)), new(percentile(vs, 95))}
			}
			je.Phases[strings.ToLower(p.Name)] = ph
		}
		rep.Endpoints = append(rep.Endpoints, je)
		fmt.Fprintf(tw, "%s\t%s\t%.2f%% %s\t%s\t%s\t%d msgs, %d attempts", wh.Name, wh.Kind,
			wh.DeliveryStats.SuccessRate, h.SuccessRate, h.ResponseTime, h.Activity, s.Messages, s.Attempts)
		for i := range phases {
			fmt.Fprintf(tw, "\t%s", p50p95(s.Phases[i]))
		}
		fmt.Fprintln(tw)
		endpoints++
	}
	if cfg.JSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%d endpoints. Success rate and classes from delivery_stats and recent events; timings in ms\n", endpoints)
	fmt.Fprintf(out, "from the attempts of at most %d messages per endpoint created in the %s before %s.\n",
		cfg.PerEndpoint, hours(cfg.Window), cfg.Now.UTC().Format(time.RFC3339))
	return nil
}

// sampleEndpoint reads the attempts of the newest messages of endpoint id
// in the window, at most cfg.PerEndpoint of them.
func sampleEndpoint(ctx context.Context, c *hookscope.Client, id string, cfg config) (sample, error) {
	s := sample{Phases: make([][]int64, len(phases))}
	params := &hookscope.LogListParams{
		EndpointID: id,
		StartTime:  cfg.Now.Add(-cfg.Window),
		EndTime:    cfg.Now,
		Limit:      min(max(cfg.PerEndpoint, 1), hookscope.LogsMaxLimit),
	}
	for e, err := range c.Logs.All(ctx, params) {
		if err != nil {
			return s, fmt.Errorf("logs of %s: %w", id, err)
		}
		s.Messages++
		if e.AttemptCount > 0 { // a queued message has nothing to time yet
			list, err := c.Attempts.ListOutbound(ctx, e.MessageID)
			if err != nil {
				return s, fmt.Errorf("attempts of %s: %w", e.MessageID, err)
			}
			for i := range list.Data {
				a := &list.Data[i]
				s.Attempts++
				for p, phase := range phases {
					if v := phase.Of(a); v != nil {
						s.Phases[p] = append(s.Phases[p], *v)
					}
				}
			}
		}
		if s.Messages >= cfg.PerEndpoint {
			break // no further page is fetched
		}
	}
	return s, nil
}

// percentile is the nearest-rank p-th percentile (0 < p <= 100) of vs,
// which it sorts.
func percentile(vs []int64, p float64) int64 {
	slices.Sort(vs)
	rank := int(math.Ceil(p / 100 * float64(len(vs))))
	return vs[max(rank, 1)-1]
}

// p50p95 formats the median and 95th percentile of vs, "-" when empty.
func p50p95(vs []int64) string {
	if len(vs) == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d", percentile(vs, 50), percentile(vs, 95))
}

// hours formats a whole number of hours as "24h", anything else as
// time.Duration does.
func hours(d time.Duration) string {
	if d > 0 && d%time.Hour == 0 {
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return d.String()
}
