package mentorvault

import (
	"time"
)

// Visibility of a note: private to its author, or shared with the pair.
type Visibility string

const (
	VisibilityPrivate Visibility = "private"
	VisibilityShared  Visibility = "shared"
)

// MaxNoteBytes is the largest note body accepted.
const MaxNoteBytes = 64 << 10

// Note is a piece of sealed content written in a relationship. Body is the
// plaintext, present only inside an authorised service call; BodySealed is
// the ciphertext the store keeps.
type Note struct {
	ID             string
	RelationshipID string
	AuthorID       string
	MeetingID      string // the session it belongs to, "" if none
	Visibility     Visibility
	Body           Secret
	BodySealed     []byte
	SealVersion    int  // raised by every write that seals; bound into BodySealed's associated data
	Damaged        bool // set by a list when BodySealed did not open: changed outside mentorvault; Body is empty
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// ValidateNoteInput checks a note's body and visibility. Returns EINVALID.
func ValidateNoteInput(body string, vis Visibility) error {
	fields := map[string]string{}
	if err := ValidateText("body", body, MaxNoteBytes); err != nil {
		fields["body"] = ErrorFields(err)["body"]
	}
	if vis != VisibilityPrivate && vis != VisibilityShared {
		fields["visibility"] = `must be "private" or "shared"`
	}
	if len(fields) > 0 {
		return Invalid("the note is not valid", fields)
	}
	return nil
}

// NoteFilter selects notes of one relationship. ReaderID limits the result to
// the notes that reader may see: shared notes and their own private ones.
type NoteFilter struct {
	RelationshipID string
	MeetingID      string // only the notes of this session
	ReaderID       string
	Before         string // ID cursor: notes older than this one
	Limit          int
	Offset         int // notes to skip, newest first, after the cursor
}

// NoteUpdate holds the fields of a note that can change; nil leaves a field as it is.
type NoteUpdate struct {
	Body       *string
	Visibility *Visibility
}
