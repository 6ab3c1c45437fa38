package mockserver

import (
	"fmt"
	"net/http"
	"net/url"

	hookscope "github.com/hookscope/hookscope-go"
)

// failure kinds an endpoint profile can draw.
type failure int

const (
	fail500 failure = iota
	fail502
	fail503
	fail504
	fail429
	fail400
	fail404
	fail410 // permanent: no retry
	failTimeout
	failDNS
	failRefused
	failTLS
)

// profile describes how an endpoint behaves: the generator draws each
// attempt's outcome and timings from it.
type profile struct {
	name       string
	url        string
	kind       hookscope.EndpointKind
	weight     int
	success    float64 // probability that an attempt gets a 2xx
	doomed     float64 // probability that no attempt of a message gets one (an outage)
	failures   []failure
	latLo      int64 // ttfb range in ms
	latHi      int64
	events     []string
	encrypted  bool
	active     bool
	reuse      float64 // probability that a connection is reused
	inboundWgt int     // weight as the target of inbound messages
}

var orgEvents = []string{"message.created", "message.updated", "message.deleted", "contact.created", "contact.updated", "conversation.closed"}
var numberEvents = []string{"number.updated", "call.completed", "call.missed", "message.received", "message.delivered"}

// profiles are the generated organization's endpoints: a healthy one, a flaky
// one, a slow one, a dead one, and number feeds of several kinds.
var profiles = []profile{
	{name: "Orders service", url: "https://api.shopwave.example/webhooks/hookscope", kind: hookscope.KindOrganization, weight: 25,
		success: 0.996, failures: []failure{fail503, failTimeout}, latLo: 60, latHi: 320, events: orgEvents[:4], active: true, reuse: 0.7, inboundWgt: 1},
	{name: "Billing sync", url: "https://billing.ledgerly.example/hooks", kind: hookscope.KindOrganization, weight: 15,
		doomed: 0.08, success: 0.78, failures: []failure{fail500, fail502, fail503, failTimeout, failRefused}, latLo: 120, latHi: 950, events: orgEvents, encrypted: true, active: true, reuse: 0.4, inboundWgt: 1},
	{name: "Data warehouse ingest", url: "https://ingest.datapipe.example/v2/events", kind: hookscope.KindOrganization, weight: 12,
		doomed: 0.02, success: 0.97, failures: []failure{failTimeout, fail504}, latLo: 1900, latHi: 4700, events: orgEvents[:3], active: true, reuse: 0.5},
	{name: "Legacy CRM", url: "https://crm.oldcorp.example/webhook", kind: hookscope.KindOrganization, weight: 6,
		success: 0, failures: []failure{failDNS, failDNS, failRefused}, latLo: 0, latHi: 0, events: orgEvents[3:5], active: true},
	{name: "Support line +1 415 555 0134", url: "https://support.helpdesk.example/numbers/14155550134", kind: hookscope.KindNumber, weight: 20,
		success: 0.992, failures: []failure{fail500, failTLS}, latLo: 80, latHi: 420, events: numberEvents, active: true, reuse: 0.6, inboundWgt: 4},
	{name: "Sales line +44 20 7946 0321", url: "https://hooks.salesdesk.example/numbers/442079460321", kind: hookscope.KindNumber, weight: 12,
		doomed: 0.03, success: 0.9, failures: []failure{fail400, fail404, fail429, fail429, fail410, failTLS}, latLo: 90, latHi: 600, events: numberEvents[:3], encrypted: true, active: true, reuse: 0.5, inboundWgt: 3},
	{name: "Alerts +1 212 555 0187", url: "https://alerts.pagerly.example/in/12125550187", kind: hookscope.KindNumber, weight: 10,
		doomed: 0.006, success: 0.97, failures: []failure{fail500, fail502, failTLS}, latLo: 150, latHi: 800, events: numberEvents[1:], active: true, reuse: 0.5, inboundWgt: 2},
	{name: "Paused staging hook", url: "https://staging.shopwave.example/webhooks", kind: hookscope.KindOrganization, weight: 0,
		success: 1, latLo: 50, latHi: 100, events: orgEvents[:1], active: false},
}

var apps = []hookscope.App{{ID: "app_7f3c2a9e41d0", Name: "Shopwave"}, {ID: "app_2b8e61c0d5f4", Name: "Switchboard"}}

func statusOf(f failure) int {
	switch f {
	case fail500:
		return 500
	case fail502:
		return 502
	case fail503:
		return 503
	case fail504:
		return 504
	case fail429:
		return 429
	case fail400:
		return 400
	case fail404:
		return 404
	case fail410:
		return 410
	}
	return 200
}

// profileIndex is p's index in profiles, or -1.
func profileIndex(p *profile) int {
	for i := range profiles {
		if &profiles[i] == p || profiles[i].url == p.url {
			return i
		}
	}
	return -1
}

// profileIPs are the profiles' addresses, by index: one string each, which
// every attempt of the profile shares.
var profileIPs = func() []string {
	ips := make([]string, len(profiles))
	for i := range profiles {
		ips[i] = fmt.Sprintf("203.0.113.%d", 10+i*17)
	}
	return ips
}()

// httpErrorText is an attempt's error text for an HTTP status without a
// 2xx, "HTTP 503 Service Unavailable": one string per status, shared.
func httpErrorText(status int) string {
	if status >= 100 && status < len(httpErrorTexts) {
		return httpErrorTexts[status]
	}
	return fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))
}

var httpErrorTexts = func() []string {
	texts := make([]string, 600)
	for st := 100; st < len(texts); st++ {
		texts[st] = fmt.Sprintf("HTTP %d %s", st, http.StatusText(st))
	}
	return texts
}()

// profileHosts are the host names of the profiles' URLs, by index.
var profileHosts = func() []string {
	hosts := make([]string, len(profiles))
	for i, p := range profiles {
		u, err := url.Parse(p.url)
		if err != nil {
			panic("mockserver: profile " + p.name + ": " + err.Error())
		}
		hosts[i] = u.Hostname()
	}
	return hosts
}()
