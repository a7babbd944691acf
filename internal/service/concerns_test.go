package service_test

import (
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/auth"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore/sqlstoretest"
)

// clock is a controllable clock for the store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }

// instance is another server instance: a second Service over the same
// database and keys, as after a restart or behind a load balancer.
func instance(t *testing.T, e *mvtest.Env) *service.Service {
	t.Helper()
	authz, err := policy.New()
	if err != nil {
		t.Fatal(err)
	}
	svc, err := service.New(e.DB, authz, e.Keys, service.Options{PasswordParams: auth.TestParams, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func TestConcernProtocol(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *mvtest.Env) {
		clk := &clock{t: time.Now().UTC().Truncate(time.Second)}
		e.DB.SetClock(clk.Now)
		rel := e.Rel.ID
		c, err := e.Svc.RaiseConcern(ctx, e.As("alice"), rel, mentorvault.ConcernDangerToMentee, "CONCERN-SECRET Bob said he cannot go on like this.", false)
		if err != nil {
			t.Fatal(err)
		}
		// Bob is told at once.
		ns, _ := e.Svc.Notifications(ctx, e.As("bob"), service.NotificationFilter{})
		told := false
		for _, n := range ns {
			if n.RefID == c.ID {
				told = strings.Contains(n.Text, "raised a concern about danger to the mentee") && !strings.Contains(n.Text, "SECRET")
			}
		}
		if !told {
			t.Fatal("bob was not told of the concern (or the notification carries content)")
		}
		// Working through: views, and which exceptions of the signed agreement apply.
		if _, err := e.Svc.RecordConcernStep(ctx, e.As("bob"), rel, c.ID, mentorvault.StepEthicalView, "no", "I was tired, not in danger."); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.RecordConcernStep(ctx, e.As("alice"), rel, c.ID, mentorvault.StepEthicalView, "maybe", ""); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("bad answer: %v", err)
		}
		v, err := e.Svc.Concern(ctx, e.As("bob"), rel, c.ID)
		if err != nil || len(v.Steps) != 1 || v.Steps[0].Answer != "no" || len(v.Exceptions) != 1 || v.Exceptions[0].Kind != mentorvault.ExcDutyOfCare || v.MinNotice != 72 {
			t.Fatalf("concern view: %v %+v", err, v)
		}
		// Nobody else sees any of it.
		for _, who := range []string{"carol", "erin", "grace", "dave", "frank"} {
			if _, err := e.Svc.Concerns(ctx, e.As(who), rel); err == nil {
				t.Fatalf("%s read the concerns", who)
			}
		}
		// They disagree: alice files a notice. Less than the minimum notice is refused.
		in := service.DisclosureInput{RecipientEmail: "dave@northwind.example", How: "in person", Content: "DISCLOSED-SECRET Bob is under serious strain.", EffectiveAt: clk.Now().Add(24 * time.Hour)}
		_, err = e.Svc.FileDisclosureNotice(ctx, e.As("alice"), rel, c.ID, in)
		if mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("notice shorter than 72h: %v", err)
		}
		// The refusal names the earliest time in words, in alice's zone, not as a timestamp.
		if msg := mentorvault.ErrorFields(err)["effective_at"]; !strings.Contains(msg, clk.Now().Add(72*time.Hour).UTC().Format("Mon 2 Jan 2006 at 15:04 UTC")+" at the earliest") || regexp.MustCompile(`\d{4}-\d\d-\d\dT`).MatchString(msg) {
			t.Fatalf("the refusal says %q", msg)
		}
		in.Imminent = true
		if _, err := e.Svc.FileDisclosureNotice(ctx, e.As("alice"), rel, c.ID, in); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
			t.Fatalf("imminent notice on a concern not raised as imminent: %v", err)
		}
		in.Imminent, in.EffectiveAt = false, clk.Now().Add(72*time.Hour)
		d, err := e.Svc.FileDisclosureNotice(ctx, e.As("alice"), rel, c.ID, in)
		if err != nil || d.State != mentorvault.DisclosureScheduled {
			t.Fatalf("notice: %v %+v", err, d)
		}
		// Bob sees the notice at once, with exactly what will be said.
		v, _ = e.Svc.Concern(ctx, e.As("bob"), rel, c.ID)
		if len(v.Disclosures) != 1 || !strings.Contains(v.Disclosures[0].Content.Reveal(), "serious strain") {
			t.Fatalf("bob's view of the notice: %+v", v.Disclosures)
		}
		// Dave, the recipient, sees nothing before it takes effect.
		if got, err := e.Svc.ReceivedDisclosures(ctx, e.As("dave")); err != nil || len(got) != 0 {
			t.Fatalf("dave before: %v %d", err, len(got))
		}
		// Bob cannot withdraw alice's notice; the time has not come.
		if _, err := e.Svc.WithdrawDisclosure(ctx, e.As("bob"), rel, d.ID); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
			t.Fatalf("bob withdrew alice's notice: %v", err)
		}
		if n, err := e.Svc.RunDueJobs(ctx); err != nil || n != 0 {
			t.Fatalf("jobs before the notice ran out: %v %d", err, n)
		}
		// A restart in the notice period: another instance runs the jobs when due; a third
		// instance runs at the same moment. The notice takes effect exactly once.
		clk.Add(72*time.Hour + time.Second)
		a, b := instance(t, e), instance(t, e)
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i, svc := range []*service.Service{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := svc.RunDueJobs(ctx)
				if err != nil {
					t.Errorf("instance %d: %v", i, err)
				}
				counts[i] = n
			}()
		}
		wg.Wait()
		if counts[0]+counts[1] != 1 {
			t.Fatalf("jobs run by the two instances: %v, want exactly one", counts)
		}
		if n, _ := a.RunDueJobs(ctx); n != 0 {
			t.Fatalf("the job ran again: %d", n)
		}
		got, err := e.Svc.ReceivedDisclosures(ctx, e.As("dave"))
		if err != nil || len(got) != 1 || !strings.Contains(got[0].Content.Reveal(), "serious strain") || got[0].From.ID != e.Users["alice"].ID {
			t.Fatalf("dave after: %v %+v", err, got)
		}
		delivered := 0
		for _, ev := range e.Events(t, 0) {
			if ev.Action == "disclosure.delivered" && ev.ResourceID == d.ID {
				delivered++
			}
		}
		if delivered != 1 {
			t.Fatalf("disclosure.delivered events: %d", delivered)
		}
		// Dave sees only the disclosure, nothing else of the relationship.
		if _, err := e.Svc.Concerns(ctx, e.As("dave"), rel); err == nil {
			t.Fatal("the recipient read the concerns")
		}
		if _, err := e.Svc.WithdrawDisclosure(ctx, e.As("alice"), rel, d.ID); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("withdrawn after it took effect: %v", err)
		}
		if _, err := e.Svc.CloseConcern(ctx, e.As("bob"), rel, c.ID, mentorvault.ConcernResolved, ""); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
			t.Fatalf("resolved without disclosure after a disclosure: %v", err)
		}
		if _, err := e.Svc.CloseConcern(ctx, e.As("bob"), rel, c.ID, mentorvault.ConcernDisclosed, mentorvault.ActPause); err != nil {
			t.Fatal(err)
		}
		if status(t, e, rel) != mentorvault.StatusPaused {
			t.Fatal("the relationship was not paused")
		}
	})
}

func TestImminentDangerAndPlans(t *testing.T) {
	db := sqlstoretest.OpenSQLite(t)
	e := mvtest.New(t, db)
	rel := e.Rel.ID
	c, err := e.Svc.RaiseConcern(ctx, e.As("bob"), rel, mentorvault.ConcernDangerToOthers, "A colleague is in danger.", true)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	d, err := e.Svc.FileDisclosureNotice(ctx, e.As("bob"), rel, c.ID, service.DisclosureInput{RecipientName: "Site security", How: "phone",
		Content: "A colleague is in danger at the depot.", EffectiveAt: now, Imminent: true})
	if err != nil || d.State != mentorvault.DisclosureDelivered || !d.Imminent {
		t.Fatalf("imminent notice: %v %+v", err, d)
	}
	ns, _ := e.Svc.Notifications(ctx, e.As("alice"), service.NotificationFilter{})
	found := false
	for _, n := range ns {
		found = found || (n.Kind == "disclosure.notice" && strings.Contains(n.Text, "imminent danger"))
	}
	if !found {
		t.Fatalf("alice was not told at the same time: %+v", ns)
	}
	// A joint plan takes effect only once both have signed.
	c2, err := e.Svc.RaiseConcern(ctx, e.As("alice"), rel, mentorvault.ConcernHarmToOrg, "Passing of figures.", false)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := e.Svc.ProposeDisclosurePlan(ctx, e.As("alice"), rel, c2.ID, service.DisclosureInput{DiscloserID: e.Users["bob"].ID,
		RecipientEmail: "grace@northwind.example", How: "a meeting", Content: "Bob will tell Grace what he saw.", EffectiveAt: now})
	if err != nil || plan.State != mentorvault.DisclosureAwaitingSignatures {
		t.Fatalf("plan: %v %+v", err, plan)
	}
	if _, err := e.Svc.SignDisclosurePlan(ctx, e.As("alice"), rel, plan.ID); mentorvault.ErrorCode(err) != mentorvault.ECONFLICT {
		t.Fatalf("signed twice: %v", err)
	}
	signed, err := e.Svc.SignDisclosurePlan(ctx, e.As("bob"), rel, plan.ID)
	if err != nil || signed.State != mentorvault.DisclosureDelivered {
		t.Fatalf("plan signed by both: %v %+v", err, signed)
	}
	if got, _ := e.Svc.ReceivedDisclosures(ctx, e.As("grace")); len(got) != 1 {
		t.Fatalf("grace received %d", len(got))
	}
	// A withdrawn notice never takes effect.
	c3, _ := e.Svc.RaiseConcern(ctx, e.As("alice"), rel, mentorvault.ConcernOther, "Something else.", false)
	n3, err := e.Svc.FileDisclosureNotice(ctx, e.As("alice"), rel, c3.ID, service.DisclosureInput{RecipientEmail: "dave@northwind.example", Content: "x", EffectiveAt: now.Add(73 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Svc.WithdrawDisclosure(ctx, e.As("alice"), rel, n3.ID); err != nil {
		t.Fatal(err)
	}
	db.SetClock(func() time.Time { return now.Add(80 * time.Hour) })
	if _, err := e.Svc.RunDueJobs(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.Svc.ReceivedDisclosures(ctx, e.As("dave")); len(got) != 0 {
		t.Fatalf("a withdrawn notice was delivered: %d", len(got))
	}
	if _, err := e.Svc.CloseConcern(ctx, e.As("bob"), rel, c3.ID, mentorvault.ConcernWithdrawn, ""); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
		t.Fatalf("bob withdrew alice's concern: %v", err)
	}
	if _, err := e.Svc.CloseConcern(ctx, e.As("alice"), rel, c3.ID, mentorvault.ConcernWithdrawn, ""); err != nil {
		t.Fatal(err)
	}
}

func TestConsultationIsAnonymous(t *testing.T) {
	db := sqlstoretest.OpenSQLite(t)
	e := mvtest.New(t, db)
	rel := e.Rel.ID
	sups, err := e.Svc.Supervisors(ctx, e.As("bob"), rel)
	if err != nil || len(sups) != 1 || sups[0].ID != e.Users["erin"].ID {
		t.Fatalf("supervisors: %v %+v", err, sups)
	}
	if _, err := e.Svc.StartConsultation(ctx, e.As("bob"), rel, e.Users["carol"].ID, "", "x"); mentorvault.ErrorCode(err) != mentorvault.EINVALID {
		t.Fatalf("consulting a non-supervisor: %v", err)
	}
	c, err := e.Svc.StartConsultation(ctx, e.As("bob"), rel, e.Users["erin"].ID, "", "CONSULT-SECRET My mentor worries about me. Should I say more?")
	if err != nil {
		t.Fatal(err)
	}
	// Erin sees the role and programme, not who or which relationship.
	list, err := e.Svc.Consultations(ctx, e.As("erin"))
	if err != nil {
		t.Fatal(err)
	}
	var mine *service.ConsultationView
	for _, v := range list {
		if v.ID == c.ID {
			mine = v
		}
	}
	if mine == nil || mine.ConsultantRole != "mentee" || mine.RelationshipID != "" || mine.Mine {
		t.Fatalf("erin's list: %+v", mine)
	}
	th, err := e.Svc.Consultation(ctx, e.As("erin"), c.ID)
	if err != nil || len(th.Messages) != 1 || !strings.Contains(th.Messages[0].Body.Reveal(), "CONSULT-SECRET") || th.RelationshipID != "" {
		t.Fatalf("erin's thread: %v %+v", err, th)
	}
	if err := e.Svc.PostConsultationMessage(ctx, e.As("erin"), c.ID, "You decide what to share. Would it help to talk it through?"); err != nil {
		t.Fatal(err)
	}
	th, _ = e.Svc.Consultation(ctx, e.As("bob"), c.ID)
	if len(th.Messages) != 2 || !th.Messages[1].FromSupervisor || th.RelationshipID != rel {
		t.Fatalf("bob's thread: %+v", th)
	}
	// Nobody else: not the other party, the coordinator or the org admin.
	for _, who := range []string{"alice", "carol", "grace", "dave"} {
		if _, err := e.Svc.Consultation(ctx, e.As(who), c.ID); mentorvault.ErrorCode(err) != mentorvault.ENOTFOUND {
			t.Fatalf("%s read the consultation: %v", who, err)
		}
	}
	// The other party's access log does not show it.
	page, err := e.Svc.RelationshipAudit(ctx, e.As("alice"), rel, service.AuditFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range page.Entries {
		if strings.HasPrefix(en.Action, "consultation.") {
			t.Fatalf("the consultation shows in the pair's log: %+v", en.AuditEvent)
		}
	}
	if err := e.Svc.CloseConsultation(ctx, e.As("bob"), c.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.Svc.PostConsultationMessage(ctx, e.As("erin"), c.ID, "more"); mentorvault.ErrorCode(err) != mentorvault.EFORBIDDEN {
		t.Fatalf("posted to a closed consultation: %v", err)
	}
}
