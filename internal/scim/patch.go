package scim

import (
	"net/http"
	"slices"
	"strings"

	"github.com/mentorvault/mentorvault/internal/service"
)

// patchOp is one operation of a PatchOp request (RFC 7644 §3.5.2). Op is
// lower-cased: Entra ID sends "Replace", Okta "replace".
type patchOp struct {
	Op    string
	Path  string
	Value any
	has   bool // a value was sent
}

// readPatch decodes a PatchOp body.
func readPatch(r *http.Request) ([]patchOp, error) {
	m, err := readBody(r)
	if err != nil {
		return nil, err
	}
	if s, ok := attr(m, "schemas"); ok {
		list, _ := s.([]any)
		if !slices.ContainsFunc(list, func(v any) bool { x, _ := v.(string); return strings.EqualFold(x, SchemaPatch) }) {
			return nil, badRequest("invalidSyntax", "schemas must include %s", SchemaPatch)
		}
	}
	raw, _ := attr(m, "Operations")
	list, ok := raw.([]any)
	if !ok || len(list) == 0 {
		return nil, badRequest("invalidSyntax", "Operations must be a list of at least one operation")
	}
	ops := make([]patchOp, 0, len(list))
	for _, o := range list {
		om, ok := o.(map[string]any)
		if !ok {
			return nil, badRequest("invalidSyntax", "each operation must be an object with op, path and value")
		}
		var p patchOp
		opv, _ := attr(om, "op")
		op, _ := opv.(string)
		p.Op = strings.ToLower(strings.TrimSpace(op))
		if p.Op != "add" && p.Op != "replace" && p.Op != "remove" {
			return nil, badRequest("invalidSyntax", "op must be add, replace or remove, not %q", op)
		}
		if pv, ok := attr(om, "path"); ok && pv != nil {
			ps, ok := pv.(string)
			if !ok {
				return nil, badRequest("invalidPath", "path must be a string")
			}
			p.Path = strings.TrimSpace(ps)
		}
		p.Value, p.has = attr(om, "value")
		if p.Op != "remove" && !p.has {
			return nil, badRequest("invalidValue", "a %s operation needs a value", p.Op)
		}
		if p.Op == "remove" && p.Path == "" {
			return nil, badRequest("noTarget", "a remove operation needs a path")
		}
		ops = append(ops, p)
	}
	return ops, nil
}

// path is a parsed attribute path: attr[filter].sub (RFC 7644 §3.10),
// with any schema URN prefix taken off the core attributes.
type path struct {
	Attr   string // as written (the enterprise manager keeps its URN)
	Filter *filterEq
	Sub    string
}

func parsePath(s string) (path, error) {
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, strings.ToLower(SchemaEnterprise)+":"):
		return path{Attr: s}, nil
	case strings.HasPrefix(lower, strings.ToLower(SchemaUser)+":"):
		s = s[len(SchemaUser)+1:]
	case strings.HasPrefix(lower, strings.ToLower(SchemaGroup)+":"):
		s = s[len(SchemaGroup)+1:]
	}
	var p path
	if i := strings.IndexByte(s, '['); i >= 0 {
		j := strings.LastIndexByte(s, ']')
		if j < i {
			return p, badRequest("invalidPath", "the path %q has an unclosed [", s)
		}
		f, err := parseFilter(s[i+1:j], "type", "value", "primary")
		if err != nil {
			if strings.Contains(strings.ToLower(s[i+1:j]), "primary eq true") {
				f = filterEq{Attr: "primary", Value: "true"}
			} else {
				return p, badRequest("invalidPath", "the path %q has a filter this server does not support", s)
			}
		}
		p.Attr, p.Filter = s[:i], &f
		rest := s[j+1:]
		if rest != "" {
			if rest[0] != '.' {
				return p, badRequest("invalidPath", "the path %q is not valid", s)
			}
			p.Sub = rest[1:]
		}
	} else {
		p.Attr = s
	}
	if p.Attr == "" || strings.ContainsAny(p.Attr, " \"") {
		return p, badRequest("invalidPath", "the path %q is not valid", s)
	}
	return p, nil
}

// patchUser applies the operations to u in order.
func patchUser(u *service.SCIMUser, ops []patchOp) error {
	for _, op := range ops {
		if op.Path == "" {
			m, ok := op.Value.(map[string]any)
			if !ok {
				return badRequest("invalidValue", "an operation without a path needs an object of attributes as its value")
			}
			for k, v := range m {
				if strings.EqualFold(k, "id") {
					if s, _ := v.(string); s == u.ID {
						continue
					}
				}
				if err := setUserAttr(u, k, v, true); err != nil {
					return err
				}
			}
			continue
		}
		p, err := parsePath(op.Path)
		if err != nil {
			return err
		}
		if p.Filter != nil {
			if !strings.EqualFold(p.Attr, "emails") {
				return badRequest("invalidPath", "the path %q is not supported for a user", op.Path)
			}
			// mentorvault keeps one address: whichever email the filter
			// picks (Entra ID sends emails[type eq "work"].value) is it.
			switch {
			case op.Op == "remove":
				u.Email = ""
			case strings.EqualFold(p.Sub, "value"):
				s, err := str("emails.value", op.Value)
				if err != nil {
					return err
				}
				u.Email = s
			case p.Sub == "":
				m, ok := op.Value.(map[string]any)
				if !ok {
					return badRequest("invalidValue", "emails must be an object with a value")
				}
				val, _ := attr(m, "value")
				s, err := str("emails.value", val)
				if err != nil {
					return err
				}
				u.Email = s
			}
			continue
		}
		name := p.Attr
		if p.Sub != "" {
			name += "." + p.Sub
		}
		var v any
		if op.Op != "remove" {
			v = op.Value
		} else if strings.EqualFold(name, "active") || strings.EqualFold(name, "userName") {
			return badRequest("mutability", "%s cannot be removed", name)
		}
		if err := setUserAttr(u, name, v, true); err != nil {
			return err
		}
	}
	return nil
}

// memberIDs reads a members value: a list of {"value": id} (or one).
func memberIDs(v any) ([]string, error) {
	if m, ok := v.(map[string]any); ok {
		v = []any{m}
	}
	list, ok := v.([]any)
	if !ok {
		return nil, badRequest("invalidValue", "members must be a list of objects with a value")
	}
	var ids []string
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, badRequest("invalidValue", "members must be a list of objects with a value")
		}
		val, _ := attr(m, "value")
		s, err := str("members.value", val)
		if err != nil {
			return nil, err
		}
		ids = append(ids, s)
	}
	return ids, nil
}

func setGroupAttr(g *service.SCIMGroupInput, op, name string, v any) error {
	switch strings.ToLower(name) {
	case "displayname":
		if op == "remove" {
			return badRequest("mutability", "displayName cannot be removed")
		}
		s, err := str("displayName", v)
		g.DisplayName = s
		return err
	case "externalid":
		s, err := str("externalId", v)
		g.ExternalID = s
		return err
	case "members":
		if op == "remove" && v == nil {
			g.Members = nil
			return nil
		}
		ids, err := memberIDs(v)
		if err != nil {
			return err
		}
		switch op {
		case "replace":
			g.Members = ids
		case "add":
			for _, id := range ids {
				if !slices.Contains(g.Members, id) {
					g.Members = append(g.Members, id)
				}
			}
		case "remove":
			g.Members = slices.DeleteFunc(g.Members, func(m string) bool { return slices.Contains(ids, m) })
		}
		return nil
	case "id", "meta", "schemas":
		return nil
	}
	return nil // an attribute mentorvault does not keep
}

// patchGroup applies the operations to g in order.
func patchGroup(g *service.SCIMGroupInput, ops []patchOp) error {
	for _, op := range ops {
		if op.Path == "" {
			m, ok := op.Value.(map[string]any)
			if !ok {
				return badRequest("invalidValue", "an operation without a path needs an object of attributes as its value")
			}
			for k, v := range m {
				if err := setGroupAttr(g, op.Op, k, v); err != nil {
					return err
				}
			}
			continue
		}
		p, err := parsePath(op.Path)
		if err != nil {
			return err
		}
		if p.Filter != nil {
			if !strings.EqualFold(p.Attr, "members") || p.Filter.Attr != "value" || op.Op != "remove" || p.Sub != "" {
				return badRequest("invalidPath", "the path %q is not supported for a group (members[value eq \"id\"] only, to remove)", op.Path)
			}
			g.Members = slices.DeleteFunc(g.Members, func(m string) bool { return m == p.Filter.Value })
			continue
		}
		v := op.Value
		if op.Op == "remove" && !op.has {
			v = nil
		}
		if err := setGroupAttr(g, op.Op, p.Attr, v); err != nil {
			return err
		}
	}
	return nil
}
