package main

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/hookscope/hookscope-go/mockserver/mockcmd"
)

// exitCodeError ends the command with code; whatever it had to say is
// already on stderr.
type exitCodeError struct{ code int }

func (e *exitCodeError) Error() string { return "exit status " + strconv.Itoa(e.code) }

// mockCmd is "hookscope mock": the hookscope-mock command, the same code
// (package mockcmd), so that the CLI's users need no second binary.
func (a *app) mockCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "mock [flags]",
		Short: "Serve the mock API and its admin API on a port, for clients in any language",
		Long: `Serves the hookscope API from an in-memory data model on a port, with an admin
API under /_mock/ (keys, messages, faults, the request journal, the clock, rate
limits, reset, snapshots), exactly as the hookscope-mock command does. It takes
hookscope-mock's flags (run 'hookscope mock -h' for them), not the global ones.`,
		DisableFlagParsing: true,
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			if code := mockcmd.Run(cmd.Context(), args, a.sys.Stdout, a.sys.Stderr); code != mockcmd.ExitOK {
				return &exitCodeError{code: code}
			}
			return nil
		}),
	}
}
