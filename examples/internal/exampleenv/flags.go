package exampleenv

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	hookscope "github.com/hookscope/hookscope-go"
)

// NewFlags returns the flag set of the example name: -h prints usage, which
// says what the example does (summary) and names the environment every
// example reads (HOOKSCOPE_API_KEY, HOOKSCOPE_BASE_URL), then its flags.
func NewFlags(name, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "usage: go run ./examples/%s [flags]\n\n%s\n\n", name, strings.TrimSpace(summary))
		fmt.Fprintf(w, "Environment:\n")
		fmt.Fprintf(w, "  HOOKSCOPE_API_KEY   your API key; unset, the example runs against an in-process mock\n")
		fmt.Fprintf(w, "                      server with a fixed seed\n")
		fmt.Fprintf(w, "  HOOKSCOPE_BASE_URL  the API's base URL (default %s)\n\n", hookscope.DefaultBaseURL)
		fmt.Fprintf(w, "Flags:\n")
		fs.PrintDefaults()
	}
	return fs
}

// JSONFlag adds -json to a report's flags: print the report as one JSON
// document instead of a table.
func JSONFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("json", false, "print the report as JSON instead of a table")
}

// Parse parses args with fs. It reports whether the example goes on; when it
// does not, code is the exit status: 0 after -h (usage on stdout), 2 after a
// bad flag or an unexpected argument (the reason and the usage on stderr).
func Parse(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		fs.Usage()
		return 0, false
	case err == nil && fs.NArg() > 0:
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n\n", fs.Name(), err)
		fs.SetOutput(stderr)
		fs.Usage()
		return 2, false
	}
	fs.SetOutput(stderr)
	return 0, true
}

// ParseOrExit parses the process's arguments with fs, exiting as Parse says
// when the example does not go on.
func ParseOrExit(fs *flag.FlagSet) {
	if code, ok := Parse(fs, os.Args[1:], os.Stdout, os.Stderr); !ok {
		os.Exit(code)
	}
}
