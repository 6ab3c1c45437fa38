package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// cliVersion is the command's version; it ships with the SDK it is built on.
const cliVersion = hookscope.Version

// defaultSeed is the embedded mock's seed without --seed: the examples' seed,
// so that the same data shows up everywhere.
const defaultSeed = 42

// system is what the command reads from and writes to: the process's streams
// and environment in main, buffers and a fixed environment in tests.
type system struct {
	Stdout, Stderr io.Writer
	// Getenv reads an environment variable.
	Getenv func(string) string
	// StdoutTTY and StderrTTY say whether the streams are terminals: colour
	// and the progress bar appear on a terminal only.
	StdoutTTY, StderrTTY bool
	// TermWidth is the terminal's width in columns, 0 when unknown.
	TermWidth int
	// afterPoll, when set, is called after each poll of logs --follow (tests
	// wait on it instead of on the wall clock).
	afterPoll func()
	// mock, when set, is the embedded mock to use instead of generating one
	// (tests share one); it is not closed.
	mock *mockserver.Server
}

// globals are the flags every command takes.
type globals struct {
	apiKey  string
	baseURL string
	mock    bool
	seed    int64
	output  string
	noColor bool
}

// app is one run of the command.
type app struct {
	sys *system
	g   globals
	// inRun is set once a command's own code starts: an error before that is
	// cobra's (a flag or argument), so a usage error.
	inRun bool
	// color says whether stdout gets ANSI colours.
	color bool
}

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// Exit codes.
const (
	exitOK          = 0
	exitAPIError    = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// run executes the command line args and returns the process's exit code.
func run(ctx context.Context, args []string, sys *system) int {
	if sys.Getenv == nil {
		sys.Getenv = func(string) string { return "" }
	}
	a := &app{sys: sys}
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetOut(sys.Stdout)
	root.SetErr(sys.Stderr)
	cmd, err := root.ExecuteContextC(ctx)
	path := "hookscope"
	if cmd != nil {
		path = cmd.CommandPath()
	}
	return a.exit(ctx, path, err)
}

// exit reports err on stderr and maps it to an exit code.
func (a *app) exit(ctx context.Context, cmdPath string, err error) int {
	if err == nil {
		return exitOK
	}
	stderr := a.sys.Stderr
	if ec, ok := errors.AsType[*exitCodeError](err); ok {
		return ec.code
	}
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, ctx.Err())) {
		fmt.Fprintln(stderr, "hookscope: interrupted")
		return exitInterrupted
	}
	var ue *usageError
	var pe *hookscope.ParamError
	var ec *exitCodeError
	switch {
	case errors.As(err, &ec):
		return ec.code
	case errors.As(err, &ue) || !a.inRun:
		fmt.Fprintf(stderr, "hookscope: %v\nRun '%s --help' for usage.\n", err, cmdPath)
		return exitUsage
	case errors.As(err, &pe):
		fmt.Fprintf(stderr, "hookscope: %s\nRun '%s --help' for usage.\n", paramMessage(pe), cmdPath)
		return exitUsage
	}
	fmt.Fprintf(stderr, "hookscope: %s\n", errorText(err))
	return exitAPIError
}

// errorText describes err for stderr: an API error with its status, code
// and request id.
func errorText(err error) string {
	var apiErr *hookscope.APIError
	if errors.As(err, &apiErr) {
		return describeAPIError(apiErr)
	}
	// The SDK's errors start with its name, which the command prints already.
	return strings.TrimPrefix(err.Error(), "hookscope: ")
}

// describeAPIError gives an API error's message, status, code and request id
// (to quote to support) on one line.
func describeAPIError(e *hookscope.APIError) string {
	msg := e.Message
	if msg == "" {
		msg = "the API answered with an error"
	}
	parts := []string{fmt.Sprintf("HTTP %d", e.StatusCode)}
	if e.Code != "" {
		parts = append(parts, "code "+e.Code)
	}
	if e.RequestID != "" {
		parts = append(parts, "request id "+e.RequestID)
	}
	if e.SupportID != "" {
		parts = append(parts, "support id "+e.SupportID)
	}
	if e.RetryAfter > 0 {
		parts = append(parts, "retry after "+e.RetryAfter.String())
	}
	return fmt.Sprintf("%s (%s)", msg, strings.Join(parts, ", "))
}

// paramFlag names the flag or argument that sets an API parameter.
func paramFlag(param string) string {
	switch param {
	case "limit":
		return "--limit"
	case "endpoint_id":
		return "--endpoint"
	case "status":
		return "--status"
	case "start_time", "from":
		return "--since"
	case "end_time", "to":
		return "--until"
	case "granularity":
		return "--granularity"
	case "group_by":
		return "--group-by"
	case "metric":
		return "METRIC"
	case "events_limit":
		return "--events"
	case "name":
		return "--name"
	case "url":
		return "--url"
	case "webhook_id":
		return "WEBHOOK_ID"
	case "id", "message_id":
		return "MESSAGE_ID"
	case "cursor":
		return "--state (its saved cursor)"
	}
	return param
}

// paramMessage names the flag behind a parameter the SDK refused.
func paramMessage(pe *hookscope.ParamError) string {
	return fmt.Sprintf("invalid %s: %s", paramFlag(pe.Param), pe.Message)
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "hookscope",
		Short: "See what your webhooks are doing: health, logs, attempts, metrics, failures",
		Long: `hookscope reads the hookscope webhook-delivery observability API.

It reads the API key from --api-key or HOOKSCOPE_API_KEY and the API's address
from --base-url or HOOKSCOPE_BASE_URL. Without a key, every command runs against
an embedded mock server with generated data (it says so on stderr); --mock forces
that, --seed picks its data.

Output: -o table (the default; colour on a terminal unless --no-color or NO_COLOR),
-o json (one document; NDJSON for streams such as logs --follow), -o csv.
Times are UTC, RFC 3339 in JSON and CSV.

Exit codes: 0 success, 1 API or network error (message, code and request id on
stderr), 2 usage error, 130 interrupted.`,
		Version:       cliVersion,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			a.color = a.sys.StdoutTTY && !a.g.noColor && a.sys.Getenv("NO_COLOR") == ""
			return nil
		},
	}
	root.SetVersionTemplate("hookscope {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &usageError{msg: err.Error()}
	})
	pf := root.PersistentFlags()
	pf.StringVar(&a.g.apiKey, "api-key", "", "API key (default: $HOOKSCOPE_API_KEY; none: the embedded mock)")
	pf.StringVar(&a.g.baseURL, "base-url", "", "API base URL (default: $HOOKSCOPE_BASE_URL, else "+hookscope.DefaultBaseURL+")")
	pf.BoolVar(&a.g.mock, "mock", false, "use the embedded mock server even when a key is set")
	pf.Int64Var(&a.g.seed, "seed", defaultSeed, "the embedded mock's data seed")
	pf.StringVarP(&a.g.output, "output", "o", "", "output format: table, json or csv (metrics: also chart, its default)")
	pf.BoolVar(&a.g.noColor, "no-color", false, "no colour (also: NO_COLOR set)")

	_ = root.RegisterFlagCompletionFunc("output", fixedCompletion("table", "json", "csv", "chart"))
	root.AddCommand(
		a.healthCmd(),
		a.logsCmd(),
		a.attemptsCmd(),
		a.metricsCmd(),
		a.analyticsCmd(),
		a.webhooksCmd(),
		a.failuresCmd(),
		a.exportCmd(),
		a.mockCmd(),
	)
	return root
}

// runE marks the start of a command's own code (see inRun).
func (a *app) runE(f func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a.inRun = true
		return f(cmd, args)
	}
}

// exactArgs is cobra.ExactArgs with the argument's name in its message.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < len(names) {
			return usagef("%s: missing argument %s", cmd.CommandPath(), names[len(args)])
		}
		if len(args) > len(names) {
			return usagef("%s: unexpected argument %q", cmd.CommandPath(), args[len(names)])
		}
		return nil
	}
}

// maxArgs accepts up to len(names) arguments.
func maxArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > len(names) {
			return usagef("%s: unexpected argument %q", cmd.CommandPath(), args[len(names)])
		}
		return nil
	}
}

// format returns the -o value, def when unset, after checking it is one of
// allowed.
func (a *app) format(def string, allowed ...string) (string, error) {
	f := a.g.output
	if f == "" {
		return def, nil
	}
	for _, ok := range allowed {
		if f == ok {
			return f, nil
		}
	}
	return "", usagef("invalid --output %q: want one of %s", f, strings.Join(allowed, ", "))
}

// now is the command's notion of the current time: the embedded mock's fixed
// clock when HOOKSCOPE_MOCK_NOW is set, else the wall clock.
func (a *app) now() (time.Time, error) {
	if v := a.sys.Getenv("HOOKSCOPE_MOCK_NOW"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return time.Time{}, usagef("invalid HOOKSCOPE_MOCK_NOW %q: want an RFC 3339 time", v)
		}
		return t.UTC(), nil
	}
	return time.Now().UTC(), nil
}

// groupRunE is the RunE of a command that only holds subcommands: without
// one, or with an unknown one, it is a usage error.
func (a *app) groupRunE(cmd *cobra.Command, args []string) error {
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	if len(args) == 0 {
		return usagef("%s: missing command: one of %s", cmd.CommandPath(), strings.Join(names, ", "))
	}
	return usagef("%s: unknown command %q: want one of %s", cmd.CommandPath(), args[0], strings.Join(names, ", "))
}

// fixedCompletion completes a flag from a fixed list of values.
func fixedCompletion(values ...string) cobra.CompletionFunc {
	return cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp)
}
