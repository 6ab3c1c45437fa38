package mockserver

import "net/http"

// SetPanicHook makes every request call f before routing, so that tests can
// make a handler panic. Set it before the server takes requests.
func SetPanicHook(s *Server, f func(*http.Request)) { s.panicHook = f }
