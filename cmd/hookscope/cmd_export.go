package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	hookscope "github.com/hookscope/hookscope-go"
)

// exportStateVersion is the version of the state file's format.
const exportStateVersion = 1

// exportFlags are the flags of export logs as given, so that a resumed export
// can check it continues the same one.
type exportFlags struct {
	Format   string `json:"format"`
	Status   string `json:"status"`
	Endpoint string `json:"endpoint"`
	Since    string `json:"since"`
	Until    string `json:"until"`
}

// exportState is the checkpoint of an export, saved after every page.
type exportState struct {
	Version int         `json:"version"`
	Flags   exportFlags `json:"flags"`
	// StartTime and EndTime are the window as resolved when the export began
	// (a relative --since is not re-read on resume).
	StartTime time.Time `json:"start_time,omitzero"`
	EndTime   time.Time `json:"end_time"`
	// Cursor fetches the next page; "" before the first.
	Cursor string `json:"cursor"`
	// Rows and Bytes are what the output file holds at the checkpoint.
	Rows  int64 `json:"rows"`
	Bytes int64 `json:"bytes"`
	// Total is the number of rows expected, when it could be known.
	Total *int64 `json:"total,omitempty"`
}

func (a *app) exportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Export data to a file",
		RunE:  a.groupRunE,
	}
	cmd.AddCommand(a.exportLogsCmd())
	return cmd
}

func (a *app) exportLogsCmd() *cobra.Command {
	var (
		f              logFilters
		format         string
		out, statePath string
	)
	cmd := &cobra.Command{
		Use:   "logs --format ndjson|csv --out FILE [--state FILE]",
		Short: "Export the delivery log to an NDJSON or CSV file, resumably",
		Long: `Writes every message of the delivery log that matches the filters to --out, newest
first, as NDJSON (one JSON object per line) or CSV, with a progress bar on stderr
(rows, rate, and the time left when the total is known).

With --state, the position is saved after every page: after Ctrl-C (or any
failure), run the same command again and it resumes where it stopped, without a
row lost or repeated. The state file is removed when the export completes.
Without --until, the window ends when the export begins.`,
		Args: exactArgs(),
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			if format != "ndjson" && format != "csv" {
				return usagef("invalid --format %q: want ndjson or csv", format)
			}
			if out == "" {
				return usagef("missing --out FILE")
			}
			flags := exportFlags{Format: format, Status: f.status, Endpoint: f.endpoint, Since: f.since, Until: f.until}
			st, err := loadExportState(statePath, flags)
			if err != nil {
				return err
			}
			s, err := a.connect()
			if err != nil {
				return err
			}
			defer s.Close()
			ctx := cmd.Context()

			if st == nil {
				params, err := f.params(s.now)
				if err != nil {
					return err
				}
				st = &exportState{Version: exportStateVersion, Flags: flags, StartTime: params.StartTime, EndTime: params.EndTime}
				if st.EndTime.IsZero() {
					st.EndTime = s.now
				}
				st.Total = countLogs(ctx, s.c, params.EndpointID, params.Status, st.StartTime, st.EndTime)
			} else {
				fmt.Fprintf(a.sys.Stderr, "hookscope: resuming the export in %s after %d rows\n", out, st.Rows)
			}
			return a.exportLogs(ctx, s.c, st, out, statePath)
		}),
	}
	f.register(cmd)
	cmd.Flags().StringVar(&format, "format", "ndjson", "file format: ndjson or csv")
	cmd.Flags().StringVar(&out, "out", "", "the file to write (required)")
	cmd.Flags().StringVar(&statePath, "state", "", "a file that keeps the position, to resume after an interruption")
	_ = cmd.RegisterFlagCompletionFunc("format", fixedCompletion("ndjson", "csv"))
	return cmd
}

// loadExportState reads the state file, nil when there is none (or no
// --state). A state saved by other flags is a usage error.
func loadExportState(path string, flags exportFlags) (*exportState, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading --state: %w", err)
	}
	var st exportState
	if err := json.Unmarshal(b, &st); err != nil || st.Version != exportStateVersion {
		return nil, usagef("invalid --state %s: not a state file of this version of hookscope export logs; remove it to start over", path)
	}
	if st.Flags != flags {
		return nil, usagef("--state %s was saved by an export with other flags (--format %q --status %q --endpoint %q --since %q --until %q): give the same flags to resume, or remove it to start over",
			path, st.Flags.Format, st.Flags.Status, st.Flags.Endpoint, st.Flags.Since, st.Flags.Until)
	}
	return &st, nil
}

// saveExportState writes the state atomically: a crash leaves the old or the
// new one, never half of one.
func saveExportState(path string, st *exportState) error {
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("saving --state: %w", err)
	}
	_, werr := tmp.Write(append(b, '\n'))
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("saving --state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("saving --state: %w", err)
	}
	return nil
}

// countLogs estimates the rows of a log query from the messages metric
// (messages created per day), for the progress bar's ETA. It is nil when it
// cannot be known: a status filter (the metric counts every status), no
// start time, or an error (such as a key without metrics:read).
func countLogs(ctx context.Context, c *hookscope.Client, endpointID string, status hookscope.MessageStatus, from, to time.Time) *int64 {
	if status != "" || from.IsZero() || !from.Before(to) {
		return nil
	}
	p := &hookscope.MessageMetricsParams{Metric: hookscope.MetricOutboundSent, Granularity: hookscope.GranularityDay,
		From: from, To: to, Limit: hookscope.MetricsMaxLimit}
	if endpointID != "" {
		p.GroupBy = hookscope.GroupByEndpointID
	}
	var n int64
	for b, err := range c.Metrics.MessageBuckets(ctx, p) {
		if err != nil {
			return nil
		}
		if b.Value != nil && (endpointID == "" || b.Group == endpointID) {
			n += *b.Value
		}
	}
	return &n
}

// exportLogs writes the pages from the state's cursor to out, checkpointing
// after each page.
func (a *app) exportLogs(ctx context.Context, c *hookscope.Client, st *exportState, out, statePath string) (err error) {
	file, err := openExportOut(st, out, statePath)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := file.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("closing --out: %w", cerr)
		}
	}()

	bar := a.exportBar(st)
	var params = &hookscope.LogListParams{EndpointID: st.Flags.Endpoint, Status: hookscope.MessageStatus(st.Flags.Status),
		StartTime: st.StartTime, EndTime: st.EndTime, Limit: hookscope.LogsMaxLimit, Cursor: st.Cursor}
	startRows := st.Rows
	for page, err := range c.Logs.Pages(ctx, params) {
		if err != nil {
			a.exportStopped(st, out, statePath, startRows)
			return err
		}
		n, err := writeLogPage(file, st.Flags.Format, page.Data)
		if err == nil {
			err = file.Sync()
		}
		if err != nil {
			return fmt.Errorf("writing --out: %w", err)
		}
		st.Bytes += n
		st.Rows += int64(len(page.Data))
		st.Cursor = page.Meta.NextCursor
		if statePath != "" && st.Cursor != "" {
			if err := saveExportState(statePath, st); err != nil {
				return err
			}
		}
		advanceBar(bar, st, startRows)
	}
	if bar != nil {
		_ = bar.Finish()
		fmt.Fprintln(a.sys.Stderr)
	}
	if statePath != "" {
		if err := os.Remove(statePath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing --state: %w", err)
		}
	}
	fmt.Fprintf(a.sys.Stderr, "hookscope: exported %d rows to %s\n", st.Rows, out)
	return nil
}

// openExportOut opens --out at the saved position (st.Bytes): a new export
// starts an empty file (a CSV one with its header row), a resumed one drops
// whatever was written after the last checkpoint.
func openExportOut(st *exportState, out, statePath string) (*os.File, error) {
	flag := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
	if st.Bytes > 0 {
		flag = os.O_WRONLY
	}
	file, err := os.OpenFile(out, flag, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening --out: %w", err)
	}
	if err := seekExportOut(file, st, out, statePath); err != nil {
		_ = file.Close()
		return nil, err
	}
	return file, nil
}

func seekExportOut(file *os.File, st *exportState, out, statePath string) error {
	if st.Bytes > 0 {
		info, err := file.Stat()
		if err != nil {
			return fmt.Errorf("reading --out: %w", err)
		}
		if info.Size() < st.Bytes {
			return fmt.Errorf("--out %s holds %d bytes, fewer than the %d of the saved position: remove --state %s to start over", out, info.Size(), st.Bytes, statePath)
		}
		if err := file.Truncate(st.Bytes); err != nil {
			return fmt.Errorf("truncating --out: %w", err)
		}
	}
	if _, err := file.Seek(st.Bytes, io.SeekStart); err != nil {
		return fmt.Errorf("seeking --out: %w", err)
	}
	if st.Bytes == 0 && st.Flags.Format == "csv" {
		n, err := writeCSVTo(file, [][]string{logCSVHead()})
		if err != nil {
			return fmt.Errorf("writing --out: %w", err)
		}
		st.Bytes += n
	}
	return nil
}

// advanceBar shows the rows exported in this run on bar (nil: no bar),
// widening it when more rows come than the total said.
func advanceBar(bar *progressbar.ProgressBar, st *exportState, startRows int64) {
	if bar == nil {
		return
	}
	if st.Total != nil && st.Rows > *st.Total {
		bar.ChangeMax64(st.Rows - startRows)
	}
	_ = bar.Set64(st.Rows - startRows)
}

// exportStopped says on stderr how far an interrupted export got.
func (a *app) exportStopped(st *exportState, out, statePath string, startRows int64) {
	if statePath == "" {
		fmt.Fprintf(a.sys.Stderr, "\nhookscope: export stopped after %d rows in %s; without --state it cannot resume\n", st.Rows, out)
		return
	}
	fmt.Fprintf(a.sys.Stderr, "\nhookscope: export stopped after %d rows (%d in this run); run the same command to resume from %s\n",
		st.Rows, st.Rows-startRows, statePath)
}

// exportBar is the progress bar on stderr: rows, rate, and the time left
// when the total is known. None when stderr is not a terminal.
func (a *app) exportBar(st *exportState) *progressbar.ProgressBar {
	if !a.sys.StderrTTY {
		return nil
	}
	total := int64(-1)
	if st.Total != nil {
		total = max(*st.Total-st.Rows, 1)
	}
	desc := "exporting"
	if st.Rows > 0 {
		desc = fmt.Sprintf("resumed after %d rows", st.Rows)
	}
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(a.sys.Stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionSetPredictTime(st.Total != nil),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionSetSpinnerChangeInterval(0),
		progressbar.OptionEnableColorCodes(false),
	)
}

// writeLogPage writes rows in the format and returns the bytes written.
func writeLogPage(w io.Writer, format string, entries []hookscope.LogEntry) (int64, error) {
	if format == "csv" {
		rows := make([][]string, len(entries))
		for i := range entries {
			rows[i] = newLogRow(&entries[i]).csv()
		}
		return writeCSVTo(w, rows)
	}
	cw := &countingWriter{w: bufio.NewWriter(w)}
	enc := json.NewEncoder(cw)
	enc.SetEscapeHTML(false)
	for i := range entries {
		if err := enc.Encode(newLogRow(&entries[i])); err != nil {
			return cw.n, err
		}
	}
	return cw.n, cw.w.(*bufio.Writer).Flush()
}

// writeCSVTo writes CSV records and returns the bytes written.
func writeCSVTo(w io.Writer, rows [][]string) (int64, error) {
	cw := &countingWriter{w: w}
	c := csv.NewWriter(cw)
	if err := c.WriteAll(rows); err != nil {
		return cw.n, err
	}
	return cw.n, nil
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
