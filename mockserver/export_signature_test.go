package mockserver

import "slices"

// MessageDelivery returns the endpoint id and the payload of message id
// (outbound or inbound): what a delivery's signature covers, which the API
// does not show.
func MessageDelivery(s *Server, id string) (endpointID string, payload []byte, ok bool) {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	uid, ok := parseUUID(id)
	if !ok {
		return "", nil, false
	}
	o, ref, ok := s.st.findLocked("", uid)
	if !ok {
		return "", nil, false
	}
	m := o.view(ref)
	return m.ep.id, slices.Clone(m.payloadJSON()), true
}
