package mockserver_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go/mockserver"
)

// TestAddMessageRejects: each kind of bad Message is refused with an error
// naming what is wrong, and a refused message changes nothing: the next
// message gets the id it gets on a twin server that saw no refusal.
func TestAddMessageRejects(t *testing.T) {
	t.Parallel()
	long := make([]mockserver.AttemptSpec, 9)
	cases := []struct {
		name string
		msg  func(ep string) mockserver.Message
		want string
	}{
		{"unknown endpoint", func(string) mockserver.Message {
			return mockserver.Message{EndpointID: "ep_00000000000000000000000000000000"}
		}, `mockserver: AddMessage: no endpoint "ep_00000000000000000000000000000000"`},
		{"created out of range", func(ep string) mockserver.Message {
			return mockserver.Message{EndpointID: ep, CreatedAt: time.Date(3001, 1, 1, 0, 0, 0, 0, time.UTC)}
		}, "mockserver: AddMessage: CreatedAt 3001-01-01 00:00:00 +0000 UTC is out of range"},
		{"payload not JSON", func(ep string) mockserver.Message {
			return mockserver.Message{EndpointID: ep, Payload: []byte("{")}
		}, "mockserver: AddMessage: Payload is not valid JSON"},
		{"too many attempts", func(ep string) mockserver.Message {
			return mockserver.Message{EndpointID: ep, Attempts: long}
		}, "mockserver: AddMessage: at most 8 attempts"},
		{"attempt out of range", func(ep string) mockserver.Message {
			return mockserver.Message{EndpointID: ep, Attempts: []mockserver.AttemptSpec{{Status: 500}, {At: time.Unix(-1, 0)}}}
		}, "mockserver: AddMessage: attempt 2: At 1969-12-31 23:59:59 +0000 UTC is out of range"},
		{"bad status", func(ep string) mockserver.Message {
			return mockserver.Message{EndpointID: ep, Attempts: []mockserver.AttemptSpec{{Status: 500}, {Status: 600}}}
		}, "mockserver: AddMessage: attempt 2: status 600"},
		{"success before the last", func(ep string) mockserver.Message {
			return mockserver.Message{EndpointID: ep, Attempts: []mockserver.AttemptSpec{{Status: 500}, {Status: 200}, {Status: 500}}}
		}, "mockserver: AddMessage: attempt 2 succeeded but is not the last"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			refused, _ := newServer(t, mockserver.WithMessages(20))
			twin, _ := newServer(t, mockserver.WithMessages(20))
			ep := refused.EndpointIDs("")[0]
			before := refused.OutboundMessageIDs()

			id, err := refused.AddMessage(tc.msg(ep))
			require.EqualError(t, err, tc.want)
			require.Empty(t, id)
			require.Equal(t, before, refused.OutboundMessageIDs(), "no message added")

			good := mockserver.Message{EndpointID: ep, Attempts: []mockserver.AttemptSpec{{Status: 200}}}
			got, err := refused.AddMessage(good)
			require.NoError(t, err)
			want, err := twin.AddMessage(good)
			require.NoError(t, err)
			require.Equal(t, want, got, "the refusal drew no ids")
		})
	}
}
