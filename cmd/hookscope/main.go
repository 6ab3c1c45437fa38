// Command hookscope is the command line of the hookscope webhook-delivery
// observability API, for people who run webhooks and do not write Go:
//
//	hookscope health                     every endpoint, worst first
//	hookscope logs --status failed_permanent --since 24h
//	hookscope logs --follow              new messages as they arrive
//	hookscope attempts MESSAGE_ID        each attempt with a timing waterfall
//	hookscope metrics failed             a chart of failed attempts, current and prior period
//	hookscope analytics                  today's figures and latency percentiles
//	hookscope webhooks list|get|create|update|delete
//	hookscope failures --since 7d        permanently failed messages, grouped
//	hookscope export logs --format ndjson --out logs.ndjson --state logs.state
//	hookscope mock -addr 127.0.0.1:8080  the mock server (hookscope-mock's flags)
//
// It reads the key from --api-key or HOOKSCOPE_API_KEY and the API's address
// from --base-url or HOOKSCOPE_BASE_URL. Without a key it runs against an
// embedded mock server with generated data, and says so on stderr.
//
// Exit codes: 0 success; 1 an API or network error; 2 a usage error; 130
// interrupted (Ctrl-C).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	sys := &system{
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		Getenv:    os.Getenv,
		StdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		StderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
	}
	if sys.StdoutTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			sys.TermWidth = w
		}
	}
	code := run(ctx, os.Args[1:], sys)
	stop()
	os.Exit(code)
}
