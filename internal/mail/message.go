package mail

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"slices"
	"strings"
	"text/template"
)

//go:embed templates
var templateFS embed.FS

// Data is everything a message may say: who is told, who did something,
// when, and where to read it. It holds no content by construction — no
// note, agenda, statement, concern, notice text or feedback has a field
// here — so no template can show one.
type Data struct {
	Kind      string // the notification kind, e.g. "meeting.changed"
	Recipient string // the recipient's name
	Actor     string // who did it; "" when nobody did (reminders)
	When      string // a date and time in the recipient's zone, "" if none
	Link      string // the absolute address of the page to sign in to
	Hours     int    // a disclosure notice's minimum notice, in hours; 0 if none
	Count     int    // a digest's number of items
	Items     []Item // a digest's items
}

// Item is one line of a daily digest.
type Item struct {
	Sentence string
	Link     string
}

// SecretLinkMark stands in a queued message for a link that is a
// credential (an invitation's), which is kept sealed until it is sent.
const SecretLinkMark = "MENTORVAULT-SEALED-LINK"

// Message is one email, ready to send.
type Message struct {
	ID       string // the Message-ID's left part, stable per queued message
	To       string // one address
	Subject  string
	Text     string // text/plain body
	HTML     string // text/html alternative
	Calendar string // an iCalendar attachment (iMIP), "" if none
	Method   string // the calendar's METHOD (REQUEST, CANCEL)
}

var (
	kinds  = template.Must(template.New("").Option("missingkey=error").ParseFS(templateFS, "templates/kinds.tmpl"))
	text   = template.Must(template.New("").Option("missingkey=error").ParseFS(templateFS, "templates/layout.txt"))
	html   = htmltemplate.Must(htmltemplate.New("").Option("missingkey=error").ParseFS(templateFS, "templates/layout.html"))
	errNil = errors.New("mail: no data to render")
)

// Known reports whether kind has its own subject and sentence (others get
// a generic one that names nothing).
func Known(kind string) bool { return kinds.Lookup(kind+"/subject") != nil }

// Kinds lists, sorted, the kinds that have their own subject and sentence.
func Kinds() []string {
	var out []string
	for _, t := range kinds.Templates() {
		if k, ok := strings.CutSuffix(t.Name(), "/subject"); ok && k != "generic" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Render makes the subject, the plain-text body and the HTML body of d.
// An unknown kind gets the generic message.
func Render(d *Data) (subject, plain, rich string, err error) {
	if d == nil {
		return "", "", "", errNil
	}
	kind := d.Kind
	if !Known(kind) {
		kind = "generic"
	}
	exec := func(name string) (string, error) {
		var b bytes.Buffer
		if err := kinds.ExecuteTemplate(&b, name, d); err != nil {
			return "", fmt.Errorf("mail: render %s: %w", name, err)
		}
		return strings.Join(strings.Fields(b.String()), " "), nil
	}
	if subject, err = exec(kind + "/subject"); err != nil {
		return "", "", "", err
	}
	sentence, err := exec(kind + "/body")
	if err != nil {
		return "", "", "", err
	}
	page := struct {
		*Data
		Subject, Sentence string
	}{d, subject, sentence}
	var tb, hb bytes.Buffer
	if err := text.ExecuteTemplate(&tb, "layout.txt", page); err != nil {
		return "", "", "", fmt.Errorf("mail: render text: %w", err)
	}
	if err := html.ExecuteTemplate(&hb, "layout.html", page); err != nil {
		return "", "", "", fmt.Errorf("mail: render html: %w", err)
	}
	return subject, tb.String(), hb.String(), nil
}

// Sentence is the one sentence that says what happened, as a digest lists it.
func Sentence(d *Data) (string, error) {
	kind := d.Kind
	if !Known(kind) {
		kind = "generic"
	}
	var b bytes.Buffer
	if err := kinds.ExecuteTemplate(&b, kind+"/body", d); err != nil {
		return "", fmt.Errorf("mail: render %s: %w", kind, err)
	}
	return strings.Join(strings.Fields(b.String()), " "), nil
}
