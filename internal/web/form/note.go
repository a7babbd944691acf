package form

import (
	"net/url"

	"github.com/mentorvault/mentorvault"
)

// Note is a note as written: its body and who may read it.
type Note struct {
	Body       string
	Visibility mentorvault.Visibility
}

// ParseNote reads a note's form (body, visibility); the service judges both.
func ParseNote(v url.Values) (Note, Problems) {
	return Note{Body: v.Get("body"), Visibility: mentorvault.Visibility(v.Get("visibility"))}, nil
}
