package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mail/mailtest"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// noticeCase is one notice alice files against bob, on a store clock the
// test moves.
type noticeCase struct {
	t   *testing.T
	e   *mvtest.Env
	clk *ticker
	t0  time.Time // when it was filed
	c   *mentorvault.Concern
	d   *mentorvault.Disclosure
}

const noticeSecret = "NOTICE-SECRET Figures are passed on to a competitor."

// fileNotice raises a concern as alice and files a notice to dave at t0,
// asking for it to take effect after exactly the minimum notice (72 h).
func fileNotice(t *testing.T, e *mvtest.Env) *noticeCase {
	t.Helper()
	nc := &noticeCase{t: t, e: e, clk: newTicker(e)}
	nc.t0 = nc.clk.Now()
	var err error
	if nc.c, err = e.Svc.RaiseConcern(ctx, e.As("alice"), e.Rel.ID, mentorvault.ConcernHarmToOrg, "Figures are passed on.", false); err != nil {
		t.Fatal(err)
	}
	nc.d, err = e.Svc.FileDisclosureNotice(ctx, e.As("alice"), e.Rel.ID, nc.c.ID, service.DisclosureInput{RecipientEmail: "dave@northwind.example",
		How: "in person", Content: noticeSecret, EffectiveAt: nc.t0.Add(72 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if nc.d.State != mentorvault.DisclosureScheduled || nc.d.Started() || nc.d.ReachedAt != nil {
		t.Fatalf("a notice just filed: %+v, want scheduled and not started", nc.d)
	}
	return nc
}

// at moves the store clock to t0 + d.
func (nc *noticeCase) at(d time.Duration) { nc.clk.set(nc.t0.Add(d), 0) }

// load reads the notice as stored.
func (nc *noticeCase) load() *mentorvault.Disclosure {
	nc.t.Helper()
	var d *mentorvault.Disclosure
	read(nc.t, nc.e, func(tx mentorvault.Tx) (err error) { d, err = tx.FindDisclosureByID(ctx, nc.d.ID); return err })
	return d
}

// jobs lists the delivery jobs of the notice.
func (nc *noticeCase) jobs() []*mentorvault.Job {
	nc.t.Helper()
	var js []*mentorvault.Job
	read(nc.t, nc.e, func(tx mentorvault.Tx) (err error) { js, err = tx.FindJobs(ctx, nc.d.ID); return err })
	return js
}

// runJobs runs the due jobs and reports whether dave has received the notice.
func (nc *noticeCase) runJobs() bool {
	nc.t.Helper()
	if _, err := nc.e.Svc.RunDueJobs(ctx); err != nil {
		nc.t.Fatal(err)
	}
	got, err := nc.e.Svc.ReceivedDisclosures(ctx, nc.e.As("dave"))
	if err != nil {
		nc.t.Fatal(err)
	}
	for _, rd := range got {
		if rd.ID == nc.d.ID {
			return true
		}
	}
	return false
}

// view is the notice as key sees it on the concern's page (opening it).
func (nc *noticeCase) view(key string) *service.DisclosureView {
	nc.t.Helper()
	v, err := nc.e.Svc.Concern(ctx, nc.e.As(key), nc.e.Rel.ID, nc.c.ID)
	if err != nil {
		nc.t.Fatal(err)
	}
	for _, d := range v.Disclosures {
		if d.ID == nc.d.ID {
			return d
		}
	}
	nc.t.Fatalf("%s does not see the notice", key)
	return nil
}

// notNotYet fails unless the notice has not started and running the jobs,
// long after its requested time, delivers nothing.
func (nc *noticeCase) notYet(after time.Duration) {
	nc.t.Helper()
	nc.at(after)
	if nc.runJobs() {
		nc.t.Fatalf("a notice that never reached bob was delivered at t0+%s", after)
	}
	d := nc.load()
	if d.State != mentorvault.DisclosureScheduled || d.Started() || d.ReachedAt != nil {
		nc.t.Fatalf("the notice at t0+%s: %s, reached %v via %q", after, d.State, d.ReachedAt, d.ReachedVia)
	}
	if js := nc.jobs(); len(js) != 0 {
		nc.t.Fatalf("a notice that has not started has %d delivery jobs", len(js))
	}
}

// deliversAt fails unless the notice is delivered at when and not a
// second before.
func (nc *noticeCase) deliversAt(when time.Time) {
	nc.t.Helper()
	nc.clk.set(when.Add(-time.Second), 0)
	if nc.runJobs() {
		nc.t.Fatalf("delivered a second before %s", when)
	}
	nc.clk.set(when, 0)
	if !nc.runJobs() {
		nc.t.Fatalf("not delivered at %s (stored: %+v)", when, nc.load())
	}
}

// started fails unless one disclosure.notice_started event of the notice was
// audited, saying via, with no content, and alice was told.
func (nc *noticeCase) started(via string) {
	nc.t.Helper()
	evs := okEvents(nc.t, nc.e, 0, "disclosure.notice_started", nc.d.ID)
	if len(evs) != 1 || !strings.Contains(evs[0].Detail, "via="+via) || strings.Contains(evs[0].Detail, "SECRET") {
		nc.t.Fatalf("start events: %+v", evs)
	}
	if !hasNotification(nc.t, nc.e, "alice", "disclosure.started") {
		nc.t.Fatal("alice was not told that her notice started")
	}
}

func hasNotification(t *testing.T, e *mvtest.Env, who, kind string) bool {
	t.Helper()
	ns, err := e.Svc.Notifications(ctx, e.As(who), service.NotificationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.Kind == kind {
			if strings.Contains(n.Text, "SECRET") {
				t.Fatalf("%s's %s notification carries content: %q", who, kind, n.Text)
			}
			return true
		}
	}
	return false
}

// TestNoticeArrives checks that a disclosure notice's minimum notice runs
// from when it reached the other party (the SMTP server accepted the
// message to them, or they opened it in the app), on a store clock.
func TestNoticeArrives(t *testing.T) {
	t.Run("undelivered: not started, the job does not deliver", func(t *testing.T) {
		eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
			nc := fileNotice(t, e)
			nc.notYet(200 * time.Hour)
			// alice sees that it has not reached bob; her opening it starts nothing.
			if r := service.NoticeReach(nc.view("alice").Disclosure, func(t time.Time) string { return t.Format(time.RFC3339) }); r != "not reached yet — the notice has not started" {
				t.Fatalf("alice is shown %q", r)
			}
			nc.notYet(201 * time.Hour)
			// A list of the concerns shows no notice: it does not start it.
			if _, err := e.Svc.Concerns(ctx, e.As("bob"), e.Rel.ID); err != nil {
				t.Fatal(err)
			}
			nc.notYet(202 * time.Hour)
			// Long past its requested time, it can still be withdrawn: it never took effect.
			if _, err := e.Svc.WithdrawDisclosure(ctx, e.As("alice"), e.Rel.ID, nc.d.ID); err != nil {
				t.Fatalf("withdraw a notice that has not started: %v", err)
			}
		})
	})

	t.Run("accepted by SMTP: effective no earlier than acceptance + minimum notice", func(t *testing.T) {
		eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
			srv := mailtest.Start(t)
			nc := fileNotice(t, e)
			nc.notYet(time.Hour)
			nc.at(10 * time.Hour) // the mail worker runs ten hours later
			if _, err := e.Svc.SendMail(ctx, sender(t, srv)); err != nil {
				t.Fatal(err)
			}
			d := nc.load()
			if d.ReachedAt == nil || !d.ReachedAt.Equal(nc.t0.Add(10*time.Hour)) || d.ReachedVia != mentorvault.ReachedByEmail {
				t.Fatalf("after the SMTP server accepted the message: reached %v via %q", d.ReachedAt, d.ReachedVia)
			}
			want := nc.t0.Add(82 * time.Hour)
			if !d.EffectiveAt.Equal(want) {
				t.Fatalf("effective at %s, want acceptance + 72 h = %s", d.EffectiveAt, want)
			}
			nc.started(mentorvault.ReachedByEmail)
			// What bob received says the notice runs from its arrival.
			found := false
			for _, raw := range srv.Messages(t) {
				r := parseReceived(t, raw)
				if strings.EqualFold(r.to, e.Users["bob"].Email) && strings.Contains(r.parts["text/plain"], "filed a disclosure notice") {
					found = true
					if !strings.Contains(r.parts["text/plain"], "not until 72 hours after this message reached you") || strings.Contains(string(raw), "SECRET") {
						t.Errorf("bob's notice message:\n%s", r.parts["text/plain"])
					}
				}
			}
			if !found {
				t.Fatal("bob's notice message was not received")
			}
			// bob opening it now changes nothing: it reached him by email first.
			if v := nc.view("bob"); v.ReachedVia != mentorvault.ReachedByEmail || !v.EffectiveAt.Equal(want) {
				t.Fatalf("bob's view after the email: via %q, effective %s", v.ReachedVia, v.EffectiveAt)
			}
			if js := nc.jobs(); len(js) != 1 || !js[0].RunAt.Equal(want) {
				t.Fatalf("delivery jobs: %+v", js)
			}
			nc.deliversAt(want)
		})
	})

	t.Run("opened in the app first: starts at the opening", func(t *testing.T) {
		eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
			srv := mailtest.Start(t)
			nc := fileNotice(t, e)
			nc.at(5 * time.Hour)
			v := nc.view("bob")
			if v.ReachedAt == nil || !v.ReachedAt.Equal(nc.t0.Add(5*time.Hour)) || v.ReachedVia != mentorvault.ReachedInApp {
				t.Fatalf("bob opened it: reached %v via %q", v.ReachedAt, v.ReachedVia)
			}
			if r := service.NoticeReach(v.Disclosure, func(t time.Time) string { return t.UTC().Format("15:04") }); !strings.HasPrefix(r, "opened in mentorvault at ") {
				t.Fatalf("shown as %q", r)
			}
			want := nc.t0.Add(77 * time.Hour)
			nc.started(mentorvault.ReachedInApp)
			// The email accepted afterwards does not move it.
			nc.at(6 * time.Hour)
			if _, err := e.Svc.SendMail(ctx, sender(t, srv)); err != nil {
				t.Fatal(err)
			}
			if d := nc.load(); d.ReachedVia != mentorvault.ReachedInApp || !d.ReachedAt.Equal(nc.t0.Add(5*time.Hour)) || !d.EffectiveAt.Equal(want) {
				t.Fatalf("after the email: %+v", d)
			}
			if evs := okEvents(t, e, 0, "disclosure.notice_started", nc.d.ID); len(evs) != 1 {
				t.Fatalf("%d start events, want 1", len(evs))
			}
			nc.deliversAt(want)
		})
	})

	t.Run("a later requested time stands", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, e *mvtest.Env) {
			clk := newTicker(e)
			t0 := clk.Now()
			c, err := e.Svc.RaiseConcern(ctx, e.As("alice"), e.Rel.ID, mentorvault.ConcernHarmToOrg, "Figures.", false)
			if err != nil {
				t.Fatal(err)
			}
			d, err := e.Svc.FileDisclosureNotice(ctx, e.As("alice"), e.Rel.ID, c.ID, service.DisclosureInput{RecipientName: "Site security",
				How: "phone", Content: "x", EffectiveAt: t0.Add(100 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			clk.set(t0.Add(time.Hour), 0)
			v, err := e.Svc.Concern(ctx, e.As("bob"), e.Rel.ID, c.ID)
			if err != nil || len(v.Disclosures) != 1 || !v.Disclosures[0].EffectiveAt.Equal(t0.Add(100*time.Hour)) || !v.Disclosures[0].Started() {
				t.Fatalf("opened an hour later: %v %+v", err, v.Disclosures[0].Disclosure)
			}
			_ = d
		})
	})

	t.Run("permanent rejection: the discloser is told, not started", func(t *testing.T) {
		eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
			bob := e.Users["bob"]
			srv := mailtest.Start(t, bob.Email)
			nc := fileNotice(t, e)
			nc.at(time.Minute)
			if _, err := e.Svc.SendMail(ctx, sender(t, srv)); err != nil {
				t.Fatal(err)
			}
			d := nc.load()
			if d.UndeliveredAt == nil || d.ReachedAt != nil || d.Started() {
				t.Fatalf("after the refusal: undelivered %v, reached %v", d.UndeliveredAt, d.ReachedAt)
			}
			if !hasNotification(t, e, "alice", "disclosure.undelivered") {
				t.Fatal("alice was not told in the app")
			}
			if evs := okEvents(t, e, 0, "disclosure.notice_undelivered", nc.d.ID); len(evs) != 1 {
				t.Fatalf("%d undelivered events", len(evs))
			}
			toAlice := false
			for _, raw := range srv.Messages(t) {
				r := parseReceived(t, raw)
				if strings.EqualFold(r.to, e.Users["alice"].Email) && r.subject == "Your disclosure notice could not be delivered" {
					toAlice = true
					if strings.Contains(string(raw), "SECRET") {
						t.Error("the message to alice carries the notice")
					}
				}
			}
			if !toAlice {
				t.Fatal("alice was not told by email")
			}
			alice := nc.view("alice")
			if r := service.NoticeReach(alice.Disclosure, func(t time.Time) string { return t.Format(time.RFC3339) }); !strings.Contains(r, "could not be delivered") {
				t.Fatalf("alice is shown %q", r)
			}
			nc.notYet(200 * time.Hour)
			// A second notice to the failing address is not sent at all: also undelivered.
			c2, err := e.Svc.RaiseConcern(ctx, e.As("alice"), e.Rel.ID, mentorvault.ConcernOther, "Something else.", false)
			if err != nil {
				t.Fatal(err)
			}
			d2, err := e.Svc.FileDisclosureNotice(ctx, e.As("alice"), e.Rel.ID, c2.ID, service.DisclosureInput{RecipientName: "HR", How: "email",
				Content: "y", EffectiveAt: nc.t0.Add(300 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Svc.SendMail(ctx, sender(t, srv)); err != nil {
				t.Fatal(err)
			}
			if evs := okEvents(t, e, 0, "disclosure.notice_undelivered", d2.ID); len(evs) != 1 {
				t.Fatalf("the second notice, to a failing address: %d undelivered events", len(evs))
			}
			// bob opening it at last starts it then.
			v := nc.view("bob")
			if v.ReachedVia != mentorvault.ReachedInApp || !v.EffectiveAt.Equal(nc.t0.Add(272*time.Hour)) {
				t.Fatalf("bob opened it: %+v", v.Disclosure)
			}
			nc.deliversAt(nc.t0.Add(272 * time.Hour))
		})
	})

	t.Run("mail off: only opening in the app starts it", func(t *testing.T) {
		eachBackend(t, func(t *testing.T, e *mvtest.Env) {
			nc := fileNotice(t, e)
			nc.notYet(100 * time.Hour)
			nc.at(101 * time.Hour)
			if v := nc.view("bob"); v.ReachedVia != mentorvault.ReachedInApp {
				t.Fatalf("bob opened it: %+v", v.Disclosure)
			}
			nc.started(mentorvault.ReachedInApp)
			nc.deliversAt(nc.t0.Add(173 * time.Hour))
		})
	})

	t.Run("imminent danger unchanged: at once, with the message", func(t *testing.T) {
		eachMailBackend(t, func(t *testing.T, e *mvtest.Env) {
			srv := mailtest.Start(t)
			c, err := e.Svc.RaiseConcern(ctx, e.As("bob"), e.Rel.ID, mentorvault.ConcernDangerToOthers, "A colleague is in danger.", true)
			if err != nil {
				t.Fatal(err)
			}
			d, err := e.Svc.FileDisclosureNotice(ctx, e.As("bob"), e.Rel.ID, c.ID, service.DisclosureInput{RecipientEmail: "dave@northwind.example",
				How: "phone", Content: "Danger now.", EffectiveAt: time.Now(), Imminent: true})
			if err != nil || d.State != mentorvault.DisclosureDelivered || !d.Started() {
				t.Fatalf("imminent notice: %v %+v", err, d)
			}
			if !hasNotification(t, e, "alice", "disclosure.notice") {
				t.Fatal("alice was not told at the same time")
			}
			if _, err := e.Svc.SendMail(ctx, sender(t, srv)); err != nil {
				t.Fatal(err)
			}
			if evs := okEvents(t, e, 0, "disclosure.notice_started", d.ID); len(evs) != 0 {
				t.Fatalf("an imminent notice was started again: %+v", evs)
			}
			if service.NoticeReach(d, time.Time.String) != "" {
				t.Fatal("an imminent notice is shown as waiting to reach")
			}
		})
	})
}
