package hookscope

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"net/http"
	"time"
)

// MessageStatus is the delivery status of an outbound message.
type MessageStatus string

// Message statuses.
const (
	// StatusQueued: created, no attempt yet.
	StatusQueued MessageStatus = "queued"
	// StatusDelivering: an attempt is in flight.
	StatusDelivering MessageStatus = "delivering"
	// StatusSucceeded: an attempt got a 2xx.
	StatusSucceeded MessageStatus = "succeeded"
	// StatusPendingRetry: the last attempt failed and another is scheduled
	// (LogEntry.NextAttemptAt).
	StatusPendingRetry MessageStatus = "pending_retry"
	// StatusFailedPermanent: every attempt failed and no more will be made.
	StatusFailedPermanent MessageStatus = "failed_permanent"
)

var messageStatuses = []MessageStatus{StatusQueued, StatusDelivering, StatusSucceeded, StatusPendingRetry, StatusFailedPermanent}

// Limits of GET /v1/logs.
const (
	// LogsDefaultLimit is the server's page size when Limit is 0.
	LogsDefaultLimit = 50
	// LogsMaxLimit is the largest page size.
	LogsMaxLimit = 500
)

// LogListParams are the query parameters of GET /v1/logs.
type LogListParams struct {
	// EndpointID keeps the messages of one endpoint; it must match
	// ^ep_[a-f0-9]{32}$. An endpoint the organization does not have is a 404
	// ENDPOINT_NOT_FOUND (ErrNotFound).
	EndpointID string `url:"endpoint_id,omitempty"`
	// Status keeps the messages in one status.
	Status MessageStatus `url:"status,omitempty"`
	// StartTime keeps messages created at or after it.
	StartTime time.Time `url:"start_time,omitempty" layout:"2006-01-02T15:04:05.999999999Z07:00"`
	// EndTime keeps messages created at or before it.
	EndTime time.Time `url:"end_time,omitempty" layout:"2006-01-02T15:04:05.999999999Z07:00"`
	// Limit is the page size, 1..500; default 50.
	Limit int `url:"limit,omitempty"`
	// Cursor is meta.next_cursor of the previous page.
	Cursor string `url:"cursor,omitempty"`
}

// LogPage is one page of GET /v1/logs.
type LogPage struct {
	// Data holds the rows, newest first (created_at, then message_id, descending).
	Data []LogEntry `json:"data"`
	// Meta holds the request id and the cursor of the next page.
	Meta ListMeta `json:"meta"`
}

func (p *LogPage) setRequestID(fromHeader string) { p.Meta.setRequestID(fromHeader) }

func (p *LogPage) check() error {
	if p.Data == nil {
		return missing("data")
	}
	for i := range p.Data {
		if p.Data[i].MessageID == "" {
			return fmt.Errorf("data[%d]: %w", i, missing("message_id"))
		}
	}
	return nil
}

// LogEntry is one outbound message in the delivery log. Fields that do not
// apply to the message's status are absent on the wire and nil here.
type LogEntry struct {
	// MessageID is the message's UUIDv7.
	MessageID string `json:"message_id"`
	// Endpoint is the URL of the endpoint the message is sent to.
	Endpoint string `json:"endpoint"`
	// Status is the message's delivery status.
	Status MessageStatus `json:"status"`
	// AttemptCount is how many attempts were made.
	AttemptCount int `json:"attempt_count"`
	// CreatedAt is when the message was created.
	CreatedAt time.Time `json:"created_at"`
	// DeliveredAt is when an attempt succeeded.
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	// NextAttemptAt is when the next attempt is scheduled (pending_retry).
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"`
	// ResponseStatus is the last attempt's HTTP status; nil when no attempt got
	// a response.
	ResponseStatus *int `json:"response_status,omitempty"`
	// ResponseLatencyMS is the last attempt's latency in milliseconds.
	ResponseLatencyMS *int64 `json:"response_latency_ms,omitempty"`
	// LastError is the error of the latest failed attempt of a message that
	// has not succeeded. It is "" (absent on the wire) on a succeeded message
	// and on a message without a failed attempt yet.
	LastError string `json:"last_error,omitempty"`
}

// LogsService reads GET /v1/logs. It needs the logs:read scope.
type LogsService struct {
	client *Client
}

// List fetches one page of GET /v1/logs: outbound messages, newest first.
// Requires the logs:read scope. Limit is 1..500 (default 50).
func (s *LogsService) List(ctx context.Context, params *LogListParams, opts ...Option) (*LogPage, error) {
	p, err := checkLogParams(params)
	if err != nil {
		return nil, err
	}
	page, _, err := s.fetch(ctx, p, opts...)
	return page, err
}

// All iterates every row of a GET /v1/logs query, following meta.next_cursor
// from params.Cursor. Nothing is sent until the loop starts; one page is held
// at a time; breaking out of the loop sends no further request.
func (s *LogsService) All(ctx context.Context, params *LogListParams, opts ...Option) iter.Seq2[*LogEntry, error] {
	return items(s.Pages(ctx, params, opts...), func(p *LogPage) []LogEntry { return p.Data })
}

// Pages iterates the pages of a GET /v1/logs query. Save a page's
// Meta.NextCursor to resume later: pass it as params.Cursor.
func (s *LogsService) Pages(ctx context.Context, params *LogListParams, opts ...Option) iter.Seq2[*LogPage, error] {
	p, err := checkLogParams(params)
	return listPages(ctx, p, err, func(q *LogListParams) *string { return &q.Cursor },
		func(ctx context.Context, q *LogListParams) (*LogPage, pageInfo, error) {
			return s.fetch(ctx, q, opts...)
		})
}

func (s *LogsService) fetch(ctx context.Context, p *LogListParams, opts ...Option) (*LogPage, pageInfo, error) {
	page := new(LogPage)
	if err := s.client.do(ctx, request{opts: opts, method: http.MethodGet, path: "/v1/logs", query: p}, &logPageDecoder{page: page, rows: cmp.Or(p.Limit, LogsDefaultLimit)}); err != nil {
		return nil, pageInfo{}, err
	}
	return page, page.Meta.pageInfo(len(page.Data)), nil
}

func checkLogParams(params *LogListParams) (*LogListParams, error) {
	var p LogListParams
	if params != nil {
		p = *params
	}
	if p.EndpointID != "" {
		if err := checkEndpointID("endpoint_id", p.EndpointID); err != nil {
			return nil, err
		}
	}
	if p.Status != "" && !oneOf(p.Status, messageStatuses) {
		return nil, paramErrorf("status", "%q is not one of %v", p.Status, messageStatuses)
	}
	if err := checkLimit("limit", p.Limit, LogsMaxLimit); err != nil {
		return nil, err
	}
	if err := checkWireTime("start_time", p.StartTime); err != nil {
		return nil, err
	}
	if err := checkWireTime("end_time", p.EndTime); err != nil {
		return nil, err
	}
	if !p.StartTime.IsZero() && !p.EndTime.IsZero() && p.EndTime.Before(p.StartTime) {
		return nil, paramErrorf("end_time", "is before start_time (%s < %s)", p.EndTime.Format(time.RFC3339), p.StartTime.Format(time.RFC3339))
	}
	p.StartTime, p.EndTime = utc(p.StartTime), utc(p.EndTime)
	return &p, nil
}
