// Command hookscope-mock serves the hookscope API from mockserver's
// in-memory data model, for trying the SDK or another client by hand.
//
//	go run ./cmd/hookscope-mock -addr 127.0.0.1:8080 -seed 42 -messages 5000
//
// It prints the base URL and the API key of the default organization (plan
// pro, every scope), and shuts down cleanly on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/hookscope/hookscope-go/mockserver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		log.SetFlags(0)
		log.Fatalf("hookscope-mock: %v", err)
	}
}

// run serves until ctx is done, then shuts down gracefully.
func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("hookscope-mock", flag.ContinueOnError)
	fs.SetOutput(out)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	seed := fs.Int64("seed", mockserver.DefaultSeed, "generator seed: the same seed (and clock) gives the same data")
	messages := fs.Int("messages", mockserver.DefaultMessages, "number of outbound messages over the last 7 days")
	clock := fs.String("clock", "", "fixed \"now\" in RFC 3339 (default: the real clock)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts := []mockserver.Option{mockserver.WithSeed(*seed), mockserver.WithMessages(*messages)}
	if *clock != "" {
		t, err := time.Parse(time.RFC3339Nano, *clock)
		if err != nil {
			return fmt.Errorf("-clock: %w", err)
		}
		opts = append(opts, mockserver.WithClock(func() time.Time { return t }))
	}

	srv := mockserver.New(opts...)
	defer srv.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	httpSrv := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(out, "hookscope mock listening on http://%s\n", ln.Addr())
	fmt.Fprintf(out, "API key: %s\n", srv.APIKey())
	fmt.Fprintf(out, "try: curl -H 'Authorization: Bearer %s' 'http://%s/v1/logs?limit=3'\n", srv.APIKey(), ln.Addr())

	errc := make(chan error, 1)
	go func() { errc <- httpSrv.Serve(ln) }()
	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
		return nil
	case <-ctx.Done():
	}
	fmt.Fprintln(out, "shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
