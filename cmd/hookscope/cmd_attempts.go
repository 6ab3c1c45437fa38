package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	hookscope "github.com/hookscope/hookscope-go"
)

// attemptTimings are an attempt's phases in milliseconds; null when the
// attempt did not reach the phase (or reused a connection).
type attemptTimings struct {
	DNS          *int64 `json:"dns"`
	TCPConnect   *int64 `json:"tcp_connect"`
	TLSHandshake *int64 `json:"tls_handshake"`
	TTFB         *int64 `json:"ttfb"`
	Transfer     *int64 `json:"transfer"`
}

// phases returns the timings in waterfall order.
func (t attemptTimings) phases() [5]*int64 {
	return [5]*int64{t.DNS, t.TCPConnect, t.TLSHandshake, t.TTFB, t.Transfer}
}

// total is the sum of the phases that happened.
func (t attemptTimings) total() int64 {
	var n int64
	for _, p := range t.phases() {
		if p != nil {
			n += *p
		}
	}
	return n
}

// attemptRow is one attempt in attempts' JSON output.
type attemptRow struct {
	AttemptNo         int            `json:"attempt_no"`
	ID                string         `json:"id"`
	CreatedAt         time.Time      `json:"created_at"`
	Succeeded         bool           `json:"succeeded"`
	ResponseStatus    *int           `json:"response_status"`
	ResponseLatencyMS *int64         `json:"response_latency_ms"`
	ProcessingMS      *int64         `json:"processing_ms"`
	Error             *string        `json:"error"`
	RetryType         *string        `json:"retry_type"`
	RetryAfterSeconds *int64         `json:"retry_after_seconds"`
	ResolvedIP        *string        `json:"resolved_ip"`
	ConnReused        bool           `json:"conn_reused"`
	TimingsMS         attemptTimings `json:"timings_ms"`
}

// attemptsDoc is attempts' JSON document.
type attemptsDoc struct {
	MessageID string `json:"message_id"`
	Direction string `json:"direction"`
	// MoreAttempts is true when the message has more attempts than the API
	// lists (it lists at most 200).
	MoreAttempts bool         `json:"more_attempts"`
	Attempts     []attemptRow `json:"attempts"`
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func newAttemptRow(at *hookscope.Attempt) attemptRow {
	return attemptRow{
		AttemptNo: at.AttemptNo, ID: at.ID, CreatedAt: at.CreatedAt.UTC(), Succeeded: at.Succeeded(),
		ResponseStatus: at.ResponseStatus, ResponseLatencyMS: at.ResponseLatencyMS, ProcessingMS: at.ProcessingMS,
		Error: strPtr(at.ErrorText), RetryType: strPtr(string(at.RetryType)), RetryAfterSeconds: at.RetryAfterSeconds,
		ResolvedIP: strPtr(at.ResolvedIP), ConnReused: at.ConnReused,
		TimingsMS: attemptTimings{DNS: at.DNSMS, TCPConnect: at.TCPConnectMS, TLSHandshake: at.TLSHandshakeMS,
			TTFB: at.TTFBMS, Transfer: at.TransferMS},
	}
}

// phaseStyle is how the waterfall draws a phase.
type phaseStyle struct{ name, char, color string }

// phaseStyles are the waterfall's phases in order: names, characters (each
// its own, so that the bars read without colour) and colours.
func phaseStyles() [5]phaseStyle {
	return [5]phaseStyle{{"dns", "░", colCyan}, {"tcp", "▒", colBlue}, {"tls", "▓", "35"},
		{"ttfb", "█", colYellow}, {"transfer", "▄", colGreen}}
}

// waterfallWidth is the width of the widest bar, in columns.
const waterfallWidth = 32

func (a *app) attemptsCmd() *cobra.Command {
	var inbound bool
	cmd := &cobra.Command{
		Use:   "attempts MESSAGE_ID",
		Short: "Each delivery attempt of a message with a timing waterfall",
		Long: `Lists the delivery attempts of a message, oldest first: when, the result, and a
waterfall of where the time went (dns, tcp connect, tls handshake, time to first
byte, transfer), drawn to one scale so that attempts compare.

MESSAGE_ID is an outbound message (a row of hookscope logs); --inbound reads an
inbound message's attempts instead.`,
		Args: exactArgs("MESSAGE_ID"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			format, err := a.format("table", "table", "json", "csv")
			if err != nil {
				return err
			}
			s, err := a.connect()
			if err != nil {
				return err
			}
			defer s.Close()
			ctx := cmd.Context()
			doc := attemptsDoc{MessageID: args[0], Direction: "outbound", Attempts: []attemptRow{}}
			seq := s.c.Attempts.AllOutbound(ctx, args[0])
			if inbound {
				doc.Direction = "inbound"
				seq = s.c.Attempts.AllInbound(ctx, args[0])
			}
			for at, err := range seq {
				if errors.Is(err, hookscope.ErrIncompletePage) {
					doc.MoreAttempts = true
					break
				}
				if err != nil {
					return err
				}
				doc.Attempts = append(doc.Attempts, newAttemptRow(at))
			}
			if inbound && len(doc.Attempts) == 0 {
				// The attempts endpoint lists none for an unknown id; the
				// message endpoint tells an unknown id (404) apart.
				if _, err := s.c.Attempts.GetInboundMessage(ctx, args[0]); err != nil {
					return err
				}
			}
			w := cmd.OutOrStdout()
			switch format {
			case "json":
				return writeJSON(w, doc)
			case "csv":
				return writeAttemptsCSV(w, doc)
			}
			a.printAttempts(w, doc)
			return nil
		}),
	}
	cmd.Flags().BoolVar(&inbound, "inbound", false, "MESSAGE_ID is an inbound message")
	return cmd
}

func writeAttemptsCSV(w io.Writer, doc attemptsDoc) error {
	rows := make([][]string, len(doc.Attempts))
	for i, r := range doc.Attempts {
		t := r.TimingsMS
		rows[i] = []string{doc.MessageID, strconv.Itoa(r.AttemptNo), r.ID, rfc3339(r.CreatedAt),
			strconv.FormatBool(r.Succeeded), csvInt(r.ResponseStatus), csvInt64(r.ResponseLatencyMS),
			deref(r.Error), csvInt64(t.DNS), csvInt64(t.TCPConnect), csvInt64(t.TLSHandshake),
			csvInt64(t.TTFB), csvInt64(t.Transfer), strconv.FormatBool(r.ConnReused)}
	}
	return writeCSV(w, []string{"message_id", "attempt_no", "id", "created_at", "succeeded", "response_status",
		"response_latency_ms", "error", "dns_ms", "tcp_connect_ms", "tls_handshake_ms", "ttfb_ms",
		"transfer_ms", "conn_reused"}, rows)
}

// result says how an attempt ended, in a few words.
func (r attemptRow) result() string {
	if r.ResponseStatus != nil {
		return fmt.Sprintf("%d %s", *r.ResponseStatus, http.StatusText(*r.ResponseStatus))
	}
	if r.Error != nil {
		return "error: " + *r.Error
	}
	return "no response"
}

func (a *app) printAttempts(w io.Writer, doc attemptsDoc) {
	if len(doc.Attempts) == 0 {
		msg := fmt.Sprintf("No attempts for %s message %s yet.", doc.Direction, doc.MessageID)
		if doc.Direction == "outbound" {
			msg = fmt.Sprintf("No attempts for outbound message %s: it has none yet, or no such message exists (ids come from hookscope logs).", doc.MessageID)
		}
		fmt.Fprintln(w, msg)
		return
	}
	var longest int64
	for _, r := range doc.Attempts {
		longest = max(longest, r.TimingsMS.total())
	}
	t := newTable("#", "CREATED (UTC)", "RESULT", "DNS", "TCP", "TLS", "TTFB", "XFER", "TOTAL", "WATERFALL").alignRight(0, 3, 4, 5, 6, 7, 8)
	for _, r := range doc.Attempts {
		color := colRed
		if r.Succeeded {
			color = colGreen
		}
		cells := []cell{{text: strconv.Itoa(r.AttemptNo)}, {text: tableTime(r.CreatedAt)},
			{text: truncate(r.result(), 34), color: color}}
		for _, p := range r.TimingsMS.phases() {
			cells = append(cells, cell{text: msNumber(p)})
		}
		total := r.TimingsMS.total()
		cells = append(cells, cell{text: fmt.Sprintf("%d ms", total)}, cell{text: a.waterfall(r.TimingsMS, longest)})
		t.add(cells...)
	}
	a.writeTable(w, t)

	var legend []string
	for _, p := range phaseStyles() {
		legend = append(legend, a.paint(p.char, p.color)+" "+p.name)
	}
	fmt.Fprintf(w, "\nTimes in ms. %s. The longest bar is %d ms.\n", strings.Join(legend, "  "), longest)
	succeeded := 0
	for _, r := range doc.Attempts {
		if r.Succeeded {
			succeeded++
		}
	}
	fmt.Fprintf(w, "%s of %s message %s, %d succeeded.\n", plural(len(doc.Attempts), "attempt", "attempts"), doc.Direction, doc.MessageID, succeeded)
	if doc.MoreAttempts {
		fmt.Fprintf(w, "The message has more attempts than the API lists (%d at most).\n", hookscope.AttemptsMaxPerList)
	}
}

func msNumber(p *int64) string {
	if p == nil {
		return "-"
	}
	return strconv.FormatInt(*p, 10)
}

// waterfall draws the phases as consecutive segments on a scale where
// longest fills waterfallWidth columns. Each segment runs from the rounded
// position of its start to that of its end, so that rounding never
// accumulates; a phase that took any time shows at least one column.
func (a *app) waterfall(t attemptTimings, longest int64) string {
	if longest <= 0 {
		return ""
	}
	scale := float64(waterfallWidth) / float64(longest)
	var b strings.Builder
	var elapsed int64
	col := 0
	styles := phaseStyles()
	for i, p := range t.phases() {
		if p == nil || *p <= 0 {
			continue
		}
		elapsed += *p
		end := int(math.Round(float64(elapsed) * scale))
		n := max(end-col, 1)
		b.WriteString(a.paint(strings.Repeat(styles[i].char, n), styles[i].color))
		col += n
	}
	return b.String()
}
