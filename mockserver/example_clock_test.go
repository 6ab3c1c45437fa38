package mockserver_test

import (
	"context"
	"fmt"
	"time"

	hookscope "github.com/hookscope/hookscope-go"
	"github.com/hookscope/hookscope-go/mockserver"
)

// A delivery fails, the clock moves, the retry is made: the logs (and the
// metrics, the webhook's stats and analytics) show it at once.
func ExampleServer_AdvanceClock() {
	now := time.Date(2026, 5, 6, 15, 4, 5, 0, time.UTC)
	srv := mockserver.New(mockserver.WithSeed(42), mockserver.WithMessages(100),
		mockserver.WithClock(func() time.Time { return now }))
	defer srv.Close()
	c, _ := hookscope.NewClient(srv.APIKey(), hookscope.WithBaseURL(srv.URL()))
	ctx := context.Background()
	ids := srv.EndpointIDs("") // oldest first
	epID := ids[len(ids)-1]    // "Orders service", a healthy endpoint

	id, _ := srv.AddMessage(mockserver.Message{EndpointID: epID,
		Attempts: []mockserver.AttemptSpec{{Status: 500}}}) // pending_retry, next try in 5 s
	show := func() {
		for e, err := range c.Logs.All(ctx, &hookscope.LogListParams{EndpointID: epID, Limit: 5}) {
			if err == nil && e.MessageID == id {
				fmt.Println(srv.Now().Format(time.TimeOnly), e.Status, e.AttemptCount)
				return
			}
		}
	}
	show()
	_ = srv.AdvanceClock(10 * time.Minute) // the retry is made; logs, metrics, stats follow
	show()
	// Output:
	// 15:04:05 pending_retry 1
	// 15:14:05 succeeded 2
}
