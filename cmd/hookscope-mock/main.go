// Command hookscope-mock serves the hookscope API from mockserver's
// in-memory data model, for trying the SDK or another client by hand.
//
//	go run ./cmd/hookscope-mock -addr 127.0.0.1:8080 -seed 42 -messages 5000
//
// It prints the base URL and the API key of the default organization (plan
// pro, every scope). On SIGINT or SIGTERM it stops accepting connections,
// ends requests held by a Delay fault, lets requests in progress finish for
// up to -shutdown-timeout, closes the connections still open after that, and
// exits 0; a second signal ends it at once.
//
// Connections are bounded in time: the request headers must arrive within
// 10 s, the whole request (headers and body) within 1 minute, and an idle
// keep-alive connection is closed after 2 minutes.
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
	go func() {
		<-ctx.Done()
		stop() // a second signal ends the process at once
	}()
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
	drain := fs.Duration("shutdown-timeout", 10*time.Second, "on SIGINT/SIGTERM, how long requests in progress may finish before their connections are closed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *drain < 0 {
		return fmt.Errorf("-shutdown-timeout must not be negative, got %v", *drain)
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
	httpSrv := &http.Server{}
	srv.ConfigureServer(httpSrv) // the handler and mockserver's connection time limits
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
	srv.Close() // ends the requests held by a Delay fault
	shutdownCtx, cancel := context.WithTimeout(context.Background(), *drain)
	defer cancel()
	err = httpSrv.Shutdown(shutdownCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		// A stalled client is no reason to fail a requested stop.
		fmt.Fprintf(out, "closing the connections still open after %v\n", *drain)
		err = httpSrv.Close()
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
