package main

import (
	"github.com/spf13/cobra"

	"github.com/hookscope/hookscope-go/mockserver/mockcmd"
)

// exitCodeError ends the command with a code whose message was printed
// already (by the mock server's command).
type exitCodeError struct{ code int }

func (e *exitCodeError) Error() string { return "exit status" }

func (a *app) mockCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "mock [flags of hookscope-mock]",
		Short: "Run the mock server: the whole API in memory, for trying clients in any language",
		Long: `Runs the mock server, the same command as hookscope-mock: the API in memory,
computed from generated data, with an admin API under /_mock/. It prints the base
URL, the API key and the admin token; point hookscope at it with
HOOKSCOPE_BASE_URL and HOOKSCOPE_API_KEY. Ctrl-C stops it.

Its flags are hookscope-mock's (hookscope mock -h lists them), such as
-addr 127.0.0.1:8080, -seed 42, -messages 5000, -clock 2026-01-15T12:00:00Z,
-state mock.json and -rate-limits.`,
		DisableFlagParsing: true,
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			if code := mockcmd.Run(cmd.Context(), args, a.sys.Stdout, a.sys.Stderr); code != mockcmd.ExitOK {
				return &exitCodeError{code: code}
			}
			return nil
		}),
	}
}
