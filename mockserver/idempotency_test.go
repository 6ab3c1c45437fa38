package mockserver_test

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go/mockserver"
)

// TestWebhookIdempotencyConcurrent: concurrent creates with one
// Idempotency-Key create one webhook; each of them gets its answer, or 409
// IDEMPOTENCY_KEY_IN_USE while the first is still being processed.
func TestWebhookIdempotencyConcurrent(t *testing.T) {
	t.Parallel()
	srv, _ := newServer(t, mockserver.WithMessages(20))
	before := len(srv.EndpointIDs(""))
	const n = 16
	statuses, bodies := make([]int, n), make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, err := http.NewRequest(http.MethodPost, srv.URL()+"/api/v0/webhooks", strings.NewReader(`{"name":"Once","url":"https://once.example/h"}`))
			if !assert.NoError(t, err) {
				return
			}
			req.Header.Set("Authorization", "Bearer "+srv.APIKey())
			req.Header.Set("Idempotency-Key", "same-key")
			resp, err := http.DefaultClient.Do(req)
			if !assert.NoError(t, err) {
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			assert.NoError(t, err)
			statuses[i], bodies[i] = resp.StatusCode, string(b)
		}()
	}
	wg.Wait()
	created := ""
	for i := range n {
		switch statuses[i] {
		case http.StatusCreated:
			if created == "" {
				created = bodies[i]
			}
			require.Equal(t, created, bodies[i], "answer %d", i)
		case http.StatusConflict:
			require.Contains(t, bodies[i], `"IDEMPOTENCY_KEY_IN_USE"`, "answer %d", i)
		default:
			t.Fatalf("answer %d: %d %s", i, statuses[i], bodies[i])
		}
	}
	require.NotEmpty(t, created, "one answer is the creation")
	require.Len(t, srv.EndpointIDs(""), before+1)
}
