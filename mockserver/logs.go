package mockserver

import (
	"net/http"
	"slices"
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
	v := &rc.query
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

// logsPage returns the JSON of the page of org's outbound messages that q
// selects, `{"data":[` and its rows, newest first, comma-separated, and the
// page's next_cursor (signed with id's secret; nil when no rows follow).
// The page is built in b (from its start), or, when shared is set, it is a
// page kept by the store's pageCache: read-only, the same bytes and cursor
// for every request with the same page until the next write. The rows are
// encoded under the read lock (an endpoint's URL may change).
func (s *store) logsPage(b []byte, orgID string, q logsQuery, id *identity) (page []byte, shared bool, next *string, _ *apiError) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o := s.orgRead(orgID)
	if q.endpointID != "" && o.endpoint(q.endpointID) == nil {
		return b, false, nil, notFound(hookscope.CodeEndpointNotFound, "endpoint not found")
	}
	fk := filterKey{ep: q.endpointID, status: q.status}
	ms := o.outboundBy[fk]
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
	// The cursor's filter is part of the page's key: two queries with the
	// same rows but other filters (an end_time past the newest message, say)
	// have cursors of their own.
	key := pageKey{o: o, version: s.mu.version.Load(), id: id, filter: fk, cursorFilter: q.filter, lo: lo, hi: hi, limit: q.limit}
	cached, keep := s.pages.get(&key)
	if cached != nil {
		return cached.body, true, cached.next, nil
	}
	if hi-lo > q.limit {
		m := o.msg(ms[hi-q.limit])
		next = new(id.encodeCursor(cursor{Kind: "logs", Filter: q.filter, TimeNS: m.createdAt, ID: uuidString(m.id)}))
	}
	b = append(b[:0], `{"data":[`...)
	b = o.appendLogRows(b, ms, lo, hi, q.limit)
	if keep {
		s.pages.put(&key, slices.Clip(slices.Clone(b)), next)
	}
	return b, false, next, nil
}

// appendLogRows appends the rows of ms[lo:hi], newest first, at most limit
// of them, comma-separated. It runs under the store's read lock.
func (o *org) appendLogRows(b []byte, ms []int32, lo, hi, limit int) []byte {
	// Only the newest maxCachedRows rows of the organization keep their
	// encoding (the pages clients read again and again), so that serving
	// every row of a large history once does not grow memory by a row's
	// bytes per message.
	var oldestCached *msgRec
	if all := o.outboundBy[filterKey{}]; len(all) > maxCachedRows {
		oldestCached = o.msg(all[len(all)-maxCachedRows])
	}
	for i, n := hi-1, 0; i >= lo && n < limit; i, n = i-1, n+1 {
		if n > 0 {
			b = append(b, ',')
		}
		if r := o.msg(ms[i]); oldestCached == nil || cmpRec(r, oldestCached.createdAt, &oldestCached.id) >= 0 {
			b = o.appendCachedLogRow(b, ms[i])
		} else {
			b = o.appendLogRow(b, r)
		}
	}
	return b
}

// handleLogs serves GET /v1/logs: one row per outbound message, newest first
// by (created_at, message_id), keyset-paged. A page costs a binary search in
// the message slice of its (endpoint, status) filter plus the page itself;
// a page asked for again before any write is written from the store's
// pageCache.
func (s *Server) handleLogs(w http.ResponseWriter, r *http.Request, rc *reqCtx) {
	q, err := s.parseLogsQuery(rc)
	if err != nil {
		s.writeError(w, rc, err)
		return
	}
	bp := getBuf()
	page, shared, next, err := s.st.logsPage(*bp, rc.key.Org, q, s.id())
	if err != nil {
		bufPool.Put(bp)
		s.writeError(w, rc, err)
		return
	}
	meta := listMeta{RequestID: rc.id, NextCursor: next, HasMore: next != nil}
	if !shared {
		writeList(w, bp, page, meta)
		return
	}
	// The kept page is written as it is (it is shared: never appended to),
	// then the request's own end: its meta holds the request's id.
	end := append(appendListEnd((*bp)[:0], meta), '\n')
	setJSONHeaders(w, len(page)+len(end))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(page)
	_, _ = w.Write(end)
	if cap(end) <= maxPooledBuf {
		*bp = end[:0]
		bufPool.Put(bp)
	}
}

// fmtOpt is an optional time as a cursor's filter binds it.
func fmtOpt(ok bool, t time.Time) string {
	if !ok {
		return ""
	}
	return strconv.FormatInt(t.UnixNano(), 10)
}
