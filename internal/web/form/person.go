package form

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/mentorvault/mentorvault"
)

// Person is the add-a-person and edit-a-person form: the line manager is
// given by email (blank for none). The service judges every value.
type Person struct {
	Name, Email, ManagerEmail string
}

// ParsePerson reads the person form. It adds nothing to judge: the service
// validates the name, the email and the manager.
func ParsePerson(v url.Values) (Person, Problems) {
	return Person{Name: v.Get("name"), Email: v.Get("email"), ManagerEmail: strings.TrimSpace(v.Get("manager_email"))}, nil
}

// ParsePeopleQuery reads the people list's query: the search and where the
// page starts (blank is 0; anything but a number from 0 is a problem of
// "offset").
func ParsePeopleQuery(v url.Values) (q string, offset int, p Problems) {
	p = Problems{}
	if s := strings.TrimSpace(v.Get("offset")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			p["offset"] = "The page must be a number, 0 or more."
		} else {
			offset = n
		}
	}
	return v.Get("q"), offset, p
}

// ParseSetPassword reads the set-your-password form of an invitation: the
// password typed twice must match (the service judges the password).
func ParseSetPassword(v url.Values) (string, Problems) {
	p := Problems{}
	pw := v.Get("password")
	if msg := mentorvault.TextProblem(pw, false); msg != "" {
		p["password"] = "The password " + msg + "."
	}
	if msg := mentorvault.TextProblem(v.Get("confirm"), false); msg != "" {
		p["confirm"] = "The password " + msg + "."
	} else if pw != v.Get("confirm") {
		p["confirm"] = "The two passwords are not the same; type the same password twice."
	}
	return pw, p
}
