package form_test

import (
	"net/url"
	"testing"

	"github.com/mentorvault/mentorvault/internal/web/form"
)

func TestParsePasswordChange(t *testing.T) {
	in, p := form.ParsePasswordChange(url.Values{"current_password": {"old one"}, "new_password": {"new one!"}, "confirm_password": {"new one!"}})
	if p != nil || in.Current != "old one" || in.New != "new one!" {
		t.Fatalf("%+v %v", in, p)
	}
	if _, p := form.ParsePasswordChange(url.Values{"current_password": {"old one"}, "new_password": {"new one!"}, "confirm_password": {"new one?"}}); p["confirm_password"] == "" {
		t.Fatalf("differing new passwords: %v", p)
	}
	if _, p := form.ParsePasswordChange(url.Values{}); p["current_password"] == "" || p["new_password"] == "" {
		t.Fatalf("an empty form: %v", p)
	}
}

func FuzzParsePasswordChange(f *testing.F) {
	f.Add("old", "new", "new")
	f.Add("", "\x00", "x")
	f.Fuzz(func(t *testing.T, current, next, confirm string) {
		in, p := form.ParsePasswordChange(url.Values{"current_password": {current}, "new_password": {next}, "confirm_password": {confirm}})
		keysIn(t, p, "current_password", "new_password", "confirm_password")
		if p == nil && (in.Current != current || in.New != next || next != confirm) {
			t.Fatalf("accepted %+v from %q %q %q", in, current, next, confirm)
		}
	})
}
