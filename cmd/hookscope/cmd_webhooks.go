package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	hookscope "github.com/hookscope/hookscope-go"
)

// webhookOut is a webhook in JSON output. The signing secret is left out
// unless --show-secret asks for it.
type webhookOut struct {
	ID            string          `json:"id"`
	Name          string          `json:"name"`
	URL           string          `json:"url"`
	Kind          string          `json:"kind,omitempty"`
	Active        bool            `json:"active"`
	Encrypted     bool            `json:"encrypted"`
	EventTypes    []string        `json:"event_types"`
	App           hookscope.App   `json:"app"`
	CreatedAt     time.Time       `json:"created_at"`
	UpdatedAt     time.Time       `json:"updated_at"`
	Stats         webhookStatsOut `json:"delivery_stats"`
	SigningSecret *string         `json:"signing_secret,omitempty"`
	Recent        []healthEvent   `json:"recent_deliveries,omitempty"`
}

// webhookStatsOut are delivery stats with names that say what they count.
type webhookStatsOut struct {
	Messages              int64      `json:"messages"`
	DeliveredMessages     int64      `json:"delivered_messages"`
	FailedAttempts        int64      `json:"failed_attempts"`
	MessageSuccessRatePct float64    `json:"message_success_rate_pct"`
	AvgResponseTimeMS     float64    `json:"avg_response_time_ms"`
	Messages24h           int64      `json:"messages_24h"`
	FailedAttempts24h     int64      `json:"failed_attempts_24h"`
	LastAttemptAt         *time.Time `json:"last_attempt_at"`
}

func newWebhookOut(wh *hookscope.Webhook, showSecret bool) webhookOut {
	st := wh.DeliveryStats
	o := webhookOut{
		ID: wh.ID, Name: wh.Name, URL: wh.URL, Kind: string(wh.Kind), Active: wh.IsActive, Encrypted: wh.Encrypted,
		EventTypes: append([]string{}, wh.EventTypes...), App: wh.App, CreatedAt: wh.CreatedAt.UTC(), UpdatedAt: wh.UpdatedAt.UTC(),
		Stats: webhookStatsOut{Messages: st.TotalEvents, DeliveredMessages: st.SuccessfulDeliveries,
			FailedAttempts: st.FailedDeliveries, MessageSuccessRatePct: st.SuccessRate, AvgResponseTimeMS: st.AverageResponseTime,
			Messages24h: st.Last24hEvents, FailedAttempts24h: st.Last24hFailures, LastAttemptAt: utcPtr(st.LastDelivery)},
	}
	if showSecret {
		s := wh.SigningSecret.Reveal()
		o.SigningSecret = &s
	}
	if len(wh.RecentEvents) > 0 {
		o.Recent = healthEvents(wh.RecentEvents)
	}
	return o
}

func (a *app) webhooksCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "webhooks",
		Aliases: []string{"webhook", "endpoints"},
		Short:   "List, show, create, update and delete webhook endpoints",
		RunE:    a.groupRunE,
	}
	cmd.AddCommand(a.webhooksListCmd(), a.webhooksGetCmd(), a.webhooksCreateCmd(), a.webhooksUpdateCmd(), a.webhooksDeleteCmd())
	return cmd
}

func (a *app) webhooksListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "Every webhook endpoint with its delivery figures",
		Args:  exactArgs(),
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			format, err := a.format("table", "table", "json", "csv")
			if err != nil {
				return err
			}
			s, err := a.connect()
			if err != nil {
				return err
			}
			defer s.Close()
			var hooks []webhookOut
			for wh, err := range s.c.Webhooks.All(cmd.Context(), &hookscope.WebhookListParams{Limit: hookscope.WebhooksMaxLimit}) {
				if err != nil {
					return err
				}
				hooks = append(hooks, newWebhookOut(wh, false))
			}
			w := cmd.OutOrStdout()
			switch format {
			case "json":
				if hooks == nil {
					hooks = []webhookOut{}
				}
				return writeJSON(w, hooks)
			case "csv":
				rows := make([][]string, len(hooks))
				for i, h := range hooks {
					rows[i] = []string{h.ID, h.Name, h.URL, h.Kind, strconv.FormatBool(h.Active),
						strings.Join(h.EventTypes, " "), strconv.FormatInt(h.Stats.Messages, 10),
						fmt.Sprintf("%.2f", h.Stats.MessageSuccessRatePct), strconv.FormatInt(h.Stats.Messages24h, 10),
						strconv.FormatInt(h.Stats.FailedAttempts24h, 10), rfc3339(h.CreatedAt)}
				}
				return writeCSV(w, []string{"id", "name", "url", "kind", "active", "event_types", "messages",
					"message_success_rate_pct", "messages_24h", "failed_attempts_24h", "created_at"}, rows)
			}
			t := newTable("ID", "NAME", "URL", "KIND", "ACTIVE", "MESSAGES", "MSG SUCCESS", "24H MESSAGES", "24H FAILED ATTEMPTS").alignRight(5, 6, 7, 8)
			for _, h := range hooks {
				active := cell{text: "yes", color: colGreen}
				if !h.Active {
					active = cell{text: "paused", color: colYellow}
				}
				rate := "-"
				if h.Stats.Messages > 0 {
					rate = fmt.Sprintf("%.2f%%", h.Stats.MessageSuccessRatePct)
				}
				t.add(cell{text: h.ID}, cell{text: truncate(h.Name, 28)}, cell{text: truncate(h.URL, 44)}, cell{text: h.Kind}, active,
					cell{text: strconv.FormatInt(h.Stats.Messages, 10)}, cell{text: rate},
					cell{text: strconv.FormatInt(h.Stats.Messages24h, 10)},
					cell{text: strconv.FormatInt(h.Stats.FailedAttempts24h, 10), color: redIf(h.Stats.FailedAttempts24h > 0)})
			}
			a.writeTable(w, t)
			return nil
		}),
	}
}

func (a *app) webhooksGetCmd() *cobra.Command {
	var (
		events     int
		showSecret bool
	)
	cmd := &cobra.Command{
		Use:   "get WEBHOOK_ID",
		Short: "One webhook endpoint with its delivery figures and recent deliveries",
		Args:  exactArgs("WEBHOOK_ID"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			format, err := a.format("table", "table", "json")
			if err != nil {
				return err
			}
			if events < 0 || events > hookscope.WebhookEventsMaxLimit {
				return usagef("invalid --events %d: want 0..%d", events, hookscope.WebhookEventsMaxLimit)
			}
			s, err := a.connect()
			if err != nil {
				return err
			}
			defer s.Close()
			wh, err := s.c.Webhooks.Get(cmd.Context(), args[0], &hookscope.WebhookGetParams{IncludeEvents: events > 0, EventsLimit: events})
			if err != nil {
				return err
			}
			return a.printWebhook(cmd.OutOrStdout(), format, wh, showSecret)
		}),
	}
	cmd.Flags().IntVar(&events, "events", 10, "recent deliveries to show (0..50)")
	cmd.Flags().BoolVar(&showSecret, "show-secret", false, "print the signing secret")
	return cmd
}

// printWebhook shows one webhook as a list of fields (or JSON).
func (a *app) printWebhook(w io.Writer, format string, wh *hookscope.Webhook, showSecret bool) error {
	o := newWebhookOut(wh, showSecret)
	if format == "json" {
		return writeJSON(w, o)
	}
	h := wh.Health()
	secret := wh.SigningSecret.String()
	if showSecret {
		secret = wh.SigningSecret.Reveal()
	}
	active := "yes"
	if !o.Active {
		active = "no (paused)"
	}
	rate := "-"
	if o.Stats.Messages > 0 {
		rate = fmt.Sprintf("%.2f%% of %d messages delivered", o.Stats.MessageSuccessRatePct, o.Stats.Messages)
	}
	avgResponse := "- (unknown)"
	if h.ResponseTime != hookscope.ResponseTimeUnknown {
		avgResponse = fmt.Sprintf("%.0f ms (%s)", o.Stats.AvgResponseTimeMS, h.ResponseTime.String())
	}
	fields := [][2]string{
		{"ID", o.ID}, {"Name", o.Name}, {"URL", o.URL}, {"Kind", o.Kind}, {"Active", active},
		{"Encrypted", strconv.FormatBool(o.Encrypted)}, {"Event types", strings.Join(o.EventTypes, ", ")},
		{"App", fmt.Sprintf("%s (%s)", o.App.Name, o.App.ID)}, {"Signing secret", secret},
		{"Created", tableTime(o.CreatedAt)}, {"Updated", tableTime(o.UpdatedAt)},
		{"Success rate", rate + " (" + h.SuccessRate.String() + ")"},
		{"Avg response", avgResponse},
		{"Activity", h.Activity.String()},
		{"Last 24 h", fmt.Sprintf("%d messages, %d failed attempts", o.Stats.Messages24h, o.Stats.FailedAttempts24h)},
		{"Failed attempts", strconv.FormatInt(o.Stats.FailedAttempts, 10)},
		{"Last attempt", tableTimePtr(o.Stats.LastAttemptAt)},
	}
	for _, f := range fields {
		fmt.Fprintf(w, "%-16s %s\n", a.paint(f[0]+":", colBold), f[1])
	}
	if len(o.Recent) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, a.paint("Recent deliveries (newest first):", colBold))
		a.writeTable(w, a.recentTable(o.Recent))
	}
	return nil
}

// recentTable lays out recent deliveries.
func (a *app) recentTable(recent []healthEvent) *table {
	et := newTable("CREATED (UTC)", "MESSAGE", "EVENT", "STATUS", "HTTP", "TIME", "RETRIES", "ERROR").alignRight(4, 5, 6)
	for _, e := range recent {
		rt := "-"
		if e.ResponseTimeMS != nil {
			rt = fmt.Sprintf("%.0f ms", *e.ResponseTimeMS)
		}
		color := map[string]string{"delivered": colGreen, "failed": colRed, "pending": colYellow}[e.DeliveryStatus]
		et.add(cell{text: tableTime(e.CreatedAt)}, cell{text: e.MessageID}, cell{text: e.EventType},
			cell{text: e.DeliveryStatus, color: color}, cell{text: intPtrText(e.ResponseCode)}, cell{text: rt},
			cell{text: strconv.Itoa(e.Retries)}, cell{text: truncate(e.Error, 48)})
	}
	return et
}

// eventTypesFlag is a repeatable --event-type of a write.
type eventTypesFlag struct{ types []string }

func (f *eventTypesFlag) register(cmd *cobra.Command, usage string) {
	cmd.Flags().StringArrayVar(&f.types, "event-type", nil, usage)
}

// check applies the API's rule for event types (at most 100 non-empty
// strings), so that a bad list is a usage error naming the flag.
func (f *eventTypesFlag) check() error {
	if len(f.types) > hookscope.WebhookMaxEventTypes {
		return usagef("too many --event-type: %d, at most %d", len(f.types), hookscope.WebhookMaxEventTypes)
	}
	for i, t := range f.types {
		if strings.TrimSpace(t) == "" {
			return usagef("invalid --event-type: value %d is empty", i+1)
		}
	}
	return nil
}

// boolFlag reads a tri-state --active: unset, true or false.
func boolFlag(cmd *cobra.Command, name string, v bool) *bool {
	if !cmd.Flags().Changed(name) {
		return nil
	}
	return &v
}

func (a *app) webhooksCreateCmd() *cobra.Command {
	var (
		name, url  string
		showSecret bool
		active     bool
		events     eventTypesFlag
		idem       idempotencyFlag
	)
	cmd := &cobra.Command{
		Use:   "create --name NAME --url URL [--event-type TYPE]... [--active=true|false] [--idempotency-key KEY]",
		Short: "Create a webhook endpoint",
		Long: `Creates a webhook endpoint and prints it.

Without --event-type the endpoint receives every event type of the organization;
each --event-type (repeatable, at most 100) subscribes it to one. Without --active it
is active; --active=false creates it paused.

Every create is sent with an idempotency key, so the SDK's own retries never make a
second endpoint. --idempotency-key sets the key: running the same command again with
the same key (within 24 hours) returns the endpoint the first run made instead of a
new one, which makes a script that creates endpoints safe to rerun. The same key with
other flags is refused.`,
		Args: exactArgs(),
		RunE: a.runE(func(cmd *cobra.Command, _ []string) error {
			format, err := a.format("table", "table", "json")
			if err != nil {
				return err
			}
			if err := idem.check(cmd); err != nil {
				return err
			}
			if strings.TrimSpace(name) == "" {
				return usagef("missing --name")
			}
			if url == "" {
				return usagef("missing --url")
			}
			if err := events.check(); err != nil {
				return err
			}
			s, err := a.connect()
			if err != nil {
				return err
			}
			defer s.Close()
			wh, err := s.c.Webhooks.Create(cmd.Context(), &hookscope.WebhookCreateParams{
				Name: name, URL: url, EventTypes: events.types, IsActive: boolFlag(cmd, "active", active)}, idem.options()...)
			if err != nil {
				return err
			}
			return a.printWebhook(cmd.OutOrStdout(), format, wh, showSecret)
		}),
	}
	cmd.Flags().StringVar(&name, "name", "", "the endpoint's name (required)")
	cmd.Flags().StringVar(&url, "url", "", "where events are sent: an https URL (required)")
	cmd.Flags().BoolVar(&showSecret, "show-secret", false, "print the new endpoint's signing secret")
	cmd.Flags().BoolVar(&active, "active", true, "receive events at once (--active=false creates the endpoint paused)")
	events.register(cmd, "subscribe to this event `TYPE` (repeatable, at most 100); default every event type")
	idem.register(cmd)
	return cmd
}

func (a *app) webhooksUpdateCmd() *cobra.Command {
	var (
		name, url string
		active    bool
		events    eventTypesFlag
		idem      idempotencyFlag
	)
	cmd := &cobra.Command{
		Use:   "update WEBHOOK_ID [--name NAME] [--url URL] [--active=true|false] [--event-type TYPE]... [--idempotency-key KEY]",
		Short: "Change a webhook endpoint's name, URL, active state or event types",
		Long: `Changes the fields the flags name and leaves the rest unchanged, then prints the
endpoint. --event-type (repeatable, at most 100) replaces the endpoint's event types
with the ones given.`,
		Args: exactArgs("WEBHOOK_ID"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			format, err := a.format("table", "table", "json")
			if err != nil {
				return err
			}
			if err := idem.check(cmd); err != nil {
				return err
			}
			p := &hookscope.WebhookUpdateParams{IsActive: boolFlag(cmd, "active", active)}
			if cmd.Flags().Changed("name") {
				p.Name = &name
			}
			if cmd.Flags().Changed("url") {
				p.URL = &url
			}
			if err := events.check(); err != nil {
				return err
			}
			p.EventTypes = events.types
			if p.Name == nil && p.URL == nil && p.IsActive == nil && len(p.EventTypes) == 0 {
				return usagef("nothing to update: give --name, --url, --active or --event-type")
			}
			s, err := a.connect()
			if err != nil {
				return err
			}
			defer s.Close()
			wh, err := s.c.Webhooks.Update(cmd.Context(), args[0], p, idem.options()...)
			if err != nil {
				return err
			}
			return a.printWebhook(cmd.OutOrStdout(), format, wh, false)
		}),
	}
	cmd.Flags().StringVar(&name, "name", "", "new name")
	cmd.Flags().StringVar(&url, "url", "", "new https URL")
	cmd.Flags().BoolVar(&active, "active", true, "receive events (--active=false pauses the endpoint)")
	events.register(cmd, "replace the event types with this `TYPE` and any other --event-type (repeatable, at most 100)")
	idem.register(cmd)
	return cmd
}

func (a *app) webhooksDeleteCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "delete WEBHOOK_ID",
		Short: "Delete a webhook endpoint",
		Args:  exactArgs("WEBHOOK_ID"),
		RunE: a.runE(func(cmd *cobra.Command, args []string) error {
			format, err := a.format("table", "table", "json")
			if err != nil {
				return err
			}
			s, err := a.connect()
			if err != nil {
				return err
			}
			defer s.Close()
			if err := s.c.Webhooks.Delete(cmd.Context(), args[0]); err != nil {
				return err
			}
			if format == "json" {
				return writeJSON(cmd.OutOrStdout(), map[string]any{"id": args[0], "deleted": true})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Deleted %s.\n", args[0])
			return nil
		}),
	}
}

// idempotencyFlag is --idempotency-key of a write.
type idempotencyFlag struct{ key string }

func (f *idempotencyFlag) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.key, "idempotency-key", "", "send this Idempotency-Key (1 to 255 printable ASCII characters): a rerun with the same key and flags within 24 hours replays the first answer")
}

// check applies the API's rule for keys, so that a bad one is a usage error
// naming the flag.
func (f *idempotencyFlag) check(cmd *cobra.Command) error {
	k := f.key
	if !cmd.Flags().Changed("idempotency-key") {
		return nil
	}
	if k == "" || len(k) > 255 {
		return usagef("invalid --idempotency-key: 1 to 255 characters, got %d", len(k))
	}
	for i := 0; i < len(k); i++ {
		if k[i] < ' ' || k[i] > '~' {
			return usagef("invalid --idempotency-key: printable ASCII only (a control or non-ASCII character at byte %d)", i)
		}
	}
	if k[0] == ' ' || k[len(k)-1] == ' ' {
		return usagef("invalid --idempotency-key: it starts or ends with a space")
	}
	return nil
}

// options are the call options that send the key, none without one.
func (f *idempotencyFlag) options() []hookscope.Option {
	if f.key == "" {
		return nil
	}
	return []hookscope.Option{hookscope.WithIdempotencyKey(f.key)}
}
