package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ANSI colours, written only when app.color is set.
const (
	colRed    = "31"
	colGreen  = "32"
	colYellow = "33"
	colBlue   = "34"
	colCyan   = "36"
	colDim    = "2"
	colBold   = "1"
)

// paint wraps s in an ANSI colour when colour is on.
func (a *app) paint(s, code string) string {
	if !a.color || code == "" || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// cell is one table cell: its text and its colour (on a terminal).
type cell struct {
	text  string
	color string
}

// table is a plain-text table whose columns are as wide as their widest
// cell; colour is added after padding, so it never breaks the alignment.
type table struct {
	head  []string
	right []bool // right-aligned columns (numbers)
	rows  [][]cell
}

func newTable(head ...string) *table {
	return &table{head: head, right: make([]bool, len(head))}
}

// alignRight right-aligns the columns at the given indexes.
func (t *table) alignRight(cols ...int) *table {
	for _, c := range cols {
		t.right[c] = true
	}
	return t
}

func (t *table) add(cells ...cell) { t.rows = append(t.rows, cells) }

// addText adds a row of uncoloured cells.
func (t *table) addText(texts ...string) {
	cells := make([]cell, len(texts))
	for i, s := range texts {
		cells[i] = cell{text: s}
	}
	t.add(cells...)
}

func (a *app) writeTable(w io.Writer, t *table) {
	widths := make([]int, len(t.head))
	for i, h := range t.head {
		widths[i] = utf8.RuneCountInString(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c.text))
		}
	}
	line := func(cells []cell, bold bool) {
		var b strings.Builder
		for i, c := range cells {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c.text))
			text := c.text
			if bold {
				text = a.paint(text, colBold)
			} else {
				text = a.paint(text, c.color)
			}
			switch {
			case t.right[i]:
				b.WriteString(pad + text)
			case i == len(cells)-1:
				b.WriteString(text)
			default:
				b.WriteString(text + pad)
			}
			if i < len(cells)-1 {
				b.WriteString("  ")
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	head := make([]cell, len(t.head))
	for i, h := range t.head {
		head[i] = cell{text: h}
	}
	line(head, true)
	for _, r := range t.rows {
		line(r, false)
	}
}

// writeJSON writes v as one indented JSON document.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeNDJSON writes v as one line of NDJSON.
func writeNDJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeCSV writes a header and rows.
func writeCSV(w io.Writer, head []string, rows [][]string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(head); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// writeCSVRow writes one CSV record.
func writeCSVRow(w io.Writer, rec []string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(rec); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// tableTime formats a time for a table: UTC, to the second.
func tableTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

func tableTimePtr(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return tableTime(*t)
}

// rfc3339 formats a time for CSV: UTC, RFC 3339 with the API's precision.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func rfc3339Ptr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return rfc3339(*t)
}

// utcPtr returns t in UTC, nil for nil.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func intPtrText(p *int) string {
	if p == nil {
		return "-"
	}
	return strconv.Itoa(*p)
}

func msText(p *int64) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprintf("%d ms", *p)
}

func csvInt(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func csvInt64(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

// truncate shortens s to n runes with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// parseTimeFlag reads --since or --until: an RFC 3339 time, or a duration
// before now such as 90m, 24h or 7d.
func parseTimeFlag(flag, v string, now time.Time) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UTC(), nil
	}
	d, err := parseAgo(v)
	if err != nil {
		return time.Time{}, usagef("invalid %s %q: want a duration such as 90m, 24h or 7d, or an RFC 3339 time such as 2026-01-15T12:00:00Z", flag, v)
	}
	return now.Add(-d), nil
}

// parseAgo reads a positive duration; "d" counts 24-hour days.
func parseAgo(v string) (time.Duration, error) {
	if num, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.ParseFloat(num, 64)
		if err != nil || n <= 0 || n > 3660 {
			return 0, fmt.Errorf("bad days")
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("bad duration")
	}
	return d, nil
}

// plural is "n one" or "n many".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
