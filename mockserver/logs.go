package mockserver

import (
	"net/http"
	"strconv"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

// listMeta is the meta of the cursor lists; next_cursor is null on the last page.
type listMeta struct {
	RequestID  string  `json:"request_id,omitempty"`
	NextCursor *string `json:"next_cursor"`
	HasMore    bool    `json:"has_more"`
}

var statusNames = []string{
	string(hookscope.StatusQueued), string(hookscope.StatusDelivering), string(hookscope.StatusSucceeded),
	string(hookscope.StatusPendingRetry), string(hookscope.StatusFailedPermanent),
}

// handleLogs serves GET /v1/logs: one row per outbound message, newest first
// by (created_at, message_id), keyset-paged. A page costs a binary search in
// the message slice of its (endpoint, status) filter plus the page itself.
func (s *Server) handleLogs(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	q := rc.query
	epID, hasEp, err := queryValue(q, "endpoint_id")
	if err == nil && hasEp && !isEndpointID(epID) {
		err = invalid("endpoint_id", "must match ^ep_[a-f0-9]{32}$")
	}
	var status string
	if err == nil {
		status, err = queryEnum(q, "status", statusNames...)
	}
	var start, end time.Time
	var hasStart, hasEnd bool
	if err == nil {
		start, hasStart, err = queryTime(q, "start_time")
	}
	if err == nil {
		end, hasEnd, err = queryTime(q, "end_time")
	}
	if err == nil && hasStart && hasEnd && end.Before(start) {
		err = invalid("end_time", "must not be before start_time")
	}
	limit := 0
	if err == nil {
		limit, err = queryInt(q, "limit", hookscope.LogsDefaultLimit, 1, hookscope.LogsMaxLimit)
	}
	filter := filterHash("logs", epID, status, fmtOpt(hasStart, start), fmtOpt(hasEnd, end))
	var cur cursor
	var hasCursor bool
	if err == nil {
		var raw string
		raw, hasCursor, err = queryValue(q, "cursor")
		if err == nil && hasCursor {
			cur, err = s.decodeCursor(raw, "logs", filter)
		}
	}
	if err != nil {
		s.writeError(w, rc, err)
		return
	}

	s.st.mu.RLock()
	o := s.st.orgs[rc.key.Org]
	if hasEp && o.endpoint(epID) == nil {
		s.st.mu.RUnlock()
		s.writeError(w, rc, notFound(hookscope.CodeEndpointNotFound, "endpoint not found"))
		return
	}
	ms := o.idx[filterKey{ep: epID, status: hookscope.MessageStatus(status)}]
	lo, hi := 0, len(ms)
	if hasStart {
		lo = firstAtOrAfter(ms, start)
	}
	if hasEnd {
		hi = firstAfter(ms, end)
	}
	if hasCursor {
		hi = min(hi, lowerBound(ms, cur.time(), cur.ID))
	}
	// The rows are encoded under the read lock (an endpoint's URL may
	// change) into a pooled buffer, and written after it is released.
	bp := getBuf()
	b := append((*bp)[:0], `{"data":[`...)
	for i, n := hi-1, 0; i >= lo && n < limit; i, n = i-1, n+1 {
		if n > 0 {
			b = append(b, ',')
		}
		b = appendCachedLogRow(b, ms[i])
	}
	hasMore := hi-lo > limit
	var next *string
	if hasMore {
		last := ms[hi-limit]
		next = new(s.encodeCursor(cursor{Kind: "logs", Filter: filter, TimeNS: last.createdAt.UnixNano(), ID: last.id}))
	}
	s.st.mu.RUnlock()

	b = append(b, `],"meta":`...)
	b = appendListMeta(b, listMeta{RequestID: rc.id, NextCursor: next, HasMore: hasMore})
	s.writeBuf(w, http.StatusOK, bp, append(b, '}'))
}

// logEntry is m as a /v1/logs row: fields that do not apply are absent.
func logEntry(m *message) hookscope.LogEntry {
	e := hookscope.LogEntry{
		MessageID: m.id, Endpoint: m.ep.url, Status: m.status,
		AttemptCount: len(m.attempts), CreatedAt: m.createdAt,
	}
	if a := m.successAttempt(); a != nil {
		e.DeliveredAt = new(a.at)
	}
	if m.status == hookscope.StatusPendingRetry {
		e.NextAttemptAt = new(m.nextAttemptAt)
	}
	if last := m.lastAttempt(); last != nil {
		if last.status != 0 {
			e.ResponseStatus = new(last.status)
		}
		if last.latency != absent {
			e.ResponseLatencyMS = new(last.latency)
		}
		if !last.succeeded() {
			e.LastError = last.errText
		}
	}
	return e
}

func fmtOpt(ok bool, t time.Time) string {
	if !ok {
		return ""
	}
	return strconv.FormatInt(t.UnixNano(), 10)
}
