// Command baseline is the reference of bench/throughput.sh: a plain
// net/http handler that serves bytes fetched once, at startup, from a running
// hookscope-mock, so that the mock's throughput can be compared with what
// net/http itself manages for the same responses on the same machine.
//
//	go run ./bench/baseline -mock http://127.0.0.1:8080 -key am_test_…
//
// It serves two paths: a webhook get with recent events (the webhook with
// the most messages; a small response) and a 500-row /v1/logs page (a large
// one). It prints its address and the two paths, then serves until killed.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/hookscope/hookscope-go/mockserver"
)

func main() {
	log.SetFlags(0)
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (loopback)")
	mock := flag.String("mock", "", "base URL of the running hookscope-mock")
	key := flag.String("key", "", "its API key")
	timeouts := flag.Bool("timeouts", false, "serve with hookscope-mock's connection time limits (read and idle, besides the header's)")
	flag.Parse()
	if *mock == "" || *key == "" {
		log.Fatal("baseline: -mock and -key are required")
	}
	fetch := func(path string) []byte {
		req, err := http.NewRequest(http.MethodGet, *mock+path, nil)
		if err != nil {
			log.Fatalf("baseline: %v", err)
		}
		req.Header.Set("Authorization", "Bearer "+*key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatalf("baseline: GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			log.Fatalf("baseline: GET %s: %d %v", path, resp.StatusCode, err)
		}
		return b
	}

	// The webhook with the most messages.
	var list struct {
		Data []struct {
			ID    string `json:"id"`
			Stats struct {
				Total int64 `json:"total_events"`
			} `json:"delivery_stats"`
		} `json:"data"`
	}
	if err := json.Unmarshal(fetch("/api/v0/webhooks?limit=100"), &list); err != nil || len(list.Data) == 0 {
		log.Fatalf("baseline: no webhooks: %v", err)
	}
	best := list.Data[0]
	for _, wh := range list.Data {
		if wh.Stats.Total > best.Stats.Total {
			best = wh
		}
	}
	webhookPath := "/api/v0/webhooks/" + best.ID
	webhookQuery := "include_events=true"
	logsPath, logsQuery := "/v1/logs", "limit=500"
	small := fetch(webhookPath + "?" + webhookQuery)
	large := fetch(logsPath + "?" + logsQuery)

	mux := http.NewServeMux()
	serve := func(body []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		}
	}
	mux.Handle("GET "+webhookPath, serve(small))
	mux.Handle("GET "+logsPath, serve(large))

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("baseline: listen: %v", err)
	}
	fmt.Printf("baseline listening on http://%s\n", ln.Addr())
	fmt.Printf("small: %s?%s (%d bytes)\n", webhookPath, webhookQuery, len(small))
	fmt.Printf("large: %s?%s (%d bytes)\n", logsPath, logsQuery, len(large))
	_ = os.Stdout.Sync()
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: mockserver.DefaultReadHeaderTimeout}
	if *timeouts {
		// net/http then sets a read deadline for each request's body and
		// for the wait after each answer.
		srv.ReadTimeout = mockserver.DefaultReadTimeout
		srv.IdleTimeout = mockserver.DefaultIdleTimeout
	}
	log.Fatal(srv.Serve(ln))
}
