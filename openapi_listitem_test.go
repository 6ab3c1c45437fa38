package hookscope_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A list's webhook is a Webhook without recent_events: WebhookListItem takes
// the single webhook's body once recent_events is left out, and refuses it
// with them.
func TestOpenAPIWebhookListItemRefusesRecentEvents(t *testing.T) {
	t.Parallel()
	schema := loadOpenAPI(t).Components.Schemas["WebhookListItem"]
	require.NotNil(t, schema)
	raw, err := os.ReadFile("testdata/constructed_seed002_webhook_200.json")
	require.NoError(t, err)
	var wh map[string]any
	require.NoError(t, json.Unmarshal(raw, &wh))
	require.Contains(t, wh, "recent_events")

	assert.Error(t, schema.Value.VisitJSON(wh), "with recent_events")
	delete(wh, "recent_events")
	assert.NoError(t, schema.Value.VisitJSON(wh), "without recent_events")
}
