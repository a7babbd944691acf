package service_test

import (
	"slices"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// TestConcernViewOffers checks what a concern's view offers each party as
// the protocol goes on — who may sign or withdraw a disclosure, which
// outcomes may be recorded — and that the service accepts exactly what it
// offers.
func TestConcernViewOffers(t *testing.T) {
	e := mvtest.New(t, sqlstoretest.OpenSQLite(t))
	rel := e.Rel.ID
	c, err := e.Svc.RaiseConcern(ctx, e.As("alice"), rel, mentorvault.ConcernHarmToOrg, "Figures are passed on.", false)
	if err != nil {
		t.Fatal(err)
	}
	view := func(who string) *service.ConcernView {
		t.Helper()
		v, err := e.Svc.Concern(ctx, e.As(who), rel, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// offers checks each party's view: the outcomes offered, pending, and
	// the last disclosure's Signable and Withdrawable; and that every outcome
	// not offered is refused.
	type offer struct {
		outcomes               []mentorvault.ConcernStatus
		pending                bool
		signable, withdrawable bool
	}
	offers := func(step string, want map[string]offer) {
		t.Helper()
		for who, w := range want {
			v := view(who)
			var got offer
			got.outcomes, got.pending = v.Outcomes, v.Pending
			if n := len(v.Disclosures); n > 0 {
				got.signable, got.withdrawable = v.Disclosures[n-1].Signable, v.Disclosures[n-1].Withdrawable
			}
			if !slices.Equal(got.outcomes, w.outcomes) || got.pending != w.pending || got.signable != w.signable || got.withdrawable != w.withdrawable {
				t.Fatalf("%s: %s is offered %+v; want %+v", step, who, got, w)
			}
			for _, oc := range []mentorvault.ConcernStatus{mentorvault.ConcernDisclosed, mentorvault.ConcernResolved, mentorvault.ConcernWithdrawn} {
				if slices.Contains(w.outcomes, oc) {
					continue
				}
				if _, err := e.Svc.CloseConcern(ctx, e.As(who), rel, c.ID, oc, ""); err == nil {
					t.Fatalf("%s: %s recorded %s, which was not offered", step, who, oc)
				}
			}
		}
	}
	resolvedOrWithdrawn := []mentorvault.ConcernStatus{mentorvault.ConcernResolved, mentorvault.ConcernWithdrawn}
	resolved := []mentorvault.ConcernStatus{mentorvault.ConcernResolved}
	offers("raised", map[string]offer{"alice": {outcomes: resolvedOrWithdrawn}, "bob": {outcomes: resolved}})

	now := time.Now().UTC()
	n, err := e.Svc.FileDisclosureNotice(ctx, e.As("alice"), rel, c.ID, service.DisclosureInput{RecipientEmail: "dave@northwind.example",
		Content: "What was seen.", EffectiveAt: now.Add(80 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	offers("a notice", map[string]offer{"alice": {pending: true, withdrawable: true}, "bob": {pending: true}})
	if _, err := e.Svc.WithdrawDisclosure(ctx, e.As("alice"), rel, n.ID); err != nil {
		t.Fatal(err)
	}
	offers("the notice withdrawn", map[string]offer{"alice": {outcomes: resolvedOrWithdrawn}, "bob": {outcomes: resolved}})

	plan, err := e.Svc.ProposeDisclosurePlan(ctx, e.As("alice"), rel, c.ID, service.DisclosureInput{RecipientName: "the auditor",
		Content: "Alice tells the auditor.", EffectiveAt: now})
	if err != nil {
		t.Fatal(err)
	}
	offers("a plan", map[string]offer{"alice": {pending: true, withdrawable: true}, "bob": {pending: true, signable: true, withdrawable: true}})
	if _, err := e.Svc.SignDisclosurePlan(ctx, e.As("bob"), rel, plan.ID); err != nil {
		t.Fatal(err)
	}
	disclosed := []mentorvault.ConcernStatus{mentorvault.ConcernDisclosed}
	offers("the plan made", map[string]offer{"alice": {outcomes: disclosed}, "bob": {outcomes: disclosed}})

	if _, err := e.Svc.CloseConcern(ctx, e.As("bob"), rel, c.ID, mentorvault.ConcernDisclosed, ""); err != nil {
		t.Fatal(err)
	}
	offers("closed", map[string]offer{"alice": {}, "bob": {}})
}

// TestConsultationViewAllowed checks that a consultation's view carries what
// Cedar allows its viewer: the consultant and the supervisor read and post
// while it is open, and only read once it is closed.
func TestConsultationViewAllowed(t *testing.T) {
	e := mvtest.New(t, sqlstoretest.OpenSQLite(t))
	c, err := e.Svc.StartConsultation(ctx, e.As("bob"), e.Rel.ID, e.Users["erin"].ID, "", "A question.")
	if err != nil {
		t.Fatal(err)
	}
	check := func(step string, post bool) {
		t.Helper()
		list, err := e.Svc.Consultations(ctx, e.As("erin"))
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"bob", "erin"} {
			v, err := e.Svc.Consultation(ctx, e.As(who), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !v.Allowed.Has(policy.ReadConsultation) || v.Allowed.Has(policy.PostConsultation) != post {
				t.Fatalf("%s: %s is allowed %v", step, who, v.Allowed)
			}
		}
		for _, v := range list {
			if v.ID == c.ID && (!v.Allowed.Has(policy.ReadConsultation) || v.Allowed.Has(policy.PostConsultation) != post) {
				t.Fatalf("%s: erin's list allows %v", step, v.Allowed)
			}
		}
	}
	check("open", true)
	if err := e.Svc.CloseConsultation(ctx, e.As("erin"), c.ID); err != nil {
		t.Fatal(err)
	}
	check("closed", false)
}
