package form_test

import (
	"net/url"
	"testing"

	"github.com/mentorvault/mentorvault/internal/web/form"
)

// keysIn fails t unless every problem is keyed by one of the form's fields.
func keysIn(t *testing.T, p form.Problems, fields ...string) {
	t.Helper()
	for k := range p {
		known := false
		for _, f := range fields {
			known = known || f == k
		}
		if !known {
			t.Fatalf("problem keyed %q, not a field of the form %v", k, fields)
		}
	}
}

func values(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}
