package hookscope

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"time"
)

// RetryType is the retry schedule an attempt was made on.
type RetryType string

// Retry schedules.
const (
	RetryFast RetryType = "fast"
	RetrySlow RetryType = "slow"
)

// AttemptsMaxPerList is the most attempts GET /v1/inbound-messages/{id}/attempts
// returns; meta.has_more says whether more exist.
const AttemptsMaxPerList = 200

// Attempt is one delivery attempt of an inbound or outbound message. An
// attempt succeeded when ResponseStatus is 2xx; a network error has no
// ResponseStatus and an ErrorText. Timings are nil when the attempt did not
// reach that phase.
type Attempt struct {
	// ID is the attempt's UUIDv7.
	ID string `json:"id"`
	// AttemptNo is the attempt's number, from 1.
	AttemptNo int `json:"attempt_no"`
	// ResponseStatus is the endpoint's HTTP status; nil on a network error.
	ResponseStatus *int `json:"response_status,omitempty"`
	// ResponseLatencyMS is the response latency in milliseconds.
	ResponseLatencyMS *int64 `json:"response_latency_ms,omitempty"`
	// ProcessingMS is the total processing time in milliseconds; outbound
	// attempts only (absent on inbound ones).
	ProcessingMS *int64 `json:"processing_ms,omitempty"`
	// ErrorText is the error of a failed attempt.
	ErrorText string `json:"error_text,omitempty"`
	// ResponseHeaders are the endpoint's response headers.
	ResponseHeaders map[string]string `json:"response_headers,omitempty"`
	// RequestHeaders are the headers sent to the endpoint.
	RequestHeaders map[string]string `json:"request_headers,omitempty"`
	// RetryType is the retry schedule applied: RetryFast or RetrySlow.
	RetryType RetryType `json:"retry_type,omitempty"`
	// RetryAfterSeconds is the wait until the next retry was scheduled.
	RetryAfterSeconds *int64 `json:"retry_after_seconds,omitempty"`
	// ResolvedIP is the address the endpoint's host resolved to.
	ResolvedIP string `json:"resolved_ip,omitempty"`
	// DNSMS is the DNS resolution time in milliseconds.
	DNSMS *int64 `json:"dns_ms,omitempty"`
	// TCPConnectMS is the TCP connection time in milliseconds.
	TCPConnectMS *int64 `json:"tcp_connect_ms,omitempty"`
	// TLSHandshakeMS is the TLS handshake time in milliseconds.
	TLSHandshakeMS *int64 `json:"tls_handshake_ms,omitempty"`
	// TTFBMS is the time to first byte in milliseconds.
	TTFBMS *int64 `json:"ttfb_ms,omitempty"`
	// TransferMS is the response transfer time in milliseconds.
	TransferMS *int64 `json:"transfer_ms,omitempty"`
	// ConnReused reports whether the TCP connection was reused.
	ConnReused bool `json:"conn_reused"`
	// ResponseBodyURL is a presigned URL of the stored response body, valid 15
	// minutes; starter plans and above only.
	ResponseBodyURL string `json:"response_body_url,omitempty"`
	// ResponseBodyTruncated is true when the stored body was truncated (the
	// wire carries the field only when true).
	ResponseBodyTruncated bool `json:"response_body_truncated,omitempty"`
	// CreatedAt is when the attempt was made.
	CreatedAt time.Time `json:"created_at"`
}

// Succeeded reports whether the attempt got a 2xx response.
func (a *Attempt) Succeeded() bool {
	return a.ResponseStatus != nil && *a.ResponseStatus >= 200 && *a.ResponseStatus <= 299
}

// AttemptList is the answer of an attempts endpoint.
type AttemptList struct {
	// Data holds the attempts, attempt_no ascending.
	Data []Attempt `json:"data"`
	// Meta.HasMore is true when more attempts exist than were returned (the
	// 200-attempt cap).
	Meta ListMeta `json:"meta"`
}

// InboundMessage is a message received by the platform and forwarded to an
// endpoint, as GET /v1/inbound-messages/{id} returns it.
type InboundMessage struct {
	// ID is the message's UUIDv7.
	ID string `json:"id"`
	// EndpointID is the endpoint the message is forwarded to.
	EndpointID string `json:"endpoint_id"`
	// Endpoint is that endpoint's URL.
	Endpoint string `json:"endpoint"`
	// EventType is the message's event type.
	EventType string `json:"event_type"`
	// Status is the forwarding status.
	Status MessageStatus `json:"status"`
	// AttemptCount is how many forwarding attempts were made.
	AttemptCount int `json:"attempt_count"`
	// CreatedAt is when the message was received.
	CreatedAt time.Time `json:"created_at"`
	// DeliveredAt is when an attempt succeeded.
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
}

// AttemptsService reads delivery attempts. It needs the messages:read scope.
type AttemptsService struct {
	client *Client
}

// ListInbound fetches GET /v1/inbound-messages/{id}/attempts: the attempts of
// an inbound message, attempt_no ascending, at most 200 (Meta.HasMore is true
// when more exist). id must be a UUID. A message that does not exist or
// belongs to another organization gives an empty list, not an error: use
// GetInboundMessage to tell them apart. Response body URLs are present on
// starter plans and above.
func (s *AttemptsService) ListInbound(ctx context.Context, messageID string, opts ...Option) (*AttemptList, error) {
	return s.list(ctx, "/v1/inbound-messages/", messageID, "", opts...)
}

// AllInbound iterates the attempts of an inbound message. It reads the meta
// as every iterator does: it follows meta.next_cursor while has_more is true,
// ends when has_more is false (whatever the cursor), and when the server
// reports has_more without a cursor (the 200-attempt cap) ends with an error
// matching ErrIncompletePage after the last attempt it could read.
func (s *AttemptsService) AllInbound(ctx context.Context, messageID string, opts ...Option) iter.Seq2[*Attempt, error] {
	return s.all(ctx, "/v1/inbound-messages/", messageID, opts...)
}

// ListOutbound fetches GET /v1/messages/{id}/attempts: the attempts of an
// outbound message (a /v1/logs row's MessageID), with ProcessingMS, under the
// same rules as ListInbound.
func (s *AttemptsService) ListOutbound(ctx context.Context, messageID string, opts ...Option) (*AttemptList, error) {
	return s.list(ctx, "/v1/messages/", messageID, "", opts...)
}

// AllOutbound iterates the attempts of an outbound message, as AllInbound.
func (s *AttemptsService) AllOutbound(ctx context.Context, messageID string, opts ...Option) iter.Seq2[*Attempt, error] {
	return s.all(ctx, "/v1/messages/", messageID, opts...)
}

// GetInboundMessage fetches GET /v1/inbound-messages/{id}. An unknown id, or
// another organization's, is a 404 MESSAGE_NOT_FOUND (ErrNotFound).
func (s *AttemptsService) GetInboundMessage(ctx context.Context, messageID string, opts ...Option) (*InboundMessage, error) {
	if err := checkMessageID(messageID); err != nil {
		return nil, err
	}
	var env inboundMessageAnswer
	err := s.client.do(ctx, request{opts: opts, method: http.MethodGet, route: "/v1/inbound-messages/{id}", path: "/v1/inbound-messages/" + escapePath(messageID)}, &env)
	if err != nil {
		return nil, err
	}
	return env.Data, nil
}

// inboundMessageAnswer is the envelope of GET /v1/inbound-messages/{id}.
type inboundMessageAnswer struct {
	Data *InboundMessage `json:"data"`
}

func (a *inboundMessageAnswer) check() error {
	if a.Data == nil {
		return missing("data")
	}
	if a.Data.ID == "" {
		return missing("message id")
	}
	return nil
}

type attemptsQuery struct {
	Cursor string `url:"cursor,omitempty"`
}

func (s *AttemptsService) list(ctx context.Context, prefix, messageID, cursor string, opts ...Option) (*AttemptList, error) {
	if err := checkMessageID(messageID); err != nil {
		return nil, err
	}
	list := new(AttemptList)
	if err := s.client.do(ctx, request{
		opts:   opts,
		method: http.MethodGet,
		route:  prefix + "{id}/attempts",
		path:   prefix + escapePath(messageID) + "/attempts",
		query:  attemptsQuery{Cursor: cursor},
	}, list); err != nil {
		return nil, err
	}
	return list, nil
}

func (s *AttemptsService) all(ctx context.Context, prefix, messageID string, opts ...Option) iter.Seq2[*Attempt, error] {
	pages := paginate(ctx, "", func(ctx context.Context, cursor string) (*AttemptList, pageInfo, error) {
		list, err := s.list(ctx, prefix, messageID, cursor, opts...)
		if err != nil {
			return nil, pageInfo{}, err
		}
		return list, list.Meta.pageInfo(len(list.Data)), nil
	})
	return items(pages, func(l *AttemptList) []Attempt { return l.Data })
}

func (l *AttemptList) setRequestID(fromHeader string) { l.Meta.setRequestID(fromHeader) }

func (l *AttemptList) check() error {
	if l.Data == nil {
		return missing("data")
	}
	for i := range l.Data {
		if l.Data[i].ID == "" {
			return fmt.Errorf("data[%d]: %w", i, missing("attempt id"))
		}
	}
	return nil
}
