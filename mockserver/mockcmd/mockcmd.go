// Package mockcmd is the hookscope-mock command: mockserver's in-memory
// hookscope API served from a process, for clients in any language. The
// hookscope-mock binary and "hookscope mock" both run it.
//
//	hookscope-mock -addr 127.0.0.1:8080 -seed 42 -messages 5000 -state mock.json
//
// It listens first (a busy port fails at once), then generates the data (or
// loads -state), and prints the base URL, the API key of the default
// organization (plan pro, every scope) and the admin token of the admin API
// under /_mock/. It opens no other listener.
//
// On SIGINT or SIGTERM it stops accepting connections, ends requests held by
// a Delay fault, lets requests in progress finish for up to
// -shutdown-timeout, closes the connections still open after that, writes
// -state (to a temporary file renamed over it, so that a crash never leaves
// half a file), and exits 0; a second signal ends it at once.
//
// Connections are bounded in time as mockserver's Timeouts say: the request
// headers must arrive within 10 s, the whole request within 1 minute, and an
// idle keep-alive connection is closed after 2 minutes.
//
// The access log (-log text or json, on stderr) is written in batches: a
// line appears at most 50 ms after its request, and every line is written
// before the process exits after SIGINT or SIGTERM (a second signal, which
// ends it at once, or SIGKILL may lose the last 50 ms of lines).
package mockcmd

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hookscope/hookscope-go/mockserver"
)

// Exit codes of Run.
const (
	ExitOK    = 0
	ExitError = 1 // the server could not start, serve, or save its state
	ExitUsage = 2 // bad flags or arguments
)

// options are the parsed flags.
type options struct {
	addr       string
	seed       int64
	messages   int
	clock      time.Time
	drain      time.Duration
	adminToken string
	state      string
	rateLimits bool
	logFormat  string
	cors       []string
}

// usageError is a bad flag or argument: exit 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }

func newFlagSet(o *options, clock *string, cors *string) *flag.FlagSet {
	fs := flag.NewFlagSet("hookscope-mock", flag.ContinueOnError)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	fs.Int64Var(&o.seed, "seed", mockserver.DefaultSeed, "generator seed: the same seed and clock give the same data")
	fs.IntVar(&o.messages, "messages", mockserver.DefaultMessages, "number of outbound messages over the 7 days before the clock (>= 0)")
	fs.StringVar(clock, "clock", "", "fixed \"now\" in RFC 3339, e.g. 2026-05-06T15:04:05Z (default: the real clock); the admin API moves it")
	fs.DurationVar(&o.drain, "shutdown-timeout", 10*time.Second, "on SIGINT/SIGTERM, how long requests in progress may finish before their connections are closed")
	fs.StringVar(&o.adminToken, "admin-token", "", "token of the admin API under /_mock/ (default: a random one, printed at start)")
	fs.StringVar(&o.state, "state", "", "state file: loaded at start when it exists, written on a clean shutdown (keys, webhooks, messages, clock)")
	fs.BoolVar(&o.rateLimits, "rate-limits", false, "enforce per-key rate limits by plan (free 60, starter 600, pro 3000, enterprise 12000 requests a minute)")
	fs.StringVar(&o.logFormat, "log", "text", "access log on stderr: text, json or off")
	fs.StringVar(cors, "cors", "", "comma-separated origins allowed to call from a browser, or * for any (default: none)")
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage: hookscope-mock [flags]\n\n")
		fmt.Fprintf(out, "Serves the hookscope API from an in-memory data model, with an admin API under /_mock/.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs
}

// parse reads args into options.
func parse(args []string, stdout io.Writer) (*options, bool, error) {
	o := &options{}
	var clock, cors string
	fs := newFlagSet(o, &clock, &cors)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return nil, true, nil
		}
		return nil, false, &usageError{err}
	}
	switch {
	case fs.NArg() > 0:
		return nil, false, &usageError{fmt.Errorf("unexpected argument %q: hookscope-mock takes flags only", fs.Arg(0))}
	case o.messages < 0:
		return nil, false, &usageError{fmt.Errorf("-messages must not be negative, got %d", o.messages)}
	case o.drain < 0:
		return nil, false, &usageError{fmt.Errorf("-shutdown-timeout must not be negative, got %v", o.drain)}
	case o.logFormat != "text" && o.logFormat != "json" && o.logFormat != "off":
		return nil, false, &usageError{fmt.Errorf("-log must be text, json or off, got %q", o.logFormat)}
	case strings.ContainsAny(o.adminToken, " \t\r\n"):
		return nil, false, &usageError{errors.New("-admin-token must not contain spaces")}
	}
	if clock != "" {
		t, err := time.Parse(time.RFC3339Nano, clock)
		if err != nil {
			return nil, false, &usageError{fmt.Errorf("-clock must be an RFC 3339 time such as 2026-05-06T15:04:05Z, got %q", clock)}
		}
		o.clock = t
	}
	for _, origin := range strings.Split(cors, ",") {
		if origin = strings.TrimSpace(origin); origin != "" {
			o.cors = append(o.cors, origin)
		}
	}
	return o, false, nil
}

// Run runs the command with args (without the program name) until ctx is
// done or SIGINT/SIGTERM arrives, and returns the exit code: ExitOK after a
// clean shutdown (and -h), ExitUsage for bad flags or arguments, ExitError
// when the server cannot start, serve, or save its state. The banner goes
// to stdout; errors and the access log to stderr.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, help, err := parse(args, stdout)
	if help {
		return ExitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "hookscope-mock: %v\nRun hookscope-mock -h for the flags.\n", err)
		return ExitUsage
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second signal ends the process at once
	}()
	if err := serve(ctx, o, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "hookscope-mock: %v\n", err)
		return ExitError
	}
	return ExitOK
}

// bulkGeneration is the message count from which buildServer lets the
// garbage collector run less often while it generates.
const bulkGeneration = 100_000

// gcTuning serialises buildServer's changes of the process's GC target
// (one process may run several servers, in tests), so that each restores
// the target it found. It is the package's one mutable state: a lock, no data.
var gcTuning sync.Mutex

// buildServer builds the server of opts; with bulkGC its history is
// generated with the collector at GOGC=400, then the process's target goes
// back to what it was: generation allocates a history that stays live, so a
// collection during it mostly marks the same growing heap again (over half
// of the start time at a million messages with the earlier, pointer-rich
// records; 8.9 s to listen against 6.2 s at GOGC=400).
func buildServer(bulkGC bool, opts []mockserver.Option) *mockserver.Server {
	if !bulkGC {
		return mockserver.NewHandler(opts...)
	}
	gcTuning.Lock()
	defer gcTuning.Unlock()
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	return mockserver.NewHandler(opts...)
}

// bulkGC reports whether a history of messages is generated at GOGC=400
// (buildServer): a large one (at or above bulkGeneration), unless the user
// set GOGC, whose choice stands. lookupEnv is os.LookupEnv.
func bulkGC(messages int, lookupEnv func(string) (string, bool)) bool {
	if messages < bulkGeneration {
		return false
	}
	v, set := lookupEnv("GOGC")
	return !set || v == "" // the runtime reads an empty GOGC as unset
}

// serve listens, builds the server, serves until ctx is done, then shuts
// down and saves the state.
func serve(ctx context.Context, o *options, stdout, stderr io.Writer) error {
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	defer ln.Close()

	opts := []mockserver.Option{mockserver.WithSeed(o.seed), mockserver.WithMessages(o.messages), mockserver.WithAdminToken(o.adminToken)}
	if !o.clock.IsZero() {
		t := o.clock
		opts = append(opts, mockserver.WithClock(func() time.Time { return t }))
	}
	if o.rateLimits {
		opts = append(opts, mockserver.WithRateLimits())
	}
	srv := buildServer(bulkGC(o.messages, os.LookupEnv), opts)
	defer srv.Close()
	loaded, err := loadState(srv, o.state)
	if err != nil {
		return err
	}
	go srv.BuildAggregates() // logs are served meanwhile

	base := "http://" + ln.Addr().String()
	fmt.Fprintf(stdout, "hookscope mock listening on %s\n", base)
	fmt.Fprintf(stdout, "API key: %s\n", srv.APIKey())
	fmt.Fprintf(stdout, "Admin token: %s\n", srv.AdminToken())
	if loaded {
		fmt.Fprintf(stdout, "state loaded from %s\n", o.state)
	}
	fmt.Fprintf(stdout, "try: curl -H 'Authorization: Bearer %s' '%s/v1/logs?limit=3'\n", srv.APIKey(), base)
	fmt.Fprintf(stdout, "admin: curl -H 'Authorization: Bearer %s' '%s/_mock/messages?direction=inbound&limit=3'\n", srv.AdminToken(), base)

	handler := withCORS(srv.Handler(), o.cors)
	if o.logFormat != "off" {
		// The access log is written in batches (at most logFlushDelay
		// late), flushed once the server has stopped.
		logw := newBatchWriter(stderr, logFlushDelay, logBatchBytes)
		defer logw.Flush()
		handler = withAccessLog(handler, o.logFormat, logw)
	}
	httpSrv := &http.Server{}
	srv.ConfigureServer(httpSrv) // mockserver's connection time limits
	httpSrv.Handler = handler
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
	fmt.Fprintln(stdout, "shutting down")
	srv.Close() // ends the requests held by a Delay fault
	shutdownCtx, cancel := context.WithTimeout(context.Background(), o.drain)
	defer cancel()
	err = httpSrv.Shutdown(shutdownCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		// A stalled client is no reason to fail a requested stop.
		fmt.Fprintf(stdout, "closing the connections still open after %v\n", o.drain)
		err = httpSrv.Close()
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if o.state != "" {
		if err := saveState(srv, o.state); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "state saved to %s\n", o.state)
	}
	return nil
}

// loadState restores srv from path when the file exists. A file that
// cannot be read or is not a snapshot this version reads is an error, never
// a silent fresh start.
func loadState(srv *mockserver.Server, path string) (bool, error) {
	if path == "" {
		return false, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("-state: %w", err)
	}
	defer f.Close()
	if err := srv.Restore(bufio.NewReader(f)); err != nil {
		return false, fmt.Errorf("-state %s: %w", path, err)
	}
	return true, nil
}

// saveState writes srv's snapshot to path atomically: a temporary file in
// the same directory, synced, then renamed over path.
func saveState(srv *mockserver.Server, path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("-state: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	w := bufio.NewWriter(tmp)
	err = srv.Snapshot(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("-state: writing %s: %w", path, err)
	}
	return nil
}

// newLogger is the access log's logger on w, or nil for "off".
func newLogger(format string, w io.Writer) *slog.Logger {
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil))
	case "text":
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return nil
}
