// Command export-logs writes every failed_permanent delivery of the delivery
// log (GET /v1/logs) as NDJSON or CSV, page by page, and can resume after an
// interruption from the cursor it saved:
//
//	go run ./examples/export-logs                                    # NDJSON on stdout
//	go run ./examples/export-logs -format csv -out failed.csv -state export.json
//
// Progress goes to stderr, one line rewritten after each page: the rows
// written and the rate in rows per second.
//
// With -state, the cursor of the next page is saved after every page (written
// to a temporary file and renamed, so the file is never half-written), with
// the filters it was made for. Ctrl-C (SIGINT) or SIGTERM stops the export
// after the current page; running the same command again resumes from the
// saved cursor and appends to -out, without a row skipped or repeated. The
// state file is removed when the export completes. A second Ctrl-C exits at
// once; the next run then repeats at most the page in flight.
//
// With HOOKSCOPE_API_KEY set it exports from the API at HOOKSCOPE_BASE_URL
// (default hookscope.DefaultBaseURL); without it, from an in-process mock
// server with a fixed seed.
package main

import (
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/examples/internal/exampleenv"
)

func main() {
	log.SetFlags(0)
	stop := make(chan struct{})
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		signal.Stop(sigs) // a second signal kills the process
		fmt.Fprintln(os.Stderr, "\nexport-logs: stopping after the current page (Ctrl-C again to exit now)")
		close(stop)
	}()
	err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, stop)
	var exit exitCode
	switch {
	case errors.As(err, &exit):
		os.Exit(int(exit))
	case err != nil:
		log.Fatalf("export-logs: %v", err)
	}
}

// exitCode ends the program with a status and nothing more to say: 0 after
// -h, 2 after a usage error (already reported).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// run parses args, connects, and exports until the log ends or stop closes.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, stop <-chan struct{}) error {
	fs := exampleenv.NewFlags("export-logs", "Exports the failed_permanent deliveries of the log as NDJSON or CSV, page by page,\nresuming from a checkpoint file.")
	format := fs.String("format", "ndjson", "output format: ndjson or csv")
	outPath := fs.String("out", "", "output file (default stdout); appended to when resuming")
	statePath := fs.String("state", "", "checkpoint file: resume from it, and save the cursor after every page")
	since := fs.Duration("since", 0, "only messages created in this long before now, e.g. 72h (default: the whole log)")
	limit := fs.Int("limit", hookscope.LogsMaxLimit, "rows per page, 1..500")
	if code, ok := exampleenv.Parse(fs, args, stdout, stderr); !ok {
		return exitCode(code)
	}
	if *format != "ndjson" && *format != "csv" {
		fmt.Fprintf(stderr, "export-logs: -format %q: want ndjson or csv\n", *format)
		return exitCode(2)
	}

	env, err := exampleenv.Connect(5000)
	if err != nil {
		return err
	}
	defer env.Close()
	c, source := env.Client, env.Source
	fmt.Fprintf(stderr, "exporting failed_permanent deliveries from %s\n", source)

	st, resumed, err := loadState(*statePath)
	if err != nil {
		return err
	}
	if resumed {
		if st.Format != *format {
			return fmt.Errorf("%s was saved by a %s export; use -format %s or remove it", *statePath, st.Format, st.Format)
		}
		fmt.Fprintf(stderr, "resuming after %d rows from %s\n", st.Rows, *statePath)
	} else {
		st = exportState{Format: *format}
		if *since > 0 {
			st.StartTime = time.Now().Add(-*since).UTC().Truncate(time.Second)
		}
	}

	out := stdout
	if *outPath != "" {
		flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if resumed {
			flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
		}
		f, err := os.OpenFile(*outPath, flags, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	e := &exporter{c: c, out: out, progress: stderr, statePath: *statePath, limit: *limit, stop: stop}
	done, err := e.export(ctx, st, !resumed)
	if err != nil {
		return err
	}
	if out, ok := out.(*os.File); ok && out != os.Stdout {
		if err := out.Sync(); err != nil {
			return err
		}
	}
	if !done {
		fmt.Fprintf(stderr, "stopped; run the same command again to resume from %s\n", cmp.Or(*statePath, "(no -state: cannot resume)"))
	}
	return nil
}

// exportState is the checkpoint: the cursor of the next page and the query
// it belongs to (a cursor is valid only with the filters it was made for).
type exportState struct {
	Cursor    string    `json:"cursor"`
	StartTime time.Time `json:"start_time,omitzero"`
	Format    string    `json:"format"`
	Rows      int       `json:"rows"`
}

// loadState reads the checkpoint at path; resumed is false when there is none.
func loadState(path string) (st exportState, resumed bool, err error) {
	if path == "" {
		return st, false, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return st, false, nil
	}
	if err != nil {
		return st, false, err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, false, fmt.Errorf("%s: %w", path, err)
	}
	return st, st.Cursor != "", nil
}

// saveState writes st to path atomically: a temporary file in the same
// directory, synced, then renamed over path.
func saveState(path string, st exportState) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// exporter writes the rows of Logs.Pages to out.
type exporter struct {
	c         *hookscope.Client
	out       io.Writer
	progress  io.Writer
	statePath string
	limit     int
	stop      <-chan struct{}
}

// csvHeader names the CSV columns.
var csvHeader = []string{"message_id", "endpoint", "status", "attempt_count", "created_at",
	"delivered_at", "next_attempt_at", "response_status", "response_latency_ms", "last_error"}

// export writes every row from st's cursor on, saving the checkpoint after
// each page, and reports whether the log was read to its end (false when
// stop closed first).
func (e *exporter) export(ctx context.Context, st exportState, fresh bool) (done bool, err error) {
	var cw *csv.Writer
	if st.Format == "csv" {
		cw = csv.NewWriter(e.out)
		if fresh {
			if err := cw.Write(csvHeader); err != nil {
				return false, err
			}
		}
	}
	enc := json.NewEncoder(e.out)
	params := &hookscope.LogListParams{
		Status:    hookscope.StatusFailedPermanent,
		StartTime: st.StartTime,
		Limit:     e.limit,
		Cursor:    st.Cursor,
	}
	began, startRows := time.Now(), st.Rows
	var printed time.Time
	for page, err := range e.c.Logs.Pages(ctx, params) {
		if err != nil {
			return false, err
		}
		for i := range page.Data {
			row := &page.Data[i]
			if cw != nil {
				err = cw.Write(csvRecord(row))
			} else {
				err = enc.Encode(row)
			}
			if err != nil {
				return false, err
			}
		}
		if cw != nil {
			if cw.Flush(); cw.Error() != nil {
				return false, cw.Error()
			}
		}
		st.Rows += len(page.Data)
		st.Cursor = page.Meta.NextCursor
		stopping := false
		select {
		case <-e.stop:
			stopping = true
		default:
		}
		// The progress line is rewritten at most every 200 ms, and at the end.
		if time.Since(printed) >= 200*time.Millisecond || st.Cursor == "" || stopping {
			secs := max(time.Since(began).Seconds(), 1e-3)
			fmt.Fprintf(e.progress, "\r%d rows, %.0f rows/s", st.Rows, float64(st.Rows-startRows)/secs)
			printed = time.Now()
		}

		if st.Cursor == "" {
			fmt.Fprintln(e.progress, ", complete")
			if e.statePath != "" {
				if err := os.Remove(e.statePath); err != nil && !errors.Is(err, os.ErrNotExist) {
					return true, err
				}
			}
			return true, nil
		}
		if e.statePath != "" {
			if err := saveState(e.statePath, st); err != nil {
				return false, fmt.Errorf("saving the checkpoint: %w", err)
			}
		}
		if stopping {
			fmt.Fprintln(e.progress, ", stopped")
			return false, nil
		}
	}
	return true, nil
}

// csvRecord is a row's CSV record; absent fields are empty.
func csvRecord(r *hookscope.LogEntry) []string {
	t := func(v *time.Time) string {
		if v == nil {
			return ""
		}
		return v.UTC().Format(time.RFC3339Nano)
	}
	rec := []string{r.MessageID, r.Endpoint, string(r.Status), strconv.Itoa(r.AttemptCount),
		r.CreatedAt.UTC().Format(time.RFC3339Nano), t(r.DeliveredAt), t(r.NextAttemptAt), "", "", r.LastError}
	if r.ResponseStatus != nil {
		rec[7] = strconv.Itoa(*r.ResponseStatus)
	}
	if r.ResponseLatencyMS != nil {
		rec[8] = strconv.FormatInt(*r.ResponseLatencyMS, 10)
	}
	return rec
}
