package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	hookscope "github.com/hookscope/hookscope-go"
)

// logRow is one message of the delivery log in JSON and CSV output. Every
// field is always present (null when it does not apply), so that scripts
// see one shape.
type logRow struct {
	MessageID         string     `json:"message_id"`
	CreatedAt         time.Time  `json:"created_at"`
	Status            string     `json:"status"`
	AttemptCount      int        `json:"attempt_count"`
	ResponseStatus    *int       `json:"response_status"`
	ResponseLatencyMS *int64     `json:"response_latency_ms"`
	Endpoint          string     `json:"endpoint"`
	DeliveredAt       *time.Time `json:"delivered_at"`
	NextAttemptAt     *time.Time `json:"next_attempt_at"`
	LastError         *string    `json:"last_error"`
}

func newLogRow(e *hookscope.LogEntry) logRow {
	r := logRow{
		MessageID: e.MessageID, CreatedAt: e.CreatedAt.UTC(), Status: string(e.Status), AttemptCount: e.AttemptCount,
		ResponseStatus: e.ResponseStatus, ResponseLatencyMS: e.ResponseLatencyMS, Endpoint: e.Endpoint,
		DeliveredAt: utcPtr(e.DeliveredAt), NextAttemptAt: utcPtr(e.NextAttemptAt),
	}
	if e.LastError != "" {
		r.LastError = &e.LastError
	}
	return r
}

// logCSVHead is the header of log rows in CSV.
func logCSVHead() []string {
	return []string{"message_id", "created_at", "status", "attempt_count", "response_status",
		"response_latency_ms", "endpoint", "delivered_at", "next_attempt_at", "last_error"}
}

func (r logRow) csv() []string {
	return []string{r.MessageID, rfc3339(r.CreatedAt), r.Status, strconv.Itoa(r.AttemptCount),
		csvInt(r.ResponseStatus), csvInt64(r.ResponseLatencyMS), r.Endpoint,
		rfc3339Ptr(r.DeliveredAt), rfc3339Ptr(r.NextAttemptAt), deref(r.LastError)}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// statusColor colours a message status.
func statusColor(s string) string {
	switch hookscope.MessageStatus(s) {
	case hookscope.StatusSucceeded:
		return colGreen
	case hookscope.StatusFailedPermanent:
		return colRed
	case hookscope.StatusPendingRetry:
		return colYellow
	}
	return colCyan
}

// logLine writes log rows as a table with fixed columns, so that rows can be
// written as they arrive (logs --follow) and still line up.
func (a *app) logLine(w io.Writer, r *logRow) {
	if r == nil {
		fmt.Fprintln(w, a.paint(fmt.Sprintf("%-19s  %-36s  %-16s  %3s  %4s  %8s  %-40s  %s",
			"CREATED (UTC)", "MESSAGE", "STATUS", "ATT", "HTTP", "LATENCY", "ENDPOINT", "LAST ERROR"), colBold))
		return
	}
	status := fmt.Sprintf("%-16s", r.Status)
	line := fmt.Sprintf("%-19s  %-36s  %s  %3d  %4s  %8s  %-40s  %s",
		tableTime(r.CreatedAt), r.MessageID, a.paint(status, statusColor(r.Status)), r.AttemptCount,
		intPtrText(r.ResponseStatus), msText(r.ResponseLatencyMS), truncate(r.Endpoint, 40),
		truncate(deref(r.LastError), 60))
	fmt.Fprintln(w, strings.TrimRight(line, " "))
}

// logFilters are the flags that select log rows.
type logFilters struct {
	status   string
	endpoint string
	since    string
	until    string
}

func (f *logFilters) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.status, "status", "", "only messages in this status: queued, delivering, succeeded, pending_retry, failed_permanent")
	cmd.Flags().StringVar(&f.endpoint, "endpoint", "", "only messages of this endpoint (ep_…)")
	cmd.Flags().StringVar(&f.since, "since", "", "only messages created at or after: a duration before now (90m, 24h, 7d) or an RFC 3339 time")
	cmd.Flags().StringVar(&f.until, "until", "", "only messages created at or before: a duration before now or an RFC 3339 time")
	_ = cmd.RegisterFlagCompletionFunc("status", fixedCompletion("queued", "delivering", "succeeded", "pending_retry", "failed_permanent"))
}

// params checks the filters and builds the query.
func (f *logFilters) params(now time.Time) (*hookscope.LogListParams, error) {
	p := &hookscope.LogListParams{EndpointID: f.endpoint, Status: hookscope.MessageStatus(f.status)}
	switch p.Status {
	case "", hookscope.StatusQueued, hookscope.StatusDelivering, hookscope.StatusSucceeded,
		hookscope.StatusPendingRetry, hookscope.StatusFailedPermanent:
	default:
		return nil, usagef("invalid --status %q: want one of queued, delivering, succeeded, pending_retry, failed_permanent", f.status)
	}
	var err error
	if p.StartTime, err = parseTimeFlag("--since", f.since, now); err != nil {
		return nil, err
	}
	if p.EndTime, err = parseTimeFlag("--until", f.until, now); err != nil {
		return nil, err
	}
	if !p.StartTime.IsZero() && !p.EndTime.IsZero() && p.EndTime.Before(p.StartTime) {
		return nil, usagef("invalid --until: %s is before --since %s", rfc3339(p.EndTime), rfc3339(p.StartTime))
	}
	return p, nil
}

func (a *app) logsCmd() *cobra.Command {
	var (
		f        logFilters
		limit    int
		follow   bool
		interval time.Duration
	)
	cmd := &cobra.Command{
		Use:   "logs",
		Short: "Delivery log: one row per message, newest first; --follow for new ones",
		Long: `Lists outbound messages, newest first, with their status, attempt count, the last
attempt's HTTP status and latency, and the last error.

--follow prints the newest --limit rows oldest first, then keeps polling every
--interval and prints new messages as they are created, like tail -f: no row
twice and none skipped. Ctrl-C stops it. A row is printed once, when it first
appears, with its status then (with --status, if it has that status then); later
changes of its status are not followed. A poll that fails on a server or network
error (after the retries) is reported on stderr and tried again.
-o json is one array (NDJSON, one row per line, with --follow).`,
		Args: exactArgs(),
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			format, err := a.format("table", "table", "json", "csv")
			if err != nil {
				return err
			}
			if limit < 1 {
				return usagef("invalid --limit %d: want at least 1", limit)
			}
			if follow && f.until != "" {
				return usagef("--follow cannot be used with --until")
			}
			if interval <= 0 {
				return usagef("invalid --interval %s: want a positive duration", interval)
			}
			now, err := a.now()
			if err != nil {
				return err
			}
			params, err := f.params(now)
			if err != nil {
				return err
			}
			s, err := a.connect()
			if err != nil {
				return err
			}
			defer s.Close()
			ctx := cmd.Context()
			w := cmd.OutOrStdout()

			rows, err := newestLogs(ctx, s.c, params, limit)
			if err != nil {
				return err
			}
			if !follow {
				return a.writeLogs(w, format, rows)
			}

			emit := a.logEmitter(w, format)
			warn := func(msg string) { fmt.Fprintf(a.sys.Stderr, "hookscope: %s\n", msg) }
			return followLogs(ctx, s.c, params, rows, emit, warn, interval, a.sys.afterPoll)
		}),
	}
	f.register(cmd)
	cmd.Flags().IntVar(&limit, "limit", 50, "number of rows (with --follow: the rows shown before following)")
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep polling and print new messages as they arrive (Ctrl-C stops)")
	cmd.Flags().DurationVar(&interval, "interval", 2*time.Second, "with --follow, the time between polls")
	return cmd
}

// writeLogs writes rows in format.
func (a *app) writeLogs(w io.Writer, format string, rows []logRow) error {
	switch format {
	case "json":
		if rows == nil {
			rows = []logRow{}
		}
		return writeJSON(w, rows)
	case "csv":
		out := make([][]string, len(rows))
		for i, r := range rows {
			out[i] = r.csv()
		}
		return writeCSV(w, logCSVHead(), out)
	}
	a.logLine(w, nil)
	for i := range rows {
		a.logLine(w, &rows[i])
	}
	return nil
}

// newestLogs reads at most limit rows, newest first.
func newestLogs(ctx context.Context, c *hookscope.Client, params *hookscope.LogListParams, limit int) ([]logRow, error) {
	p := *params
	p.Limit = min(limit, hookscope.LogsMaxLimit)
	var rows []logRow
	for e, err := range c.Logs.All(ctx, &p) {
		if err != nil {
			return nil, err
		}
		rows = append(rows, newLogRow(e))
		if len(rows) == limit {
			break
		}
	}
	return rows, nil
}

// logEmitter writes rows one at a time in the given format: a header first
// (table, csv), then each row as it comes (NDJSON for json).
func (a *app) logEmitter(w io.Writer, format string) func(*logRow) error {
	started := false
	return func(r *logRow) error {
		if !started {
			started = true
			switch format {
			case "table":
				a.logLine(w, nil)
			case "csv":
				if err := writeCSVRow(w, logCSVHead()); err != nil {
					return err
				}
			}
		}
		if r == nil {
			return nil
		}
		switch format {
		case "json":
			return writeNDJSON(w, r)
		case "csv":
			return writeCSVRow(w, r.csv())
		}
		a.logLine(w, r)
		return nil
	}
}

// followLogs prints initial (newest first) oldest first, then polls for
// messages created since the newest one seen, until ctx ends.
//
// The log is ordered newest first and new messages have the newest
// created_at, so each poll asks for created_at >= the newest created_at seen
// (start_time) and reads every page of the answer. Rows at exactly that time
// may have been printed already: the ids printed at that time are kept and
// skipped, so no row is printed twice, and none created at or after it is
// missed.
func followLogs(ctx context.Context, c *hookscope.Client, params *hookscope.LogListParams, initial []logRow,
	emit func(*logRow) error, warn func(string), interval time.Duration, afterPoll func()) error {
	if err := emit(nil); err != nil { // the header, even when nothing is printed yet
		return err
	}
	m := followMark{boundary: params.StartTime, seen: map[string]bool{}}
	slices.Reverse(initial)
	if err := emitAll(emit, initial); err != nil {
		return err
	}
	m.note(initial)
	if afterPoll != nil {
		afterPoll()
	}

	timer := time.NewTimer(interval)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
		fresh, pollErr := m.poll(ctx, c, params)
		if pollErr != nil {
			if ctx.Err() != nil || !transient(pollErr) {
				return pollErr
			}
			// The SDK has retried already; a server still failing is
			// reported, and the next poll asks again from the same point.
			warn(fmt.Sprintf("poll failed, trying again in %s: %s", interval, errorText(pollErr)))
		}
		if err := emitAll(emit, fresh); err != nil {
			return err
		}
		m.note(fresh)
		if afterPoll != nil {
			afterPoll()
		}
		timer.Reset(interval)
	}
}

// followMark is how far following the log has got: the newest created_at
// printed, and the ids printed at exactly that time.
type followMark struct {
	boundary time.Time
	seen     map[string]bool
}

// note moves the mark past rows, which are printed.
func (m *followMark) note(rows []logRow) {
	for _, r := range rows {
		switch {
		case r.CreatedAt.After(m.boundary):
			m.boundary = r.CreatedAt
			m.seen = map[string]bool{r.MessageID: true}
		case r.CreatedAt.Equal(m.boundary):
			m.seen[r.MessageID] = true
		}
	}
}

// poll reads every page of params' rows created at or after the mark, less
// those printed already, oldest first; nothing when a page fails.
func (m *followMark) poll(ctx context.Context, c *hookscope.Client, params *hookscope.LogListParams) ([]logRow, error) {
	p := *params
	p.StartTime, p.Cursor, p.Limit = m.boundary, "", hookscope.LogsMaxLimit
	var fresh []logRow
	for e, err := range c.Logs.All(ctx, &p) {
		if err != nil {
			return nil, err
		}
		if e.CreatedAt.Equal(m.boundary) && m.seen[e.MessageID] {
			continue
		}
		fresh = append(fresh, newLogRow(e))
	}
	slices.SortFunc(fresh, func(x, y logRow) int {
		return cmp.Or(x.CreatedAt.Compare(y.CreatedAt), cmp.Compare(x.MessageID, y.MessageID))
	})
	return fresh, nil
}

// emitAll emits rows in order.
func emitAll(emit func(*logRow) error, rows []logRow) error {
	for i := range rows {
		if err := emit(&rows[i]); err != nil {
			return err
		}
	}
	return nil
}

// transient reports whether a poll's error may pass by itself: a server
// error, a rate limit, or no answer at all (a network error).
func transient(err error) bool {
	if errors.Is(err, hookscope.ErrServer) || errors.Is(err, hookscope.ErrRateLimited) {
		return true
	}
	var apiErr *hookscope.APIError
	var pe *hookscope.ParamError
	return !errors.As(err, &apiErr) && !errors.As(err, &pe)
}
