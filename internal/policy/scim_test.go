package policy_test

import (
	"testing"

	"github.com/mentorvault/mentorvault/internal/policy"
)

// A SCIM client is its own kind of principal (Cedar's ScimClient): it may
// provision the people of the organisation that made it (scim.provision on
// the Org and on its Persons) and nothing else — no action on any other
// resource of the matrix, nothing at all in another organisation, and no
// policy errors on the way.
func TestSCIMClientPrincipal(t *testing.T) {
	a := mustNew(t)
	client := policy.Subject{SCIMClientID: "entra", OrgID: acme}
	other := policy.Subject{SCIMClientID: "okta-globex", OrgID: globex}
	allowed := map[string]bool{}
	for _, res := range []policy.Resource{policy.Org{ID: acme}, personHeidi, personGrace} {
		allowed[key(res)] = true
	}
	seen := map[string]bool{}
	for _, tb := range matrix {
		if seen[key(tb.resource)] {
			continue
		}
		seen[key(tb.resource)] = true
		for _, act := range policy.Actions {
			want := act == policy.Provision && allowed[key(tb.resource)]
			check(t, a, client, act, tb.resource, want)
			if k := key(tb.resource); k != "org:globex" && k != "person:oscar" {
				check(t, a, other, act, tb.resource, false)
			}
		}
	}
	for _, res := range []policy.Resource{policy.Org{ID: globex}, personOther} {
		check(t, a, other, policy.Provision, res, true)
		check(t, a, client, policy.Provision, res, false)
	}
	// Managing clients is the org admin's, never a client's own.
	check(t, a, client, policy.ManageSCIM, policy.Org{ID: acme}, false)
}

func key(r policy.Resource) string {
	switch r := r.(type) {
	case policy.Org:
		return "org:" + r.ID
	case policy.Person:
		return "person:" + r.ID
	}
	return ""
}
