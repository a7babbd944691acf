package form

import "net/url"

// PasswordChange is the change-password form: the current password and
// the new one, typed twice.
type PasswordChange struct {
	Current, New string
}

// ParsePasswordChange reads current_password, new_password and
// confirm_password; the two new ones must match. Whether the current one is
// right and the new one is good enough the service judges.
func ParsePasswordChange(v url.Values) (PasswordChange, Problems) {
	out := PasswordChange{Current: v.Get("current_password"), New: v.Get("new_password")}
	p := Problems{}
	if out.Current == "" {
		p["current_password"] = "Enter your current password."
	}
	if out.New == "" {
		p["new_password"] = "Enter a new password."
	} else if v.Get("confirm_password") != out.New {
		p["confirm_password"] = "The two new passwords differ; type the same one twice."
	}
	if len(p) == 0 {
		p = nil
	}
	return out, p
}
