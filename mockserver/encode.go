package mockserver

import (
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	hookscope "github.com/hookscope/hookscope-go"
)

// Hand-written JSON for the two answers that carry the most rows per
// request: /v1/logs pages and webhook objects. They append straight to a
// pooled buffer instead of going through encoding/json's reflection (and its
// re-compaction of every time.Time's MarshalJSON), and write exactly the
// bytes json.Marshal writes for the wire structs of response.go (the tests
// check it, field by field and for every generated row).

const hexDigits = "0123456789abcdef"

// htmlSafe[b] reports whether encoding/json writes ASCII byte b as itself
// (with its default HTML escaping): printable, not '"', '\\', '<', '>' or '&'.
var htmlSafe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\' && b != '<' && b != '>' && b != '&'
	}
	return t
}()

// appendString appends s as a JSON string the way encoding/json does: HTML
// characters and U+2028/U+2029 escaped, invalid UTF-8 as \ufffd.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if htmlSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// appendTime appends t as time.Time's MarshalJSON does (RFC 3339 with
// nanoseconds, trailing zeros trimmed). Every time of the data model is
// between 1970 and 3000, where MarshalJSON cannot fail.
func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// appendFloat appends f as encoding/json writes a float64. f is finite.
func appendFloat(b []byte, f float64) []byte {
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-09 → e-9, as encoding/json does.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

func appendBool(b []byte, v bool) []byte { return strconv.AppendBool(b, v) }

// appendCachedLogRow appends message ref's /v1/logs row, encoding it on
// the first request that serves it and copying it on later ones (see
// rowCache). It runs under the store's read lock.
func (o *org) appendCachedLogRow(b []byte, ref int32) []byte {
	r := o.msg(ref)
	url := o.endpointOf(r).url
	if row := o.rows.get(ref, url); row != nil {
		return append(b, row...)
	}
	start := len(b)
	b = o.appendLogRow(b, r)
	o.rows.put(ref, url, slices.Clone(b[start:]))
	return b
}

// appendLogRow appends r as its /v1/logs row; fields that do not apply to
// the message's status are left out.
func (o *org) appendLogRow(b []byte, r *msgRec) []byte {
	status := r.state()
	b = append(b, `{"message_id":"`...)
	b = appendUUID(b, r.id)
	b = append(b, `","endpoint":`...)
	b = appendString(b, o.endpointOf(r).url)
	b = append(b, `,"status":`...)
	b = appendString(b, string(status))
	b = append(b, `,"attempt_count":`...)
	b = strconv.AppendInt(b, int64(r.nAtt), 10)
	b = append(b, `,"created_at":`...)
	b = appendTime(b, unixTime(r.createdAt))
	if a := o.successAtt(r); a != nil {
		b = append(b, `,"delivered_at":`...)
		b = appendTime(b, unixTime(a.at))
	}
	if status == hookscope.StatusPendingRetry {
		b = append(b, `,"next_attempt_at":`...)
		b = appendTime(b, unixTime(r.nextAt))
	}
	if last := o.lastAtt(r); last != nil {
		if last.status != 0 {
			b = append(b, `,"response_status":`...)
			b = strconv.AppendInt(b, int64(last.status), 10)
		}
		if last.latency != int32(absent) {
			b = append(b, `,"response_latency_ms":`...)
			b = strconv.AppendInt(b, int64(last.latency), 10)
		}
	}
	if a := o.lastFailedAtt(r); a != nil && status != hookscope.StatusSucceeded && a.err != 0 {
		b = append(b, `,"last_error":`...)
		b = appendString(b, o.strs[a.err])
	}
	return append(b, '}')
}

// appendListMeta appends the meta of the cursor lists (listMeta).
func appendListMeta(b []byte, m listMeta) []byte {
	b = append(b, '{')
	if m.RequestID != "" {
		b = append(b, `"request_id":`...)
		b = appendString(b, m.RequestID)
		b = append(b, ',')
	}
	b = append(b, `"next_cursor":`...)
	if m.NextCursor == nil {
		b = append(b, "null"...)
	} else {
		b = appendString(b, *m.NextCursor)
	}
	b = append(b, `,"has_more":`...)
	b = appendBool(b, m.HasMore)
	return append(b, '}')
}

// appendWebhookLocked appends ep as the webhooks endpoints answer it: the
// JSON of its webhookResp with its delivery_stats at now and its newest
// events (at most events), each event's JSON cached on its message.
func appendWebhookLocked(b []byte, o *org, ep *endpoint, now time.Time, events int) []byte {
	wh := webhookFieldsLocked(o, ep, now)
	b = appendWebhookHead(b, &wh)
	b = appendDeliveryStats(b, &wh.DeliveryStats)
	b = appendWebhookApp(b, &wh)
	return o.appendRecentEvents(b, ep, events)
}

// appendWebhookRLocked is appendWebhookLocked for the read paths (under
// the store's read lock, never the write lock): the fields that do not
// depend on now are copied from ep's encoding kept at the store's version,
// encoded first if need be. It also returns the span of clock times over
// which the answer stays the same (see deliveryStatsSpan).
func appendWebhookRLocked(b []byte, o *org, ep *endpoint, now time.Time, events int, version uint64) ([]byte, timeSpan) {
	enc := ep.encoding(version)
	b = append(b, enc.head...)
	st, span := deliveryStatsSpan(o, ep, now)
	b = appendDeliveryStats(b, &st)
	b = append(b, enc.app...)
	return o.appendRecentEvents(b, ep, events), span
}

// webhookEncoding is the JSON of an endpoint's fields that do not depend
// on the clock, around its delivery_stats: head from the opening brace to
// updated_at, app from the stats' closing brace to the app's. version is
// the store's version it was encoded at: it stands until the next write.
type webhookEncoding struct {
	version   uint64
	head, app []byte
}

// encoding returns ep's webhookEncoding at version. It runs under the
// store's read lock; a write (under the write lock) moves the version on,
// so an encoding is never kept across a change of ep.
func (ep *endpoint) encoding(version uint64) *webhookEncoding {
	if enc := ep.enc.Load(); enc != nil && enc.version == version {
		return enc
	}
	wh := webhookResp{ID: ep.id, Name: ep.name, URL: ep.url, Kind: ep.kind, IsActive: ep.active,
		Encrypted: ep.encrypted, SigningSecret: ep.secret, EventTypes: ep.eventTypes,
		CreatedAt: ep.createdAt, UpdatedAt: ep.updatedAt, App: appResp{ID: ep.app.ID, Name: ep.app.Name}}
	enc := &webhookEncoding{version: version,
		head: slices.Clip(appendWebhookHead(nil, &wh)), app: slices.Clip(appendWebhookApp(nil, &wh))}
	ep.enc.Store(enc)
	return enc
}

// appendRecentEvents appends ep's recent_events (its newest events, at
// most events; nothing without any), each event's JSON cached on its
// message, and the webhook's closing brace.
func (o *org) appendRecentEvents(b []byte, ep *endpoint, events int) []byte {
	if ms := o.outboundBy[filterKey{ep: ep.id}]; events > 0 && len(ms) > 0 {
		b = append(b, `,"recent_events":[`...)
		for i, n := len(ms)-1, 0; i >= 0 && n < events; i, n = i-1, n+1 {
			if n > 0 {
				b = append(b, ',')
			}
			b = o.appendCachedEvent(b, ms[i])
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendCachedEvent appends message ref as a webhook's recent event (the
// JSON of recentEvent, which depends on the message alone), encoding it
// once (see rowCache).
func (o *org) appendCachedEvent(b []byte, ref int32) []byte {
	if row := o.events.get(ref, ""); row != nil {
		return append(b, row...)
	}
	start := len(b)
	ev := recentEvent(o.view(ref))
	b = appendWebhookEvent(b, &ev)
	o.events.put(ref, "", slices.Clone(b[start:]))
	return b
}

// appendWebhookHead appends wh's opening brace and its fields up to
// updated_at.
func appendWebhookHead(b []byte, wh *webhookResp) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, wh.ID)
	b = append(b, `,"name":`...)
	b = appendString(b, wh.Name)
	b = append(b, `,"url":`...)
	b = appendString(b, wh.URL)
	if wh.Kind != "" {
		b = append(b, `,"kind":`...)
		b = appendString(b, string(wh.Kind))
	}
	b = append(b, `,"isActive":`...)
	b = appendBool(b, wh.IsActive)
	b = append(b, `,"encrypted":`...)
	b = appendBool(b, wh.Encrypted)
	b = append(b, `,"signing_secret":`...)
	b = appendString(b, wh.SigningSecret)
	if len(wh.EventTypes) > 0 {
		b = append(b, `,"event_types":[`...)
		for i, ev := range wh.EventTypes {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, ev)
		}
		b = append(b, ']')
	}
	b = append(b, `,"created_at":`...)
	b = appendTime(b, wh.CreatedAt)
	b = append(b, `,"updated_at":`...)
	return appendTime(b, wh.UpdatedAt)
}

// appendDeliveryStats appends the delivery_stats field, without its
// closing brace (appendWebhookApp writes it).
func appendDeliveryStats(b []byte, st *deliveryStatsResp) []byte {
	b = append(b, `,"delivery_stats":{"total_events":`...)
	b = strconv.AppendInt(b, st.TotalEvents, 10)
	b = append(b, `,"successful_deliveries":`...)
	b = strconv.AppendInt(b, st.SuccessfulDeliveries, 10)
	b = append(b, `,"failed_deliveries":`...)
	b = strconv.AppendInt(b, st.FailedDeliveries, 10)
	if st.LastDelivery != nil {
		b = append(b, `,"last_delivery":`...)
		b = appendTime(b, *st.LastDelivery)
	}
	b = append(b, `,"success_rate":`...)
	b = appendFloat(b, st.SuccessRate)
	b = append(b, `,"average_response_time":`...)
	b = appendFloat(b, st.AverageResponseTime)
	b = append(b, `,"last_24h_events":`...)
	b = strconv.AppendInt(b, st.Last24hEvents, 10)
	b = append(b, `,"last_24h_failures":`...)
	return strconv.AppendInt(b, st.Last24hFailures, 10)
}

// appendWebhookApp appends the closing brace of delivery_stats and the app
// field, and leaves the webhook's object open (for recent_events).
func appendWebhookApp(b []byte, wh *webhookResp) []byte {
	b = append(b, `},"app":{"id":`...)
	b = appendString(b, wh.App.ID)
	b = append(b, `,"name":`...)
	b = appendString(b, wh.App.Name)
	return append(b, '}')
}

// appendWebhookEvent appends one of a webhook's recent_events.
func appendWebhookEvent(b []byte, ev *webhookEventResp) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, ev.ID)
	b = append(b, `,"event_type":`...)
	b = appendString(b, ev.EventType)
	b = append(b, `,"delivery_status":`...)
	b = appendString(b, string(ev.DeliveryStatus))
	if ev.ResponseCode != nil {
		b = append(b, `,"response_code":`...)
		b = strconv.AppendInt(b, int64(*ev.ResponseCode), 10)
	}
	if ev.ResponseTime != nil {
		b = append(b, `,"response_time":`...)
		b = appendFloat(b, *ev.ResponseTime)
	}
	if ev.ErrorMessage != "" {
		b = append(b, `,"error_message":`...)
		b = appendString(b, ev.ErrorMessage)
	}
	b = append(b, `,"created_at":`...)
	b = appendTime(b, ev.CreatedAt)
	if ev.DeliveredAt != nil {
		b = append(b, `,"delivered_at":`...)
		b = appendTime(b, *ev.DeliveredAt)
	}
	b = append(b, `,"retry_count":`...)
	b = strconv.AppendInt(b, int64(ev.RetryCount), 10)
	return append(b, '}')
}
