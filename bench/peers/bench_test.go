package peers_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/bench/peers/oapiclient"
	"github.com/hookscope/hookscope-go/bench/peers/ogenclient"
)

// The peers side by side: the SDK, the clients ogen and oapi-codegen
// generate from openapi.yaml, the net/http + encoding/json a user would
// write by hand, and a floor that only tokenizes the body with jsontext.
// Every client fetches the same bytes from one fixed-body server over one
// shared transport, in one run; see runPeers for the ratios.

const benchKey = "am_test_bench"

// logsPage500 is a 500-row /v1/logs page: succeeded rows with delivered_at
// and a response, and every third row pending_retry with next_attempt_at and
// last_error.
func logsPage500() []byte {
	base := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	page := hookscope.LogPage{Meta: hookscope.ListMeta{RequestID: "req_bench"}}
	for i := range 500 {
		created := base.Add(-time.Duration(i) * time.Second)
		e := hookscope.LogEntry{
			MessageID:    fmt.Sprintf("01935abc-def0-7123-4567-%012x", i),
			Endpoint:     "https://customer.app/webhooks",
			AttemptCount: 1 + i%4,
			CreatedAt:    created,
		}
		if i%3 == 0 {
			e.Status = hookscope.StatusPendingRetry
			e.NextAttemptAt = new(created.Add(time.Hour))
			e.LastError = "connection timeout"
		} else {
			e.Status = hookscope.StatusSucceeded
			e.DeliveredAt = new(created.Add(5 * time.Second))
			e.ResponseStatus = new(200)
			e.ResponseLatencyMS = new(int64(100 + i%300))
		}
		page.Data = append(page.Data, e)
	}
	return mustJSON(page)
}

// metricsEnvelope is the /v1/metrics/webhooks body in the SDK's types, for
// the hand-written client.
type metricsEnvelope struct {
	Success bool                   `json:"success"`
	Data    hookscope.MetricSeries `json:"data"`
	Meta    hookscope.MetricsMeta  `json:"meta"`
}

// metricsPage5000 is a 5,000-bucket minute series whose last ten buckets are
// not aggregated yet (value null), written as the server writes it (its own
// wire structs: meta.next_cursor is null on the last page, never absent).
func metricsPage5000() []byte {
	type bucket struct {
		BucketStart time.Time `json:"bucket_start"`
		Value       *int64    `json:"value"`
	}
	type series struct {
		Metric      string    `json:"metric"`
		Granularity string    `json:"granularity"`
		From        time.Time `json:"from"`
		To          time.Time `json:"to"`
		Buckets     []bucket  `json:"buckets"`
	}
	type meta struct {
		AsOf       time.Time `json:"as_of"`
		Limit      int       `json:"limit"`
		NextCursor *string   `json:"next_cursor"`
	}
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	s := series{Metric: "delivered", Granularity: "minute", From: start, To: start.Add(5000 * time.Minute)}
	for i := range 5000 {
		bk := bucket{BucketStart: start.Add(time.Duration(i) * time.Minute)}
		if i < 4990 {
			bk.Value = new(int64(i % 97))
		}
		s.Buckets = append(s.Buckets, bk)
	}
	return mustJSON(struct {
		Success bool   `json:"success"`
		Data    series `json:"data"`
		Meta    meta   `json:"meta"`
	}{true, s, meta{AsOf: start.Add(4990 * time.Minute), Limit: 5000}})
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// peerClients are the clients of one fixed-body server, over one transport.
type peerClients struct {
	url  string
	hc   *http.Client
	sdk  *hookscope.Client
	ogen *ogenclient.Client
	oapi *oapiclient.ClientWithResponses
}

// newPeers serves body (with the headers the document requires on a
// success) and returns every client of it.
func newPeers(b testing.TB, body []byte) *peerClients {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req_bench")
		w.Header().Set("Cache-Control", "private, max-age=30")
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	tr := &http.Transport{MaxIdleConnsPerHost: 4}
	b.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	p := &peerClients{url: srv.URL, hc: hc}
	var err error
	if p.sdk, err = hookscope.NewClient(benchKey, hookscope.WithBaseURL(srv.URL), hookscope.WithHTTPClient(hc)); err != nil {
		b.Fatal(err)
	}
	if p.ogen, err = ogenclient.NewClient(srv.URL, bearer(benchKey), ogenclient.WithClient(hc)); err != nil {
		b.Fatal(err)
	}
	auth := func(_ context.Context, req *http.Request) error {
		req.Header.Set("Authorization", "Bearer "+benchKey)
		return nil
	}
	if p.oapi, err = oapiclient.NewClientWithResponses(srv.URL, oapiclient.WithHTTPClient(hc), oapiclient.WithRequestEditorFn(auth)); err != nil {
		b.Fatal(err)
	}
	return p
}

// get is the hand-written GET: the key, a status check, and the body for
// the caller to read.
func (p *peerClients) get(ctx context.Context, target string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url+target, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+benchKey)
	resp, err := p.hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	return resp, nil
}

// handWritten decodes target's body into out with encoding/json.
func (p *peerClients) handWritten(ctx context.Context, target string, out any) error {
	resp, err := p.get(ctx, target)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(out)
}

// tokens reads target's body token by token with jsontext and returns how
// many there were: the least any JSON client must do.
func (p *peerClients) tokens(ctx context.Context, target string) (int, error) {
	resp, err := p.get(ctx, target)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	dec := jsontext.NewDecoder(resp.Body)
	n := 0
	for {
		if _, err := dec.ReadToken(); err != nil {
			if errors.Is(err, io.EOF) {
				return n, nil
			}
			return n, err
		}
		n++
	}
}

// peer is one client's operation; it fails when the page is not whole.
type peer struct {
	name string
	op   func(ctx context.Context) error
}

// interleaveBatch is how many operations of one peer the interleaved run
// times together: enough for a garbage collection to fall mostly on the
// peer whose garbage caused it, few enough to keep the turns short.
const interleaveBatch = 16

// runPeers runs each peer as a sub-benchmark (its time, bytes and
// allocations per operation), then all of them interleaved: every iteration
// runs each peer for interleaveBatch operations, in rotating order, and times
// it, so that a shared machine's
// changing load weighs on every peer alike. The interleaved run reports each
// peer's wall time per operation (<peer>-ns/op) and its ratio to the SDK's
// (<peer>/sdk), and the same in CPU time of this process (-cpu-ns/op,
// /sdk-cpu), which other processes' load on the machine does not inflate.
// The fixed-body server runs in this process: its share, the same for every
// peer, is in both.
func runPeers(b *testing.B, size int, peers []peer) {
	b.SetBytes(int64(size))
	ctx := context.Background()
	for _, p := range peers {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := p.op(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("interleaved", func(b *testing.B) {
		wall := make([]int64, len(peers))
		cpu := make([]int64, len(peers))
		_, haveCPU := processCPU()
		for round := 0; b.Loop(); round++ {
			// Each round starts with the next peer, so none always runs
			// first (or right after the same neighbour).
			for k := range peers {
				i := (round + k) % len(peers)
				start := time.Now()
				cpu0, _ := processCPU()
				for range interleaveBatch {
					if err := peers[i].op(ctx); err != nil {
						b.Fatal(err)
					}
				}
				cpu1, _ := processCPU()
				wall[i] += time.Since(start).Nanoseconds()
				cpu[i] += cpu1 - cpu0
			}
		}
		ops := float64(b.N * interleaveBatch)
		for i, p := range peers {
			b.ReportMetric(float64(wall[i])/ops, p.name+"-ns/op")
			if haveCPU {
				b.ReportMetric(float64(cpu[i])/ops, p.name+"-cpu-ns/op")
			}
			if i == 0 {
				continue
			}
			b.ReportMetric(float64(wall[i])/float64(wall[0]), p.name+"/sdk")
			if haveCPU {
				b.ReportMetric(float64(cpu[i])/float64(cpu[0]), p.name+"/sdk-cpu")
			}
		}
	})
}

// wantRows fails unless got is want.
func wantRows(got, want int) error {
	if got != want {
		return fmt.Errorf("decoded %d rows, want %d", got, want)
	}
	return nil
}

// BenchmarkPeersLogs500 fetches and decodes one 500-row /v1/logs page.
func BenchmarkPeersLogs500(b *testing.B) {
	body := logsPage500()
	runPeers(b, len(body), logsPeers(newPeers(b, body)))
}

// BenchmarkPeersMetrics5000 fetches and decodes one 5,000-bucket
// /v1/metrics/webhooks page.
func BenchmarkPeersMetrics5000(b *testing.B) {
	body := metricsPage5000()
	runPeers(b, len(body), metricsPeers(newPeers(b, body)))
}

// TestPeersDecodeTheBenchmarkPages runs each peer of the benchmarks once, so
// that a page the document no longer admits (the generated clients refuse
// it) or a peer that decodes short fails here, not only when someone
// benchmarks.
func TestPeersDecodeTheBenchmarkPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, peers := range map[string][]peer{
		"logs":    logsPeers(newPeers(t, logsPage500())),
		"metrics": metricsPeers(newPeers(t, metricsPage5000())),
	} {
		require.Len(t, peers, 5)
		for _, p := range peers {
			assert.NoError(t, p.op(ctx), "%s %s", name, p.name)
		}
	}
}

// logsPeers are the peers on the 500-row logs page.
func logsPeers(p *peerClients) []peer {
	const target = "/v1/logs?limit=500"
	return []peer{
		{"sdk", func(ctx context.Context) error {
			page, err := p.sdk.Logs.List(ctx, &hookscope.LogListParams{Limit: 500})
			if err != nil {
				return err
			}
			return wantRows(len(page.Data), 500)
		}},
		{"ogen", func(ctx context.Context) error {
			res, err := p.ogen.ListLogs(ctx, ogenclient.ListLogsParams{Limit: ogenclient.NewOptInt(500)})
			if err != nil {
				return err
			}
			page, ok := res.(*ogenclient.LogsResponseHeaders)
			if !ok {
				return fmt.Errorf("answer %T", res)
			}
			return wantRows(len(page.Response.Data), 500)
		}},
		{"oapi_codegen", func(ctx context.Context) error {
			res, err := p.oapi.ListLogsWithResponse(ctx, &oapiclient.ListLogsParams{Limit: new(500)})
			if err != nil {
				return err
			}
			if res.JSON200 == nil {
				return fmt.Errorf("status %d", res.StatusCode())
			}
			return wantRows(len(res.JSON200.Data), 500)
		}},
		{"nethttp", func(ctx context.Context) error {
			var page hookscope.LogPage
			if err := p.handWritten(ctx, target, &page); err != nil {
				return err
			}
			return wantRows(len(page.Data), 500)
		}},
		{"floor_jsontext", func(ctx context.Context) error {
			n, err := p.tokens(ctx, target)
			if err == nil && n < 500*10 {
				err = fmt.Errorf("only %d tokens", n)
			}
			return err
		}},
	}
}

// metricsPeers are the peers on the 5,000-bucket metrics page.
func metricsPeers(p *peerClients) []peer {
	const target = "/v1/metrics/webhooks?metric=delivered&granularity=minute&limit=5000"
	return []peer{
		{"sdk", func(ctx context.Context) error {
			s, err := p.sdk.Metrics.Webhooks(ctx, &hookscope.WebhookMetricsParams{Metric: hookscope.MetricDelivered,
				Granularity: hookscope.GranularityMinute, Limit: 5000})
			if err != nil {
				return err
			}
			return wantRows(len(s.Buckets), 5000)
		}},
		{"ogen", func(ctx context.Context) error {
			res, err := p.ogen.GetMetricsWebhooks(ctx, ogenclient.GetMetricsWebhooksParams{Metric: ogenclient.WebhookMetricDelivered,
				Granularity: ogenclient.NewOptMetricsGranularity(ogenclient.MetricsGranularityMinute), Limit: ogenclient.NewOptInt(5000)})
			if err != nil {
				return err
			}
			page, ok := res.(*ogenclient.MetricsOKHeaders)
			if !ok {
				return fmt.Errorf("answer %T", res)
			}
			return wantRows(len(page.Response.Data.Buckets), 5000)
		}},
		{"oapi_codegen", func(ctx context.Context) error {
			g := oapiclient.GetMetricsWebhooksParamsGranularityMinute
			res, err := p.oapi.GetMetricsWebhooksWithResponse(ctx, &oapiclient.GetMetricsWebhooksParams{Metric: oapiclient.WebhookMetricDelivered,
				Granularity: &g, Limit: new(5000)})
			if err != nil {
				return err
			}
			if res.JSON200 == nil {
				return fmt.Errorf("status %d", res.StatusCode())
			}
			return wantRows(len(res.JSON200.Data.Buckets), 5000)
		}},
		{"nethttp", func(ctx context.Context) error {
			var e metricsEnvelope
			if err := p.handWritten(ctx, target, &e); err != nil {
				return err
			}
			return wantRows(len(e.Data.Buckets), 5000)
		}},
		{"floor_jsontext", func(ctx context.Context) error {
			n, err := p.tokens(ctx, target)
			if err == nil && n < 5000*4 {
				err = fmt.Errorf("only %d tokens", n)
			}
			return err
		}},
	}
}
