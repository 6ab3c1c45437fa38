package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	hookscope "github.com/hookscope/hookscope-go"
)

// failureGroup is the permanently failed messages of one endpoint with one
// last error.
type failureGroup struct {
	EndpointID  *string   `json:"endpoint_id"`
	EndpointURL string    `json:"endpoint_url"`
	LastError   string    `json:"last_error"`
	Count       int       `json:"count"`
	FirstSeen   time.Time `json:"first_seen"`
	LastSeen    time.Time `json:"last_seen"`
	// MessageIDs are the messages, newest first.
	MessageIDs []string `json:"message_ids"`
}

// failuresDoc is failures' JSON document.
type failuresDoc struct {
	Status   string         `json:"status"`
	Since    time.Time      `json:"since"`
	Until    time.Time      `json:"until"`
	Messages int            `json:"messages"`
	Groups   []failureGroup `json:"groups"`
}

// failuresFlags are failures' flags.
type failuresFlags struct {
	since, until, endpoint string
	showIDs                int
}

func (f *failuresFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.since, "since", "7d", "start of the window: a duration before now (90m, 24h, 7d) or an RFC 3339 time")
	cmd.Flags().StringVar(&f.until, "until", "", "end of the window: a duration before now or an RFC 3339 time (default now)")
	cmd.Flags().StringVar(&f.endpoint, "endpoint", "", "only this endpoint's messages (ep_…)")
	cmd.Flags().IntVar(&f.showIDs, "ids", 1, "message ids shown per group in the table")
}

// params checks the flags and builds the query of permanently failed
// messages.
func (f *failuresFlags) params(now time.Time) (*hookscope.LogListParams, error) {
	lf := logFilters{status: string(hookscope.StatusFailedPermanent), endpoint: f.endpoint, since: f.since, until: f.until}
	params, err := lf.params(now)
	if err != nil {
		return nil, err
	}
	params.Limit = hookscope.LogsMaxLimit
	return params, nil
}

func (a *app) failuresCmd() *cobra.Command {
	var f failuresFlags
	cmd := &cobra.Command{
		Use:   "failures",
		Short: "Permanently failed messages, grouped by endpoint and last error (a reconciliation report)",
		Long: `Lists every message whose delivery failed for good (status failed_permanent) in
the window, grouped by endpoint and last error, with the count, the first and last
time seen (message creation times) and the message ids, largest group first.

-o json gives every message id, so that a script can redeliver or reconcile them;
-o csv gives one row per message.`,
		Args: exactArgs(),
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			format, err := a.format("table", "table", "json", "csv")
			if err != nil {
				return err
			}
			if f.showIDs < 0 {
				return usagef("invalid --ids %d: want 0 or more", f.showIDs)
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
			doc, err := fetchFailures(cmd.Context(), s.c, params, f.endpoint, now)
			if err != nil {
				return err
			}
			return a.writeFailures(cmd.OutOrStdout(), format, doc, f.showIDs)
		}),
	}
	f.register(cmd)
	return cmd
}

// fetchFailures reads the messages of params into failures' document,
// grouped by endpoint and last error, largest group first; endpoint is the
// --endpoint flag.
func fetchFailures(ctx context.Context, c *hookscope.Client, params *hookscope.LogListParams, endpoint string, now time.Time) (failuresDoc, error) {
	doc := failuresDoc{Status: string(hookscope.StatusFailedPermanent), Since: params.StartTime, Until: cmp.Or(params.EndTime, now), Groups: []failureGroup{}}
	ids, err := endpointIDs(ctx, c)
	if err != nil {
		return doc, err
	}
	type key struct{ url, err string }
	byKey := map[key]int{}
	for e, err := range c.Logs.All(ctx, params) {
		if err != nil {
			return doc, err
		}
		doc.Messages++
		k := key{e.Endpoint, e.LastError}
		i, ok := byKey[k]
		if !ok {
			i = len(doc.Groups)
			byKey[k] = i
			g := failureGroup{EndpointURL: e.Endpoint, LastError: e.LastError, LastSeen: e.CreatedAt.UTC()}
			switch {
			case endpoint != "":
				g.EndpointID = &endpoint
			case len(ids[e.Endpoint]) == 1:
				g.EndpointID = &ids[e.Endpoint][0]
			}
			doc.Groups = append(doc.Groups, g)
		}
		g := &doc.Groups[i]
		g.Count++
		g.FirstSeen = e.CreatedAt.UTC() // rows come newest first
		g.MessageIDs = append(g.MessageIDs, e.MessageID)
	}
	slices.SortStableFunc(doc.Groups, func(x, y failureGroup) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), y.LastSeen.Compare(x.LastSeen),
			cmp.Compare(x.EndpointURL, y.EndpointURL), cmp.Compare(x.LastError, y.LastError))
	})
	return doc, nil
}

// endpointIDs maps every webhook's URL to its ids: log rows name the
// endpoint by URL.
func endpointIDs(ctx context.Context, c *hookscope.Client) (map[string][]string, error) {
	ids := map[string][]string{}
	for wh, err := range c.Webhooks.All(ctx, &hookscope.WebhookListParams{Limit: hookscope.WebhooksMaxLimit}) {
		if err != nil {
			return nil, err
		}
		ids[wh.URL] = append(ids[wh.URL], wh.ID)
	}
	return ids, nil
}

// writeFailures writes doc in format; the table shows showIDs message ids
// per group.
func (a *app) writeFailures(w io.Writer, format string, doc failuresDoc, showIDs int) error {
	switch format {
	case "json":
		return writeJSON(w, doc)
	case "csv":
		var rows [][]string
		for _, g := range doc.Groups {
			for _, id := range g.MessageIDs {
				rows = append(rows, []string{deref(g.EndpointID), g.EndpointURL, g.LastError, id})
			}
		}
		return writeCSV(w, []string{"endpoint_id", "endpoint_url", "last_error", "message_id"}, rows)
	}
	a.printFailures(w, doc, showIDs)
	return nil
}

func (a *app) printFailures(w io.Writer, doc failuresDoc, showIDs int) {
	fmt.Fprintf(w, "%s between %s and %s UTC: %d messages in %d groups.\n\n",
		a.paint("Permanently failed messages", colBold), tableTime(doc.Since), tableTime(doc.Until), doc.Messages, len(doc.Groups))
	if len(doc.Groups) == 0 {
		return
	}
	t := newTable("COUNT", "ENDPOINT", "LAST ERROR", "FIRST SEEN", "LAST SEEN", "MESSAGE IDS").alignRight(0)
	for _, g := range doc.Groups {
		name := g.EndpointURL
		if g.EndpointID != nil {
			name = *g.EndpointID
		}
		shown := g.MessageIDs[:min(len(g.MessageIDs), showIDs)]
		idText := strings.Join(shown, " ")
		if more := len(g.MessageIDs) - len(shown); more > 0 {
			idText += " +" + strconv.Itoa(more) + " more"
		}
		t.add(cell{text: strconv.Itoa(g.Count), color: colRed}, cell{text: name}, cell{text: truncate(g.LastError, 44)},
			cell{text: tableTime(g.FirstSeen)}, cell{text: tableTime(g.LastSeen)}, cell{text: strings.TrimSpace(idText)})
	}
	a.writeTable(w, t)
	fmt.Fprintln(w, "\nEvery message id: -o json (or -o csv, one row per message).")
}
