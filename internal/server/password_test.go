package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestWebChangePassword changes a password on the settings page: a wrong
// current password, a short and a breached new one are refused with the
// reason; on success this browser stays signed in and another browser's
// session (a replayed cookie) no longer works.
func TestWebChangePassword(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f := startFixture(t, mvtest.New(t, b.Open(t)))
			here, other := newWeb(t, f.ts.URL), newWeb(t, f.ts.URL)
			csrf := here.login("bob@northwind.example")
			other.login("bob@northwind.example")
			for _, tc := range []struct {
				name, current, next string
				status              int
				says                string
			}{
				{"wrong current password", "not-my-password", "a brand new passphrase", http.StatusBadRequest, "is not your current password"},
				{"too short", demo.Password, "short", http.StatusBadRequest, "at least 10 characters"},
				{"breached", demo.Password, "Password1234", http.StatusBadRequest, "known from breaches"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					st, body := here.post("/settings/password", url.Values{"csrf_token": {csrf}, "current_password": {tc.current}, "new_password": {tc.next}, "confirm_password": {tc.next}}, nil)
					if st != tc.status || !strings.Contains(body, tc.says) {
						t.Fatalf("%d, want %d saying %q", st, tc.status, tc.says)
					}
				})
			}
			st, _ := here.post("/settings/password", url.Values{"csrf_token": {csrf}, "current_password": {demo.Password}, "new_password": {"a brand new passphrase"}, "confirm_password": {"a brand new passphrase"}}, nil)
			if st != http.StatusSeeOther {
				t.Fatalf("change: %d", st)
			}
			if st, body := here.get("/settings/password?done=changed"); st != http.StatusOK || !strings.Contains(body, "Your password is changed") {
				t.Fatalf("this browser after the change: %d", st)
			}
			if st, _ := other.get("/settings"); st != http.StatusSeeOther {
				t.Fatalf("the other browser's session after the change: %d, want a redirect to sign in", st)
			}
		})
	}
}
