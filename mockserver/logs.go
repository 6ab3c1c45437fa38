package mockserver

import (
	"net/http"
	"strconv"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
)

var statusNames = []string{
	string(hookscope.StatusQueued), string(hookscope.StatusDelivering), string(hookscope.StatusSucceeded),
	string(hookscope.StatusPendingRetry), string(hookscope.StatusFailedPermanent),
}

// logsQuery is a parsed GET /v1/logs.
type logsQuery struct {
	endpointID string // "" without endpoint_id
	status     hookscope.MessageStatus
	start, end time.Time
	hasStart   bool // start_time was given
	hasEnd     bool
	limit      int
	filter     string // what a cursor is bound to
	before     cursor // the last row of the previous page
	hasBefore  bool
}

func (s *Server) parseLogsQuery(rc *reqCtx) (logsQuery, *apiError) {
	var q logsQuery
	var err *apiError
	v := rc.query
	if q.endpointID, err = queryEndpointID(v, "endpoint_id"); err != nil {
		return q, err
	}
	status, err := queryEnum(v, "status", statusNames...)
	if err != nil {
		return q, err
	}
	q.status = hookscope.MessageStatus(status)
	if q.start, q.hasStart, err = queryTime(v, "start_time"); err != nil {
		return q, err
	}
	if q.end, q.hasEnd, err = queryTime(v, "end_time"); err != nil {
		return q, err
	}
	if q.hasStart && q.hasEnd && q.end.Before(q.start) {
		return q, invalid("end_time", "must not be before start_time")
	}
	if q.limit, err = queryInt(v, "limit", hookscope.LogsDefaultLimit, 1, hookscope.LogsMaxLimit); err != nil {
		return q, err
	}
	q.filter = filterHash("logs", q.endpointID, status, fmtOpt(q.hasStart, q.start), fmtOpt(q.hasEnd, q.end))
	q.before, q.hasBefore, err = s.cursorParam(v, "logs", q.filter)
	return q, err
}

// maxCachedRows is how many of an organization's newest /v1/logs rows keep
// their encoding once served.
const maxCachedRows = 10000

// appendLogsPage appends the rows of org's outbound messages that q
// selects, newest first, comma-separated, and the position of the page's
// last row, with more when more rows follow. The rows are encoded under the
// read lock (an endpoint's URL may change).
func (s *store) appendLogsPage(b []byte, orgID string, q logsQuery) (_ []byte, last cursor, more bool, _ *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o := s.orgRead(orgID)
	if q.endpointID != "" && o.endpoint(q.endpointID) == nil {
		return b, cursor{}, false, notFound(hookscope.CodeEndpointNotFound, "endpoint not found")
	}
	ms := o.outboundBy[filterKey{ep: q.endpointID, status: q.status}]
	lo, hi := 0, len(ms)
	if q.hasStart {
		lo = o.firstAtOrAfter(ms, q.start)
	}
	if q.hasEnd {
		hi = o.firstAfter(ms, q.end)
	}
	if q.hasBefore {
		hi = min(hi, o.lowerBoundCursor(ms, q.before))
	}
	// Only the newest maxCachedRows rows of the organization keep their
	// encoding (the pages clients read again and again), so that serving
	// every row of a large history once does not grow memory by a row's
	// bytes per message.
	var oldestCached *msgRec
	if all := o.outboundBy[filterKey{}]; len(all) > maxCachedRows {
		oldestCached = o.msg(all[len(all)-maxCachedRows])
	}
	for i, n := hi-1, 0; i >= lo && n < q.limit; i, n = i-1, n+1 {
		if n > 0 {
			b = append(b, ',')
		}
		if r := o.msg(ms[i]); oldestCached == nil || cmpRec(r, oldestCached.createdAt, &oldestCached.id) >= 0 {
			b = o.appendCachedLogRow(b, ms[i])
		} else {
			b = o.appendLogRow(b, r)
		}
	}
	if hi-lo <= q.limit {
		return b, cursor{}, false, nil
	}
	m := o.msg(ms[hi-q.limit])
	return b, cursor{Kind: "logs", Filter: q.filter, TimeNS: m.createdAt, ID: uuidString(m.id)}, true, nil
}

// handleLogs serves GET /v1/logs: one row per outbound message, newest first
// by (created_at, message_id), keyset-paged. A page costs a binary search in
// the message slice of its (endpoint, status) filter plus the page itself.
func (s *Server) handleLogs(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	q, err := s.parseLogsQuery(rc)
	if err != nil {
		s.writeError(w, rc, err)
		return
	}
	bp, b := listStart()
	b, last, more, err := s.st.appendLogsPage(b, rc.key.Org, q)
	if err != nil {
		bufPool.Put(bp)
		s.writeError(w, rc, err)
		return
	}
	writeList(w, bp, b, listMeta{RequestID: rc.id, NextCursor: s.nextCursor(last, more), HasMore: more})
}

// fmtOpt is an optional time as a cursor's filter binds it.
func fmtOpt(ok bool, t time.Time) string {
	if !ok {
		return ""
	}
	return strconv.FormatInt(t.UnixNano(), 10)
}
