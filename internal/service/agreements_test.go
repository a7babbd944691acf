package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// newPair proposes heidi (mentee) ↔ frank (mentor) in the demo programme and
// has frank accept, so the pair can draft.
func newPair(t *testing.T, e *mvtest.Env) *service.RelationshipView {
	t.Helper()
	progs, err := e.Svc.Me(ctx, e.As("heidi"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := e.Svc.ProposeRelationship(ctx, e.As("heidi"), service.ProposeInput{OtherEmail: "frank@northwind.example", MyRole: "mentee", ProgrammeID: progs.Programmes[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.Transition(ctx, e.As("frank"), v.ID, mentorvault.ActAccept); err != nil {
		t.Fatal(err)
	}
	return v
}

// activePair is newPair with a signed agreement: an active relationship
// with no history.
func activePair(t *testing.T, e *mvtest.Env) *service.RelationshipView {
	t.Helper()
	rel := newPair(t, e)
	d, err := e.Svc.StartDraft(ctx, e.As("frank"), rel.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"frank", "heidi"} {
		if _, err := e.Svc.SignAgreement(ctx, e.As(who), rel.ID, d.ID, d.Hash, demo.Password); err != nil {
			t.Fatal(err)
		}
	}
	return rel
}

func status(t *testing.T, e *mvtest.Env, id string) mentorvault.RelationshipStatus {
	t.Helper()
	v, err := e.Svc.Relationship(ctx, e.As("carol"), id)
	if err != nil {
		t.Fatal(err)
	}
	return v.Status
}

func TestSigning(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := newPair(t, e)
		d, err := e.Svc.StartDraft(ctx, e.As("heidi"), rel.ID)
		if err != nil {
			t.Fatal(err)
		}
		if status(t, e, rel.ID) != mentorvault.StatusAgreeing {
			t.Fatal("starting a draft did not move the relationship to agreeing")
		}
		// The programme's mandatory exceptions are in the draft.
		kinds := map[mentorvault.ExceptionKind]bool{}
		for _, x := range d.Terms.Exceptions {
			kinds[x.Kind] = x.Mandatory
		}
		if !kinds[mentorvault.ExcDutyOfCare] || !kinds[mentorvault.ExcDutyInLaw] {
			t.Fatalf("mandatory exceptions missing: %+v", d.Terms.Exceptions)
		}
		// Notes are closed until both sign.
		if _, err := e.Svc.CreateNote(ctx, e.As("heidi"), rel.ID, "x", mentorvault.VisibilityShared); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN || !strings.Contains(mentorvault.ErrorMessage(err), "signed") {
			t.Fatalf("note before signing: %v", err)
		}
		// Heidi signs version A.
		if _, err := e.Svc.SignAgreement(ctx, e.As("heidi"), rel.ID, d.ID, d.Hash, demo.Password); err != nil {
			t.Fatal(err)
		}
		// Signing twice is refused.
		if _, err := e.Svc.SignAgreement(ctx, e.As("heidi"), rel.ID, d.ID, d.Hash, demo.Password); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("second signature: %v", err)
		}
		// Frank changes the text: heidi's signature no longer counts.
		terms := d.Terms
		terms.Expectations.MeetingMinutes = 30
		d2, err := e.Svc.UpdateDraft(ctx, e.As("frank"), rel.ID, d.ID, d.Hash, terms)
		if err != nil {
			t.Fatal(err)
		}
		// Frank signing the old hash is signing a stale version.
		if _, err := e.Svc.SignAgreement(ctx, e.As("frank"), rel.ID, d.ID, d.Hash, demo.Password); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("stale signature: %v", err)
		}
		// Heidi editing from the old hash is refused, nothing changed.
		if _, err := e.Svc.UpdateDraft(ctx, e.As("heidi"), rel.ID, d.ID, d.Hash, d.Terms); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("edit from a stale base: %v", err)
		}
		// Frank signs the new text; heidi's old signature covers the old text: not active.
		if _, err := e.Svc.SignAgreement(ctx, e.As("frank"), rel.ID, d2.ID, d2.Hash, demo.Password); err != nil {
			t.Fatal(err)
		}
		if status(t, e, rel.ID) != mentorvault.StatusAgreeing {
			t.Fatal("signatures over different texts activated the relationship")
		}
		// Wrong password: refused and audited, nothing signed.
		if _, err := e.Svc.SignAgreement(ctx, e.As("heidi"), rel.ID, d2.ID, d2.Hash, "not-my-password"); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("wrong password: %v", err)
		}
		v, err := e.Svc.SignAgreement(ctx, e.As("heidi"), rel.ID, d2.ID, d2.Hash, demo.Password)
		if err != nil {
			t.Fatal(err)
		}
		if v.State != mentorvault.AgreementInForce || status(t, e, rel.ID) != mentorvault.StatusActive {
			t.Fatalf("both signed the same hash: version %s, relationship %s", v.State, status(t, e, rel.ID))
		}
		if _, err := e.Svc.CreateNote(ctx, e.As("heidi"), rel.ID, "now we can write", mentorvault.VisibilityShared); err != nil {
			t.Fatal(err)
		}
		// A signed version cannot change.
		if _, err := e.Svc.UpdateDraft(ctx, e.As("heidi"), rel.ID, d2.ID, d2.Hash, terms); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("editing a signed version: %v", err)
		}

		// Amendment: the old version stays in force until both sign the new one.
		am, err := e.Svc.StartDraft(ctx, e.As("frank"), rel.ID)
		if err != nil || am.Number != 2 {
			t.Fatalf("amendment: %v %+v", err, am)
		}
		terms.Expectations.MeetingMinutes = 90
		am, err = e.Svc.UpdateDraft(ctx, e.As("frank"), rel.ID, am.ID, am.Hash, terms)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.SignAgreement(ctx, e.As("frank"), rel.ID, am.ID, am.Hash, demo.Password); err != nil {
			t.Fatal(err)
		}
		av, err := e.Svc.Agreement(ctx, e.As("heidi"), rel.ID)
		if err != nil {
			t.Fatal(err)
		}
		if av.InForce == nil || av.InForce.Number != 1 || av.InForce.Terms.Expectations.MeetingMinutes != 30 || av.Draft == nil || av.Draft.Number != 2 {
			t.Fatalf("during the amendment: in force %+v, draft %+v", av.InForce, av.Draft)
		}
		if _, err := e.Svc.SignAgreement(ctx, e.As("heidi"), rel.ID, am.ID, am.Hash, demo.Password); err != nil {
			t.Fatal(err)
		}
		av, err = e.Svc.Agreement(ctx, e.As("heidi"), rel.ID)
		if err != nil {
			t.Fatal(err)
		}
		if av.InForce.Number != 2 || av.Versions[0].State != mentorvault.AgreementSuperseded || av.Draft != nil {
			t.Fatalf("after the amendment: %+v", av.InForce)
		}
		// The diff shows the change.
		lines, _, _, err := e.Svc.AgreementDiff(ctx, e.As("frank"), rel.ID, "", am.ID)
		if err != nil {
			t.Fatal(err)
		}
		var removed, added bool
		for _, l := range lines {
			removed = removed || (l.Op == '-' && strings.Contains(l.Text.Reveal(), "30 minutes"))
			added = added || (l.Op == '+' && strings.Contains(l.Text.Reveal(), "90 minutes"))
		}
		if !removed || !added {
			t.Fatalf("diff lacks the change: %+v", lines)
		}
		// Both versions verify against their stored text.
		for _, v := range av.Versions {
			ver, err := e.Svc.VerifyAgreement(ctx, e.As("heidi"), rel.ID, v.ID)
			if err != nil || !ver.OK {
				t.Fatalf("verify version %d: %v %+v", v.Number, err, ver)
			}
		}
		// The coordinator sees only the status.
		st, err := e.Svc.AgreementStatusOf(ctx, e.As("carol"), rel.ID)
		if err != nil || st.InForceVersion != 2 || st.SignedAt == nil {
			t.Fatalf("coordinator status: %v %+v", err, st)
		}
		for _, who := range []string{"carol", "grace", "dave", "erin", "alice"} {
			if _, err := e.Svc.Agreement(ctx, e.As(who), rel.ID); err == nil {
				t.Fatalf("%s read the agreement", who)
			}
		}
		for _, who := range []string{"grace", "alice", "dave"} {
			if _, err := e.Svc.AgreementStatusOf(ctx, e.As(who), rel.ID); err == nil {
				t.Fatalf("%s read the agreement status", who)
			}
		}
	})
}

func TestAgreementTamperFailsVerification(t *testing.T) {
	db := sqlstoretest.OpenSQLite(t)
	e := mvtest.New(t, db)
	av, err := e.Svc.Agreement(ctx, e.As("alice"), e.Rel.ID)
	if err != nil || av.InForce == nil {
		t.Fatalf("demo agreement: %v", err)
	}
	v := av.InForce
	// Flip a byte of the stored text's ciphertext.
	if _, err := db.SQLDB().Exec(db.Rebind("UPDATE agreement_versions SET text_sealed = ? WHERE id = ?"), flip(v.TextSealed), v.ID); err != nil {
		t.Fatal(err)
	}
	ver, err := e.Svc.VerifyAgreement(ctx, e.As("bob"), e.Rel.ID, v.ID)
	if err != nil || ver.OK || len(ver.Problems) == 0 {
		t.Fatalf("tampered text verified: %v %+v", err, ver)
	}
	// Put the text back but change the stored hash: signatures no longer match.
	if _, err := db.SQLDB().Exec(db.Rebind("UPDATE agreement_versions SET text_sealed = ?, hash = ? WHERE id = ?"), v.TextSealed, flip(v.Hash), v.ID); err != nil {
		t.Fatal(err)
	}
	ver, err = e.Svc.VerifyAgreement(ctx, e.As("bob"), e.Rel.ID, v.ID)
	if err != nil || ver.OK {
		t.Fatalf("changed hash verified: %v %+v", err, ver)
	}
}

func flip(b []byte) []byte {
	c := append([]byte(nil), b...)
	c[len(c)/2] ^= 0x40
	return c
}

func TestAgreementBadInput(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		rel := newPair(t, e)
		d, err := e.Svc.StartDraft(ctx, e.As("frank"), rel.ID)
		if err != nil {
			t.Fatal(err)
		}
		bad := d.Terms
		bad.Clauses = []mentorvault.Clause{{Discloser: "anyone", What: mentorvault.WhatEverything, Recipient: mentorvault.ToLineManager, Condition: mentorvault.CondAlways, Until: mentorvault.UntilDuring}}
		if _, err := e.Svc.UpdateDraft(ctx, e.As("frank"), rel.ID, d.ID, d.Hash, bad); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("unknown clause value: %v", err)
		}
		big := d.Terms
		big.Expectations.Goals = strings.Repeat("x", mentorvault.MaxAgreementText+1)
		if _, err := e.Svc.UpdateDraft(ctx, e.As("frank"), rel.ID, d.ID, d.Hash, big); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("oversized text: %v", err)
		}
		noCare := d.Terms
		noCare.Exceptions = nil
		if _, err := e.Svc.UpdateDraft(ctx, e.As("frank"), rel.ID, d.ID, d.Hash, noCare); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("removing a mandatory exception: %v", err)
		}
		if _, err := e.Svc.SignAgreement(ctx, e.As("frank"), rel.ID, d.ID, make([]byte, 31), demo.Password); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("short hash: %v", err)
		}
		// Nothing changed.
		av, err := e.Svc.Agreement(ctx, e.As("heidi"), rel.ID)
		if err != nil || string(av.Draft.Hash) != string(d.Hash) || len(av.Draft.Signatures) != 0 {
			t.Fatalf("a refused request changed the draft: %v", err)
		}
		if _, err := e.Svc.CommentAgreement(ctx, e.As("heidi"), rel.ID, d.ID, "gossip", "x"); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("unknown section: %v", err)
		}
		c, err := e.Svc.CommentAgreement(ctx, e.As("heidi"), rel.ID, d.ID, "expectations", "Can we meet every two weeks?")
		if err != nil || c.Body.Reveal() != "Can we meet every two weeks?" {
			t.Fatalf("comment: %v", err)
		}
	})
}

func TestStepUpRateLimit(t *testing.T) {
	e := mvtest.New(t, sqlstoretest.OpenSQLite(t))
	rel := newPair(t, e)
	d, err := e.Svc.StartDraft(ctx, e.As("frank"), rel.ID)
	if err != nil {
		t.Fatal(err)
	}
	for range service.MaxFailuresPerPair {
		if _, err := e.Svc.SignAgreement(ctx, e.As("frank"), rel.ID, d.ID, d.Hash, "guess-guess-guess"); mentorvault.ErrorCode(err) != mentorvault.EUNAUTHENTICATED {
			t.Fatalf("wrong password: %v", err)
		}
	}
	if _, err := e.Svc.SignAgreement(ctx, e.As("frank"), rel.ID, d.ID, d.Hash, demo.Password); mentorvault.ErrorCode(err) != mentorvault.ETOOMANY {
		t.Fatalf("after %d wrong passwords: %v", service.MaxFailuresPerPair, err)
	}
}

func TestReviews(t *testing.T) {
	db := sqlstoretest.OpenSQLite(t)
	e := mvtest.New(t, db)
	rv, err := e.Svc.Reviews(ctx, e.As("bob"), e.Rel.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The demo agreement asks for a review every 8 weeks: not due yet.
	if rv.EveryWeeks != 8 || rv.Mentee.Due || rv.Mentee.DueAt == nil {
		t.Fatalf("reviews right after signing: %+v", rv)
	}
	db.SetClock(func() time.Time { return time.Now().UTC().AddDate(0, 0, 7*8+1) })
	rv, err = e.Svc.Reviews(ctx, e.As("bob"), e.Rel.ID)
	if err != nil || !rv.Mentee.Due || !rv.Mentor.Due {
		t.Fatalf("reviews after 8 weeks: %v %+v", err, rv)
	}
	if _, err := e.Svc.RecordReview(ctx, e.As("bob"), e.Rel.ID, "maybe", "", false); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
		t.Fatalf("bad answer: %v", err)
	}
	before := len(rv.Reviews)
	if _, err := e.Svc.RecordReview(ctx, e.As("bob"), e.Rel.ID, mentorvault.ReviewPartly, "We meet less often than agreed.", true); err != nil {
		t.Fatal(err)
	}
	rv, err = e.Svc.Reviews(ctx, e.As("alice"), e.Rel.ID)
	if err != nil || rv.Mentee.Due || !rv.Mentor.Due || len(rv.Reviews) != before+1 || rv.Reviews[before].Notes.Reveal() != "We meet less often than agreed." {
		t.Fatalf("after bob's review: %v %+v", err, rv)
	}
	// The review opened an amendment.
	av, err := e.Svc.Agreement(ctx, e.As("alice"), e.Rel.ID)
	if err != nil || av.Draft == nil || av.Draft.Number != 2 {
		t.Fatalf("amendment from review: %v", err)
	}
	if _, err := e.Svc.Reviews(ctx, e.As("carol"), e.Rel.ID); mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
		t.Fatalf("coordinator read reviews: %v", err)
	}
}

func TestProgrammeSettings(t *testing.T) {
	e := mvtest.New(t, sqlstoretest.OpenSQLite(t))
	me, err := e.Svc.Me(ctx, e.As("carol"))
	if err != nil {
		t.Fatal(err)
	}
	prog := me.Programmes[0].ID
	pv, err := e.Svc.Programme(ctx, e.As("heidi"), prog)
	if err != nil || pv.Guidelines == nil || pv.Guidelines.Version != 1 || pv.Allowed.Has(policy.EditProgramme) {
		t.Fatalf("member view: %v %+v", err, pv)
	}
	st := pv.Settings
	st.MinNoticeHours = 48
	st.MandatoryExceptions = append(st.MandatoryExceptions, mentorvault.ExcDutyToOrg)
	if _, err := e.Svc.UpdateProgrammeSettings(ctx, e.As("heidi"), prog, st); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
		t.Fatalf("member edits settings: %v", err)
	}
	pv, err = e.Svc.UpdateProgrammeSettings(ctx, e.As("carol"), prog, st)
	if err != nil || pv.Settings.MinNoticeHours != 48 || !pv.Allowed.Has(policy.EditProgramme) {
		t.Fatalf("coordinator edits settings: %v %+v", err, pv)
	}
	bad := st
	bad.KThreshold = 1
	if _, err := e.Svc.UpdateProgrammeSettings(ctx, e.As("carol"), prog, bad); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
		t.Fatalf("k below 2: %v", err)
	}
	g, err := e.Svc.PublishGuidelines(ctx, e.As("grace"), prog, "# New guidelines")
	if err != nil || g.Version != 2 {
		t.Fatalf("org admin publishes guidelines: %v", err)
	}
	if old, err := e.Svc.Guidelines(ctx, e.As("bob"), prog, 1); err != nil || !strings.Contains(old.Body, "Leadership Mentoring") {
		t.Fatalf("old guidelines version: %v", err)
	}
	// A new pair's draft carries the new mandatory exception and guidelines version.
	rel := newPair(t, e)
	d, err := e.Svc.StartDraft(ctx, e.As("heidi"), rel.ID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, x := range d.Terms.Exceptions {
		found = found || (x.Kind == mentorvault.ExcDutyToOrg && x.Mandatory)
	}
	if !found || d.Terms.GuidelinesVersion != 2 {
		t.Fatalf("draft from new settings: %+v", d.Terms)
	}
}

// TestGuidelinesReadEachForThemselves: the draft names the programme's
// guidelines version; each party confirms reading it for themselves (the
// mentor's confirmation says nothing of the mentee's), again changes
// nothing, and nobody else can confirm; the agreement shows who has read.
func TestGuidelinesReadEachForThemselves(t *testing.T) {
	e := mvtest.New(t, sqlstoretest.OpenSQLite(t))
	rel := newPair(t, e)
	d, err := e.Svc.StartDraft(ctx, e.As("frank"), rel.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := d.Terms.GuidelinesVersion
	if n == 0 {
		t.Fatal("the demo programme's draft names no guidelines version")
	}
	reads := func() (frank, heidi *mentorvault.GuidelinesRead) {
		t.Helper()
		av, err := e.Svc.Agreement(ctx, e.As("heidi"), rel.ID)
		if err != nil {
			t.Fatal(err)
		}
		return av.ReadGuidelines(e.Users["frank"].ID, n), av.ReadGuidelines(e.Users["heidi"].ID, n)
	}
	if f, h := reads(); f != nil || h != nil {
		t.Fatalf("before anyone confirmed: frank %+v, heidi %+v", f, h)
	}
	first, err := e.Svc.ConfirmGuidelinesRead(ctx, e.As("frank"), rel.ID, n)
	if err != nil {
		t.Fatal(err)
	}
	if f, h := reads(); f == nil || h != nil || f.Legacy {
		t.Fatalf("after frank confirmed: frank %+v, heidi %+v; want frank's alone", f, h)
	}
	again, err := e.Svc.ConfirmGuidelinesRead(ctx, e.As("frank"), rel.ID, n)
	if err != nil || !again.ReadAt.Equal(first.ReadAt) {
		t.Fatalf("confirming again: %v %+v, want the first confirmation %+v", err, again, first)
	}
	for who, want := range map[string]string{"carol": "", "dave": ""} {
		_, err := e.Svc.ConfirmGuidelinesRead(ctx, e.As(who), rel.ID, n)
		if err == nil || (want != "" && mentorvault.ErrorCode(err) != want) {
			t.Errorf("%s, not a party, confirming: %v", who, err)
		}
	}
	if _, err := e.Svc.ConfirmGuidelinesRead(ctx, e.As("heidi"), rel.ID, n+1); mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
		t.Errorf("confirming an unpublished version: %v, want not_found", err)
	}
	if f, h := reads(); f == nil || h != nil {
		t.Fatalf("after the refusals: frank %+v, heidi %+v", f, h)
	}
	if _, err := e.Svc.ConfirmGuidelinesRead(ctx, e.As("heidi"), rel.ID, n); err != nil {
		t.Fatal(err)
	}
	if f, h := reads(); f == nil || h == nil {
		t.Fatalf("after both confirmed: frank %+v, heidi %+v", f, h)
	}
	if !strings.Contains(d.Text.Reveal(), "Each of us confirms for ourselves") {
		t.Errorf("the draft's text: %s", d.Text.Reveal())
	}
}
