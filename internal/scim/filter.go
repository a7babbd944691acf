package scim

import (
	"encoding/json"
	"strings"
)

// filterEq is a parsed filter `attribute eq "value"` (RFC 7644 §3.4.2.2):
// the only form Entra ID and Okta send to find a user or group. The
// attribute is lower-cased (attribute names are case-insensitive), and so
// is the operator.
type filterEq struct {
	Attr, Value string
}

// parseFilter parses `attr eq "value"`; the value is a JSON string.
// Anything else is invalidFilter, naming what is supported.
func parseFilter(s string, supported ...string) (filterEq, error) {
	bad := func() (filterEq, error) {
		return filterEq{}, badRequest("invalidFilter", "the filter must be one of %s followed by eq and a quoted value, such as %s eq \"x\"",
			strings.Join(supported, ", "), supported[0])
	}
	s = strings.TrimSpace(s)
	sp := strings.IndexAny(s, " \t")
	if sp < 0 {
		return bad()
	}
	name := strings.ToLower(s[:sp])
	rest := strings.TrimLeft(s[sp:], " \t")
	op, val, ok := strings.Cut(rest, " ")
	if !ok || !strings.EqualFold(op, "eq") {
		return bad()
	}
	val = strings.TrimSpace(val)
	var v string
	if len(val) < 2 || val[0] != '"' || json.Unmarshal([]byte(val), &v) != nil {
		return bad()
	}
	for _, a := range supported {
		if strings.EqualFold(a, name) {
			return filterEq{Attr: strings.ToLower(a), Value: v}, nil
		}
	}
	return bad()
}
