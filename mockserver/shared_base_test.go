package mockserver_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hookscope/hookscope-go/mockserver"
)

// perRequest matches what differs between two answers to the same request
// on one server: the request id and analytics' support_id.
var perRequest = regexp.MustCompile(`req_[0-9a-f]{16}|"support_id":"[^"]*"`)

// sharedBaseViews are the requests whose answers view compares.
var sharedBaseViews = []string{
	"/v1/logs?limit=500",
	"/v1/logs?status=pending_retry&limit=50",
	"/api/v0/webhooks?limit=100",
	"/v1/metrics/webhooks?metric=delivered&granularity=hour&group_by=endpoint_id",
	"/v1/metrics/webhooks?metric=failed&granularity=day&group_by=http_status_class",
	"/analytics/webhooks",
}

// view is what srv holds and answers: its snapshot, and the answers to
// sharedBaseViews (which read the indexes and aggregates a snapshot does not
// show), without what differs per request.
func view(t testing.TB, srv *mockserver.Server) string {
	t.Helper()
	var b bytes.Buffer
	must(t, srv.Snapshot(&b))
	h := srv.Handler()
	for _, path := range sharedBaseViews {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+srv.APIKey())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		fmt.Fprintf(&b, "\n%s %d\n", path, rec.Code)
		b.Write(perRequest.ReplaceAll(rec.Body.Bytes(), nil))
	}
	return b.String()
}

// Servers with the same seed, clock and size share their generated history
// until one writes: whatever one of them does, the others (made before or
// after) answer as if it did not exist, and Reset brings it back to theirs.
// Under -race, a reader of the untouched server runs while the other writes.
func TestSharedBaseCopiedOnWrite(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		mutate func(t *testing.T, srv *mockserver.Server)
	}{
		{"AddMessage", func(t *testing.T, srv *mockserver.Server) {
			_, err := srv.AddMessage(mockserver.Message{EndpointID: srv.EndpointIDs("")[0], CreatedAt: fixedNow.Add(-time.Minute),
				Attempts: []mockserver.AttemptSpec{{Status: 500}}})
			must(t, err)
		}},
		{"webhook_create", func(t *testing.T, srv *mockserver.Server) {
			r := do(t, srv, http.MethodPost, "/api/v0/webhooks", srv.APIKey(), `{"name": "New", "url": "https://new.example/hook"}`)
			eq(t, r.status, http.StatusCreated, "created")
		}},
		{"webhook_patch", func(t *testing.T, srv *mockserver.Server) {
			r := do(t, srv, http.MethodPatch, "/api/v0/webhooks/"+srv.EndpointIDs("")[0], srv.APIKey(), `{"url": "https://moved.example/hook"}`)
			eq(t, r.status, http.StatusOK, "patched")
		}},
		{"webhook_delete", func(t *testing.T, srv *mockserver.Server) {
			r := do(t, srv, http.MethodDelete, "/api/v0/webhooks/"+srv.EndpointIDs("")[1], srv.APIKey(), "")
			eq(t, r.status, http.StatusNoContent, "deleted")
		}},
		{"AddKey", func(t *testing.T, srv *mockserver.Server) {
			srv.AddKey(mockserver.Key{Token: "am_test_extra", Org: "org_extra", Plan: mockserver.PlanPro, Scopes: mockserver.AllScopes()})
		}},
		{"RemoveKey", func(t *testing.T, srv *mockserver.Server) {
			eq(t, srv.RemoveKey(srv.APIKey()), true, "removed")
		}},
		{"AdvanceClock", func(t *testing.T, srv *mockserver.Server) {
			must(t, srv.AdvanceClock(9*time.Hour)) // every pending retry comes due
		}},
		{"Restore", func(t *testing.T, srv *mockserver.Server) {
			other := mockserver.NewHandler(mockserver.WithClock(fixedClock), mockserver.WithSeed(7), mockserver.WithMessages(50))
			var b bytes.Buffer
			must(t, other.Snapshot(&b))
			must(t, srv.Restore(&b))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			a := mockserver.New(mockserver.WithClock(fixedClock))
			defer a.Close()
			b := mockserver.New(mockserver.WithClock(fixedClock))
			defer b.Close()
			want := view(t, b)
			require.Contains(t, want, "/v1/logs?limit=500 200\n", "the views are answers")
			require.Equal(t, want, view(t, a), "same seed, clock and size: the same data")

			var wg sync.WaitGroup
			wg.Add(1)
			go func() { // reads the shared history while a writes
				defer wg.Done()
				for range 3 {
					view(t, b)
				}
			}()
			c.mutate(t, a)
			wg.Wait()

			require.NotEqual(t, want, view(t, a), "the write shows on its server")
			require.Equal(t, want, view(t, b), "and not on a server made before it")
			later := mockserver.New(mockserver.WithClock(fixedClock))
			defer later.Close()
			require.Equal(t, want, view(t, later), "nor on one made after it")
			a.Reset()
			require.Equal(t, want, view(t, a), "Reset brings back the generated history")
		})
	}
}
