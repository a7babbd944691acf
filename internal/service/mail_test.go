package service_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/auth"
	mvmail "github.com/mentorvault/mentorvault/internal/mail"
	"github.com/mentorvault/mentorvault/internal/mail/mailtest"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

var mailOpts = &service.MailOptions{BaseURL: "https://mv.example", From: "mentoring@northwind.example"}

// mailBackends opens, per backend, a function that returns a new handle on
// one database each time it is called: the same database reopened, as
// after a restart or on a second instance.
func mailBackends(t *testing.T, f func(t *testing.T, open func() *sqlstore.DB)) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			var open func() *sqlstore.DB
			if b.Name == "sqlite" {
				path := filepath.Join(t.TempDir(), "mentorvault.db")
				open = func() *sqlstore.DB {
					db, err := sqlstore.OpenSQLite(path)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { db.Close() })
					if err := db.Migrate(ctx); err != nil {
						t.Fatal(err)
					}
					return db
				}
			} else {
				url := sqlstoretest.PostgresSchemaURL(t)
				open = func() *sqlstore.DB {
					db, err := sqlstore.OpenPostgres(ctx, url)
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { db.Close() })
					if err := db.Migrate(ctx); err != nil {
						t.Fatal(err)
					}
					return db
				}
			}
			f(t, open)
		})
	}
}

func sender(t *testing.T, srv *mailtest.Server) *mvmail.Sender {
	t.Helper()
	cfg, err := mvmail.ParseURL(srv.URL(), mailOpts.From)
	if err != nil {
		t.Fatal(err)
	}
	return mvmail.NewSender(cfg)
}

func outbox(t *testing.T, db *sqlstore.DB, f mentorvault.OutboxFilter) []*mentorvault.OutboxMessage {
	t.Helper()
	tx, err := db.BeginTx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	ms, err := tx.FindOutboxMessages(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// received is one message as the SMTP server got it, parsed back.
type received struct {
	raw      []byte
	id       string // the outbox ID, from the Message-ID
	to       string
	subject  string
	parts    map[string]string // decoded leaf parts by media type
	calendar *ical.Calendar
}

func parseReceived(t *testing.T, raw []byte) *received {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("a received message does not parse: %v\n%s", err, raw)
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	r := &received{raw: raw, subject: subj, parts: map[string]string{},
		id: strings.TrimSuffix(strings.TrimPrefix(msg.Header.Get("Message-Id"), "<"), "@mentorvault>"), to: msg.Header.Get("X-Envelope-To")}
	mimeParts(t, msg.Header.Get("Content-Type"), msg.Body, r.parts)
	if r.parts["text/plain"] == "" || r.parts["text/html"] == "" {
		t.Fatalf("message %s lacks a text or an HTML part: %v", r.id, r.parts)
	}
	if c, ok := r.parts["text/calendar"]; ok {
		if r.parts["application/ics"] != c {
			t.Fatalf("message %s: the attached .ics differs from the calendar part", r.id)
		}
		cal, err := ical.NewDecoder(strings.NewReader(c)).Decode()
		if err != nil {
			t.Fatalf("message %s: go-ical cannot parse the invitation: %v\n%s", r.id, err, c)
		}
		r.calendar = cal
	}
	return r
}

func mimeParts(t *testing.T, ctype string, body io.Reader, parts map[string]string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var rd io.Reader = p
			switch strings.ToLower(p.Header.Get("Content-Transfer-Encoding")) {
			case "base64":
				rd = base64.NewDecoder(base64.StdEncoding, p)
			case "quoted-printable":
				rd = quotedprintable.NewReader(p)
			}
			mimeParts(t, p.Header.Get("Content-Type"), rd, parts)
		}
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	parts[mt] = string(b)
}

type canaries struct {
	t    *testing.T
	list []string
}

func (c *canaries) mark(what string) string {
	b := make([]byte, 8)
	rand.Read(b)
	m := "CANARY-" + what + "-" + hex.EncodeToString(b)
	c.list = append(c.list, m)
	return m
}

// scan fails for any canary (or a concern category's words) in r, raw,
// decoded, or encoded as base64 or hex.
func (c *canaries) scan(r *received, also ...string) {
	c.t.Helper()
	texts := []string{string(r.raw), r.subject}
	for _, p := range r.parts {
		texts = append(texts, p)
	}
	all := strings.ToLower(strings.Join(texts, "\n"))
	for _, m := range append(append([]string{}, c.list...), also...) {
		forms := []string{m, hex.EncodeToString([]byte(m)), base64.StdEncoding.EncodeToString([]byte(m))}
		for off := 1; off < 3; off++ {
			e := base64.StdEncoding.EncodeToString(append(bytes.Repeat([]byte{'x'}, off), m...))
			forms = append(forms, e[4:len(e)-4])
		}
		for _, f := range forms {
			if strings.Contains(all, strings.ToLower(f)) {
				c.t.Errorf("message %s (%q) carries %q", r.id, r.subject, m)
			}
		}
	}
}

// TestMailCarriesNoContent writes canaries into every kind of content the
// moments that send email touch (notes, agendas, locations, concern
// descriptions, disclosure contents, hows and recipients), triggers those
// moments, sends the outbox through a real SMTP server and scans every byte
// it received: no canary and no concern category appears, every message
// has a text and an HTML part, and each meeting travels as an iMIP
// invitation whose UID stays and whose SEQUENCE grows, with METHOD:CANCEL
// for the cancellation and neither agenda nor location.
func TestMailCarriesNoContent(t *testing.T) {
	eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
		srv := mailtest.Start(t)
		c := &canaries{t: t}
		alice, bob := e.As("alice"), e.As("bob")
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		_, err := e.Svc.CreateNote(ctx, alice, e.Rel.ID, "Shared "+c.mark("note"), mentorvault.VisibilityShared)
		must(err)
		start := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Hour)
		m, err := e.Svc.ScheduleMeeting(ctx, alice, e.Rel.ID, service.MeetingInput{StartsAt: start, Minutes: 45, Location: "Room " + c.mark("location"), Agenda: "Agenda " + c.mark("agenda")})
		must(err)
		_, err = e.Svc.RescheduleMeeting(ctx, alice, e.Rel.ID, m.ID, service.MeetingInput{StartsAt: start.Add(time.Hour), Minutes: 30, Location: "Room " + c.mark("location"), Agenda: "Agenda " + c.mark("agenda")})
		must(err)
		_, err = e.Svc.CancelMeeting(ctx, alice, e.Rel.ID, m.ID)
		must(err)
		concern, err := e.Svc.RaiseConcern(ctx, bob, e.Rel.ID, mentorvault.ConcernUnlawful, "Concern "+c.mark("concern"), false)
		must(err)
		_, err = e.Svc.FileDisclosureNotice(ctx, bob, e.Rel.ID, concern.ID, service.DisclosureInput{RecipientName: "Name " + c.mark("recipient"),
			How: "How " + c.mark("how"), Content: "Disclosure " + c.mark("disclosure"), EffectiveAt: time.Now().Add(200 * time.Hour).UTC().Truncate(time.Minute)})
		must(err)
		_, err = e.Svc.Transition(ctx, e.As("judy"), e.Proposed.ID, mentorvault.ActAccept)
		must(err)
		prop, err := e.Svc.ProposeRelationship(ctx, e.As("heidi"), service.ProposeInput{OtherEmail: e.Users["carol"].Email, MyRole: "mentee"})
		must(err)
		_, err = e.Svc.Transition(ctx, e.As("carol"), prop.ID, mentorvault.ActDecline)
		must(err)
		_, err = e.Svc.Transition(ctx, alice, e.Rel.ID, mentorvault.ActPause)
		must(err)

		n, err := e.Svc.SendMail(ctx, sender(t, srv))
		must(err)
		queued := outbox(t, e.DB, mentorvault.OutboxFilter{})
		if n != len(queued) {
			t.Fatalf("sent %d of %d queued messages", n, len(queued))
		}
		byID := map[string]*mentorvault.OutboxMessage{}
		for _, q := range queued {
			if q.State != mentorvault.OutboxSent || q.SentAt == nil {
				t.Errorf("message %s (%s) is %s, sent at %v", q.ID, q.Kind, q.State, q.SentAt)
			}
			byID[q.ID] = q
		}
		raws := srv.Wait(t, n)
		if len(raws) != n {
			t.Fatalf("the SMTP server received %d messages, %d were sent", len(raws), n)
		}
		kinds := map[string]int{}
		var invites []*received
		for _, raw := range raws {
			r := parseReceived(t, raw)
			q := byID[r.id]
			if q == nil {
				t.Fatalf("received a message the outbox does not know: %s", r.id)
			}
			c.scan(r, "unlawful", "danger", "safeguarding", "misconduct")
			if !strings.Contains(r.parts["text/plain"], "https://mv.example/") {
				t.Errorf("message %s (%s) has no link:\n%s", r.id, q.Kind, r.parts["text/plain"])
			}
			if strings.EqualFold(r.to, e.Users["bob"].Email) || q.UserID == e.Users["bob"].ID {
				kinds["bob:"+q.Kind]++
			} else {
				kinds[q.Kind]++
			}
			if r.calendar != nil {
				invites = append(invites, r)
			}
			if q.Kind == "disclosure.notice" && (!strings.Contains(r.parts["text/plain"], "Bob Baker filed a disclosure notice in your mentoring relationship. Sign in to read it before it takes effect: not before ") ||
				!strings.Contains(r.parts["text/plain"], ", and not until 72 hours after this message reached you.")) {
				t.Errorf("the disclosure notice says:\n%s", r.parts["text/plain"])
			}
		}
		for _, k := range kindsNoContent {
			if kinds[k] == 0 {
				t.Errorf("no %s message was received (got %v)", k, kinds)
			}
		}
		// The meeting's three invitations, in the order sent.
		var methods []string
		var seqs []int
		uid := m.ID + "@mentorvault"
		for _, r := range invites {
			evs := r.calendar.Events()
			if len(evs) != 1 {
				t.Fatalf("invitation with %d events", len(evs))
			}
			ev := evs[0]
			if u, _ := ev.Props.Text(ical.PropUID); u != uid {
				continue // the demo's meetings, seeded with mail on
			}
			methods = append(methods, r.calendar.Props.Get(ical.PropMethod).Value)
			seq, err := strconv.Atoi(ev.Props.Get(ical.PropSequence).Value)
			must(err)
			seqs = append(seqs, seq)
			if ev.Props.Get(ical.PropLocation) != nil || ev.Props.Get(ical.PropDescription) != nil {
				t.Errorf("the invitation carries a location or a description:\n%s", r.parts["text/calendar"])
			}
			if s, _ := ev.Props.Text(ical.PropSummary); s != "Mentoring session" {
				t.Errorf("summary %q", s)
			}
		}
		if strings.Join(methods, ",") != "REQUEST,REQUEST,CANCEL" || len(seqs) != 3 || !(seqs[0] < seqs[1] && seqs[1] < seqs[2]) {
			t.Errorf("invitations: methods %v, sequences %v", methods, seqs)
		}
		if n, err := e.Svc.SendMail(ctx, sender(t, srv)); err != nil || n != 0 {
			t.Errorf("a second run sent %d (%v)", n, err)
		}
	})
}

// kindsNoContent are the kinds TestMailCarriesNoContent must receive
// ("bob:" for a message to bob).
var kindsNoContent = []string{"bob:meeting.changed", "bob:meeting.cancelled", "concern.raised", "disclosure.notice",
	"relationship.accepted", "relationship.proposed", "relationship.declined", "bob:relationship.paused"}

// kindsNoContentMore are the kinds TestMailCarriesNoContentMore must receive.
var kindsNoContentMore = []string{mentorvault.NotifyCommitmentPropose, mentorvault.NotifyFeedbackRequested, "input.requested",
	"statement.submitted", "statement.released", "consultation.started", "consultation.message",
	mentorvault.NotifyMeetingUpcoming, mentorvault.NotifyCommitmentDue, mentorvault.NotifyRelationshipClosed}

func eachMailBackend(t *testing.T, f func(t *testing.T, e *mvtest.Env)) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			f(t, mvtest.NewWithOptions(t, b.Open(t), service.Options{Mail: mailOpts}))
		})
	}
}

// newService is a second service (another instance, or the same after a
// restart) over db, with e's keys.
func newService(t *testing.T, e *mvtest.Env, db *sqlstore.DB) *service.Service {
	t.Helper()
	return newServiceWith(t, e, db, service.Options{Mail: mailOpts})
}

// newServiceWith is newService with opts.
func newServiceWith(t *testing.T, e *mvtest.Env, db *sqlstore.DB, opts service.Options) *service.Service {
	t.Helper()
	authz, err := policy.New()
	if err != nil {
		t.Fatal(err)
	}
	opts.PasswordParams = auth.TestParams
	svc, err := service.New(db, authz, e.Keys, opts)
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// queueMeetings schedules n meetings alice–bob, each an email to bob.
func queueMeetings(t *testing.T, e *mvtest.Env, n int) {
	t.Helper()
	for i := range n {
		if _, err := e.Svc.ScheduleMeeting(ctx, e.As("alice"), e.Rel.ID, service.MeetingInput{StartsAt: time.Now().Add(time.Duration(48+i) * time.Hour), Minutes: 30}); err != nil {
			t.Fatal(err)
		}
	}
}

// onceEach fails unless the server received every queued message exactly
// once, and nothing else.
func onceEach(t *testing.T, db *sqlstore.DB, srv *mailtest.Server) {
	t.Helper()
	queued := outbox(t, db, mentorvault.OutboxFilter{})
	srv.Wait(t, len(queued))
	time.Sleep(100 * time.Millisecond) // anything more would show now
	raws := srv.Messages(t)
	seen := map[string]int{}
	for _, raw := range raws {
		seen[parseReceived(t, raw).id]++
	}
	for _, q := range queued {
		if seen[q.ID] != 1 || q.State != mentorvault.OutboxSent {
			t.Errorf("message %s (%s): received %d times, %s", q.ID, q.Kind, seen[q.ID], q.State)
		}
		delete(seen, q.ID)
	}
	if len(seen) > 0 || len(raws) != len(queued) {
		t.Errorf("received %d messages for %d queued (unknown: %v)", len(raws), len(queued), seen)
	}
}

// TestMailOutboxSurvivesRestart queues messages, lets a worker lease one
// and die before sending it, and restarts on the same database: the new
// instance delivers every message exactly once, the dead worker's once its
// lease ran out.
func TestMailOutboxSurvivesRestart(t *testing.T) {
	mailBackends(t, func(t *testing.T, open func() *sqlstore.DB) {
		srv := mailtest.Start(t)
		db := open()
		e := mvtest.NewWithOptions(t, db, service.Options{Mail: mailOpts})
		queueMeetings(t, e, 5)
		tx, err := db.BeginTx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		leased, err := tx.ClaimOutboxMessage(ctx, tx.Now(), tx.Now().Add(5*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		db.Close() // the instance stops with messages queued and one leased

		db2 := open()
		svc := newService(t, e, db2)
		n, err := svc.SendMail(ctx, sender(t, srv))
		if err != nil {
			t.Fatal(err)
		}
		queued := outbox(t, db2, mentorvault.OutboxFilter{})
		if n != len(queued)-1 {
			t.Fatalf("after the restart %d of %d sent; want all but the leased one", n, len(queued))
		}
		db2.SetClock(func() time.Time { return time.Now().Add(6 * time.Minute) })
		if n, err := svc.SendMail(ctx, sender(t, srv)); err != nil || n != 1 {
			t.Fatalf("after the lease ran out: sent %d (%v), want the leased message %s", n, err, leased.ID)
		}
		onceEach(t, db2, srv)
	})
}

// TestMailOutboxTwoWorkers runs two instances' workers at once on one
// database: no message is sent twice, none is left.
func TestMailOutboxTwoWorkers(t *testing.T) {
	mailBackends(t, func(t *testing.T, open func() *sqlstore.DB) {
		srv := mailtest.Start(t)
		db := open()
		e := mvtest.NewWithOptions(t, db, service.Options{Mail: mailOpts})
		queueMeetings(t, e, 20)
		a, b := newService(t, e, db), newService(t, e, open())
		var wg sync.WaitGroup
		counts := make([]int, 2)
		errs := make([]error, 2)
		for i, svc := range []*service.Service{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				counts[i], errs[i] = svc.SendMail(ctx, sender(t, srv))
			}()
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatal(errs)
		}
		t.Logf("the workers sent %v", counts)
		if total := len(outbox(t, db, mentorvault.OutboxFilter{})); counts[0]+counts[1] != total {
			t.Fatalf("sent %v of %d", counts, total)
		}
		onceEach(t, db, srv)
	})
}

// TestMailRejectedAddress has the SMTP server refuse a recipient with 550:
// the message fails without a retry, the address is marked failing, and
// the next message to it is not even tried.
func TestMailRejectedAddress(t *testing.T) {
	eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
		heidi := e.Users["heidi"]
		srv := mailtest.Start(t, heidi.Email)
		if _, err := e.Svc.SendMail(ctx, sender(t, srv)); err != nil { // the demo's
			t.Fatal(err)
		}
		before := len(srv.Messages(t))
		prop, err := e.Svc.ProposeRelationship(ctx, e.As("carol"), service.ProposeInput{OtherEmail: heidi.Email, MyRole: "mentor"})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := e.Svc.SendMail(ctx, sender(t, srv)); err != nil || n != 0 {
			t.Fatalf("sent %d (%v) to a refused address", n, err)
		}
		ms := outbox(t, e.DB, mentorvault.OutboxFilter{UserID: heidi.ID})
		if len(ms) != 1 || ms[0].State != mentorvault.OutboxFailed || !strings.Contains(ms[0].LastError, "550") || ms[0].Attempts != 1 {
			t.Fatalf("heidi's message: %+v", ms)
		}
		tx, err := e.DB.BeginTx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		f, err := tx.FindMailFailure(ctx, heidi.Email)
		tx.Rollback()
		if err != nil || !strings.Contains(f.Reason, "550") {
			t.Fatalf("heidi's address is not failing: %+v, %v", f, err)
		}
		if _, err := e.Svc.Transition(ctx, e.As("carol"), prop.ID, mentorvault.ActWithdraw); err != nil {
			t.Fatal(err)
		}
		if n, err := e.Svc.SendMail(ctx, sender(t, srv)); err != nil || n != 0 {
			t.Fatalf("sent %d (%v) to a failing address", n, err)
		}
		ms = outbox(t, e.DB, mentorvault.OutboxFilter{UserID: heidi.ID})
		if len(ms) != 2 || ms[1].State != mentorvault.OutboxFailed || ms[1].LastError != "the address is failing" {
			t.Fatalf("heidi's second message: %+v", ms[1])
		}
		if got := len(srv.Messages(t)); got != before {
			t.Fatalf("the server received %d messages, want %d", got, before)
		}
		// Heidi sees it on her settings, the org admin on the people pages.
		if v, err := e.Svc.MailSettings(ctx, e.As("heidi")); err != nil || v.Failing == nil {
			t.Errorf("heidi's settings do not show the failing address: %+v, %v", v, err)
		}
		if pv, err := e.Svc.PersonByID(ctx, e.As("grace"), heidi.ID); err != nil || pv.EmailFailingAt == nil {
			t.Errorf("the admin's view of heidi does not show the failing address: %+v, %v", pv, err)
		}
		pg, err := e.Svc.People(ctx, e.As("grace"), service.PeopleFilter{})
		if err != nil || !pg.MailOn {
			t.Fatal(pg, err)
		}
		for _, v := range pg.People {
			if (v.ID == heidi.ID) != (v.EmailFailingAt != nil) {
				t.Errorf("people list: %s failing at %v", v.Name, v.EmailFailingAt)
			}
		}
	})
}

// flaky fails every send with a temporary error.
type flaky struct{ calls int }

func (f *flaky) Send(context.Context, *mvmail.Message) error {
	f.calls++
	return errors.New("421 4.3.2 try again later")
}

// TestMailRetryBackoff fails a message twice: it waits 1 then 2 minutes
// before each retry, is not tried before then, and is sent once the
// server takes it.
func TestMailRetryBackoff(t *testing.T) {
	eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
		srv := mailtest.Start(t)
		if _, err := e.Svc.SendMail(ctx, sender(t, srv)); err != nil { // the demo's
			t.Fatal(err)
		}
		now := time.Now().UTC().Truncate(time.Second)
		e.DB.SetClock(func() time.Time { return now })
		queueMeetings(t, e, 1)
		f := &flaky{}
		for i, wait := range []time.Duration{time.Minute, 2 * time.Minute} {
			if n, _ := e.Svc.SendMail(ctx, f); n != 0 || f.calls != i+1 {
				t.Fatalf("attempt %d: sent %d, %d calls", i+1, n, f.calls)
			}
			ms := outbox(t, e.DB, mentorvault.OutboxFilter{State: mentorvault.OutboxPending})
			if len(ms) != 1 || ms[0].Attempts != i+1 || !ms[0].RunAt.Equal(now.Add(wait)) || ms[0].LeaseUntil != nil {
				t.Fatalf("attempt %d: %+v", i+1, ms)
			}
			if n, _ := e.Svc.SendMail(ctx, f); n != 0 || f.calls != i+1 {
				t.Fatalf("retried before the backoff: %d calls", f.calls)
			}
			now = now.Add(wait)
		}
		if n, err := e.Svc.SendMail(ctx, sender(t, srv)); err != nil || n != 1 {
			t.Fatalf("after the backoff: sent %d (%v)", n, err)
		}
	})
}

// TestMailDigest asks for meeting messages in a daily digest: they wait,
// and the digest job sends one message that lists them at 08:00 (bob's
// zone is UTC), not before.
func TestMailDigest(t *testing.T) {
	eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
		srv := mailtest.Start(t)
		bob := e.Users["bob"]
		if _, err := e.Svc.SendMail(ctx, sender(t, srv)); err != nil { // the demo's
			t.Fatal(err)
		}
		before := len(srv.Messages(t))
		clk := newTicker(e)
		morning := time.Now().UTC().Truncate(24 * time.Hour).Add(24*time.Hour + 7*time.Hour) // 07:00 tomorrow
		clk.set(morning, 0)
		if err := e.Svc.UpdateMailSettings(ctx, e.As("bob"), service.MailSettingsUpdate{Modes: map[string]string{mentorvault.NotifyMeetingChanged: mentorvault.MailDigest}}); err != nil {
			t.Fatal(err)
		}
		queueMeetings(t, e, 3)
		if n, err := e.Svc.SendMail(ctx, sender(t, srv)); err != nil || n != 0 {
			t.Fatalf("sent %d (%v) of digest messages at once", n, err)
		}
		if err := e.Svc.ScheduleDigest(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.RunDueJobs(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := e.Svc.SendMail(ctx, sender(t, srv)); err != nil || n != 0 {
			t.Fatalf("the digest went out at 07:00: sent %d (%v)", n, err)
		}
		clk.set(morning.Add(time.Hour), 0) // 08:00
		if _, err := e.Svc.RunDueJobs(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := e.Svc.SendMail(ctx, sender(t, srv)); err != nil || n != 1 {
			t.Fatalf("the digest: sent %d (%v)", n, err)
		}
		raws := srv.Wait(t, before+1)
		r := parseReceived(t, raws[len(raws)-1])
		if !strings.EqualFold(r.to, bob.Email) || !strings.Contains(r.subject, "3 updates") ||
			strings.Count(r.parts["text/plain"], "scheduled or changed a mentoring meeting") != 3 {
			t.Fatalf("digest to %s: %q\n%s", r.to, r.subject, r.parts["text/plain"])
		}
		if ms := outbox(t, e.DB, mentorvault.OutboxFilter{State: mentorvault.OutboxDigest}); len(ms) != 0 {
			t.Fatalf("%d messages still wait for a digest", len(ms))
		}
	})
}

// TestMailPreferences refuses to turn off or delay a mandatory kind, and
// an unknown kind or mode; a kind turned off queues nothing; the time zone
// chosen is the one messages show times in.
func TestMailPreferences(t *testing.T) {
	eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
		bob := e.As("bob")
		set := func(kind, mode string) error {
			return e.Svc.UpdateMailSettings(ctx, bob, service.MailSettingsUpdate{Modes: map[string]string{kind: mode}})
		}
		for _, tc := range []struct{ kind, mode, field string }{
			{"disclosure.notice", mentorvault.MailOff, "modes.disclosure.notice"},
			{"statement.submitted", mentorvault.MailDigest, "modes.statement.submitted"},
			{"invitation", mentorvault.MailOff, "modes.invitation"},
			{"no.such.kind", mentorvault.MailOff, "modes"},
			{mentorvault.NotifyMeetingChanged, "weekly", "modes.meeting.changed"},
		} {
			err := set(tc.kind, tc.mode)
			if mentorvault.ErrorCode(err) != mentorvault.EINVALID || mentorvault.ErrorFields(err)[tc.field] == "" {
				t.Errorf("%s → %s: %v", tc.kind, tc.mode, err)
			}
		}
		zone := func(tz string) error {
			return e.Svc.UpdateMailSettings(ctx, bob, service.MailSettingsUpdate{TimeZone: &tz})
		}
		if err := zone("Mars/Olympus"); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Errorf("unknown zone: %v", err)
		}
		if err := zone("Asia/Tokyo"); err != nil {
			t.Fatal(err)
		}
		before := len(outbox(t, e.DB, mentorvault.OutboxFilter{UserID: e.Users["bob"].ID}))
		queueMeetings(t, e, 1)
		ms := outbox(t, e.DB, mentorvault.OutboxFilter{UserID: e.Users["bob"].ID})
		if len(ms) != before+1 || !strings.Contains(ms[len(ms)-1].Text, "JST") || !strings.Contains(ms[len(ms)-1].Calendar, "TZID=Asia/Tokyo") {
			t.Fatalf("the message does not show Tokyo time:\n%s\n%s", ms[len(ms)-1].Text, ms[len(ms)-1].Calendar)
		}
		if err := set(mentorvault.NotifyMeetingChanged, mentorvault.MailOff); err != nil {
			t.Fatal(err)
		}
		queueMeetings(t, e, 1)
		if n := len(outbox(t, e.DB, mentorvault.OutboxFilter{UserID: e.Users["bob"].ID})); n != before+1 {
			t.Fatalf("a kind turned off queued a message (%d, want %d)", n, before+1)
		}
		v, err := e.Svc.MailSettings(ctx, bob)
		if err != nil || !v.MailOn || v.TimeZone != "Asia/Tokyo" || v.Address != e.Users["bob"].Email {
			t.Fatalf("settings: %+v, %v", v, err)
		}
		for _, k := range v.Kinds {
			want := mentorvault.MailImmediate
			if k.Kind == mentorvault.NotifyMeetingChanged {
				want = mentorvault.MailOff
			}
			if k.Mode != want {
				t.Errorf("%s: %s, want %s", k.Kind, k.Mode, want)
			}
		}
	})
}

// TestMailInvitation adds a person with mail on: the invitation link goes
// to them by email, and the outbox holds it only sealed while it waits and
// not at all once it is sent.
func TestMailInvitation(t *testing.T) {
	eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
		srv := mailtest.Start(t)
		if _, err := e.Svc.SendMail(ctx, sender(t, srv)); err != nil { // the demo's
			t.Fatal(err)
		}
		before := len(srv.Messages(t))
		pv, link, err := e.Svc.AddPerson(ctx, e.As("grace"), service.NewPerson{Name: "Ivy New", Email: "ivy.new@northwind.example"})
		if err != nil {
			t.Fatal(err)
		}
		ms := outbox(t, e.DB, mentorvault.OutboxFilter{UserID: pv.ID})
		if len(ms) != 1 || ms[0].Kind != "invitation" || len(ms[0].Secret) == 0 || len(ms[0].SecretKey) == 0 {
			t.Fatalf("queued: %+v", ms)
		}
		for _, f := range []string{ms[0].Text, ms[0].HTML, ms[0].Link, ms[0].Subject, string(ms[0].Secret)} {
			if strings.Contains(f, link.Token) {
				t.Fatalf("the outbox holds the invitation token in the clear: %q", f)
			}
		}
		if n, err := e.Svc.SendMail(ctx, sender(t, srv)); err != nil || n != 1 {
			t.Fatalf("sent %d (%v)", n, err)
		}
		raws := srv.Wait(t, before+1)
		r := parseReceived(t, raws[len(raws)-1])
		want := "https://mv.example/invite/" + link.Token
		if !strings.Contains(r.parts["text/plain"], want) || !strings.Contains(r.parts["text/html"], want) || strings.Contains(string(r.raw), mvmail.SecretLinkMark) {
			t.Fatalf("the invitation does not carry its link %s:\n%s", want, r.parts["text/plain"])
		}
		if !strings.Contains(r.parts["text/plain"], "Grace Green invited you") {
			t.Errorf("the invitation does not say who invited:\n%s", r.parts["text/plain"])
		}
		ms = outbox(t, e.DB, mentorvault.OutboxFilter{UserID: pv.ID})
		if ms[0].State != mentorvault.OutboxSent || ms[0].Secret != nil || ms[0].SecretKey != nil {
			t.Fatalf("after sending, the sealed link is kept: %+v", ms[0])
		}
	})
}

// failing is a notifier that fails, after the email is queued, so the
// event's transaction rolls back.
type failing struct{}

func (failing) Notify(context.Context, mentorvault.Tx, *mentorvault.Notification) error {
	return errors.New("the notifier broke")
}

// TestMailRolledBack makes an event's transaction fail after its email was
// queued: the operation fails and no email is left queued; the same
// operation that commits queues one.
func TestMailRolledBack(t *testing.T) {
	for _, b := range sqlstoretest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			db := b.Open(t)
			e := mvtest.NewWithOptions(t, db, service.Options{Mail: mailOpts})
			bob := e.Users["bob"].ID
			before := len(outbox(t, db, mentorvault.OutboxFilter{UserID: bob}))
			broken := newServiceWith(t, e, db, service.Options{Mail: mailOpts, Notifiers: []service.Notifier{failing{}}})
			in := service.MeetingInput{StartsAt: time.Now().Add(50 * time.Hour), Minutes: 30}
			if _, err := broken.ScheduleMeeting(ctx, e.As("alice"), e.Rel.ID, in); err == nil {
				t.Fatal("the meeting was scheduled although its notifier failed")
			}
			if n := len(outbox(t, db, mentorvault.OutboxFilter{UserID: bob})); n != before {
				t.Fatalf("a rolled-back meeting queued %d emails", n-before)
			}
			if _, err := e.Svc.ScheduleMeeting(ctx, e.As("alice"), e.Rel.ID, in); err != nil {
				t.Fatal(err)
			}
			if n := len(outbox(t, db, mentorvault.OutboxFilter{UserID: bob})); n != before+1 {
				t.Fatalf("a committed meeting queued %d emails, want 1", n-before)
			}
		})
	}
}

// TestMailCarriesNoContentMore is TestMailCarriesNoContent for the other
// moments: a commitment recorded for the other party, feedback asked, an
// input request (purpose and question), a statement needing consent and
// released (body and comment), a consultation and its reply, reminders of
// a meeting and a commitment (due soon), and closing the relationship.
func TestMailCarriesNoContentMore(t *testing.T) {
	eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
		srv := mailtest.Start(t)
		c := &canaries{t: t}
		alice, bob := e.As("alice"), e.As("bob")
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		_, err := e.Svc.CreateCommitment(ctx, alice, e.Rel.ID, service.CommitmentInput{OwnerID: e.Users["bob"].ID, Description: "Commit " + c.mark("commitment"), DueAt: time.Now().Add(24 * time.Hour)})
		must(err)
		_, err = e.Svc.CreateCommitment(ctx, alice, e.Rel.ID, service.CommitmentInput{OwnerID: e.Users["alice"].ID, Description: "Mine " + c.mark("commitment"), DueAt: time.Now().Add(24 * time.Hour)})
		must(err)
		_, err = e.Svc.RequestFeedback(ctx, alice, e.Rel.ID)
		must(err)
		req, err := e.Svc.RequestInput(ctx, e.As("frank"), e.Rel.ID, service.InputRequestInput{AskedEmail: e.Users["alice"].Email,
			Purpose: "Purpose " + c.mark("purpose"), Question: "Question " + c.mark("question"), Deadline: time.Now().Add(72 * time.Hour)})
		must(err)
		st, err := e.Svc.DraftStatement(ctx, alice, e.Rel.ID, req.ID, "Statement "+c.mark("statement"))
		must(err)
		_, err = e.Svc.SubmitStatement(ctx, alice, e.Rel.ID, st.ID)
		must(err)
		_, err = e.Svc.DecideStatement(ctx, bob, e.Rel.ID, st.ID, "approve", "Comment "+c.mark("comment"))
		must(err)
		sups, err := e.Svc.Supervisors(ctx, alice, e.Rel.ID)
		must(err)
		if len(sups) == 0 {
			t.Fatal("no supervisor")
		}
		cons, err := e.Svc.StartConsultation(ctx, alice, e.Rel.ID, sups[0].ID, "", "Consult "+c.mark("consultation"))
		must(err)
		must(e.Svc.PostConsultationMessage(ctx, e.As("erin"), cons.ID, "Reply "+c.mark("reply")))
		_, err = e.Svc.ScheduleMeeting(ctx, alice, e.Rel.ID, service.MeetingInput{StartsAt: time.Now().Add(3 * time.Hour), Minutes: 30, Agenda: "Agenda " + c.mark("agenda")})
		must(err)
		must(e.Svc.ScheduleReminders(ctx))
		_, err = e.Svc.RunDueJobs(ctx)
		must(err)
		e.CloseSettled(t, "bob", e.Rel.ID)

		n, err := e.Svc.SendMail(ctx, sender(t, srv))
		must(err)
		kinds := map[string]int{}
		byID := map[string]*mentorvault.OutboxMessage{}
		for _, q := range outbox(t, e.DB, mentorvault.OutboxFilter{}) {
			byID[q.ID] = q
		}
		for _, raw := range srv.Wait(t, n) {
			r := parseReceived(t, raw)
			c.scan(r)
			if q := byID[r.id]; q != nil {
				kinds[q.Kind]++
			}
		}
		for _, k := range kindsNoContentMore {
			if kinds[k] == 0 {
				t.Errorf("no %s message was received (got %v)", k, kinds)
			}
		}
	})
}
