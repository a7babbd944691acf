package mentorvault

import (
	"fmt"
	"log/slog"
)

// Redacted is what a Secret shows of itself anywhere it is printed.
const Redacted = "[sealed]"

// Secret holds the plaintext of a confidential field. It exists only inside
// an authorised, audited service call. Printing it, logging it, marshalling it
// to JSON or rendering it in a template shows "[sealed]"; the only way to the
// text is Reveal, which keeps every use of plaintext explicit and greppable.
//
// The text sits behind a pointer: a struct that holds a Secret in an
// unexported field, printed with %+v or %#v, cannot reach Format through
// reflection, and fmt prints a pointer below the top level as its address,
// never what it points to.
type Secret struct {
	text *string
}

// NewSecret wraps plaintext.
func NewSecret(text string) Secret { return Secret{text: &text} }

// Reveal returns the plaintext. Call it only where the text is meant to reach
// its authorised reader (an API response body, a page the reader asked for) or
// the sealer.
func (s Secret) Reveal() string {
	if s.text == nil {
		return ""
	}
	return *s.text
}

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.Len() == 0 }

// Len returns the length of the plaintext in bytes.
func (s Secret) Len() int { return len(s.Reveal()) }

func (s Secret) String() string                { return Redacted }
func (s Secret) GoString() string              { return Redacted }
func (s Secret) LogValue() slog.Value          { return slog.StringValue(Redacted) }
func (s Secret) MarshalJSON() ([]byte, error)  { return []byte(`"` + Redacted + `"`), nil }
func (s Secret) MarshalText() ([]byte, error)  { return []byte(Redacted), nil }
func (s Secret) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(Redacted)) }
