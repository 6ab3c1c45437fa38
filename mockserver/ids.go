package mockserver

// InboundMessageIDs returns the ids of the default organization's inbound
// messages, newest first.
func (s *Server) InboundMessageIDs() []string {
	return s.st.messageIDs(s.DefaultOrgID(), func(o *org) []int32 { return o.inbound })
}

// OutboundMessageIDs returns the ids of the default organization's outbound
// messages, newest first (the order of /v1/logs).
func (s *Server) OutboundMessageIDs() []string {
	return s.st.messageIDs(s.DefaultOrgID(), func(o *org) []int32 { return o.outboundBy[filterKey{}] })
}

// EndpointIDs returns the ids of org's live endpoints ("" is the default
// organization), oldest first (the order of GET /api/v0/webhooks).
func (s *Server) EndpointIDs(org string) []string {
	if org == "" {
		org = s.DefaultOrgID()
	}
	return s.st.endpointIDs(org)
}

// messageIDs is the ids of the sorted messages that of picks from org,
// newest first.
func (s *store) messageIDs(orgID string, of func(*org) []int32) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o := s.orgRead(orgID)
	ms := of(o)
	out := make([]string, 0, len(ms))
	for i := len(ms) - 1; i >= 0; i-- {
		out = append(out, uuidString(o.msg(ms[i]).id))
	}
	return out
}

// endpointIDs is the ids of org's live endpoints, oldest first; nil for an
// unknown org.
func (s *store) endpointIDs(orgID string) []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o := s.orgs[orgID]
	if o == nil {
		return nil
	}
	var out []string
	for _, ep := range o.liveEndpoints() {
		out = append(out, ep.id)
	}
	return out
}
