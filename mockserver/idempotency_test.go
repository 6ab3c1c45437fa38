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
// Idempotency-Key create one webhook, and each of them gets the same answer.
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
	for i := range n {
		require.Equal(t, http.StatusCreated, statuses[i], "answer %d", i)
		require.Equal(t, bodies[0], bodies[i], "answer %d", i)
	}
	require.Len(t, srv.EndpointIDs(""), before+1)
}
