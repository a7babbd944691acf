package service_test

import (
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/mvtest"
	"github.com/mentorvault/mentorvault/internal/service"
)

// groupB is one of every record of the breaking-confidentiality protocol
// and the third-party paths, written through the service, with the stored
// form of some of them before their latest write.
type groupB struct {
	concern     *mentorvault.Concern
	step        *mentorvault.ConcernStep
	plan        *mentorvault.Disclosure // awaiting bob's signature, to grace
	planV1      *mentorvault.Disclosure // as first stored
	consult     *mentorvault.Consultation
	request     *service.MyRequest
	statement   *service.StatementView // alice's draft answer, edited once
	statementV1 *mentorvault.Statement // as first stored
	threeWay    *service.ThreeWayView  // agreed by both; dave wrote a note
	threeWayV1  *mentorvault.ThreeWayMeeting
	twNote      *service.ThreeWayNoteView
}

func newGroupB(t *testing.T, e *mvtest.Env) *groupB {
	t.Helper()
	var f groupB
	rel := e.Rel.ID
	alice, bob := e.As("alice"), e.As("bob")
	f.concern = must[*mentorvault.Concern](t)(e.Svc.RaiseConcern(ctx, bob, rel, mentorvault.ConcernHarmToOrg, "Figures leave the team.", false))
	f.step = must[*mentorvault.ConcernStep](t)(e.Svc.RecordConcernStep(ctx, alice, rel, f.concern.ID, mentorvault.StepComment, "", "Let us talk it through."))
	f.plan = must[*mentorvault.Disclosure](t)(e.Svc.ProposeDisclosurePlan(ctx, alice, rel, f.concern.ID, service.DisclosureInput{
		DiscloserID: e.Users["bob"].ID, RecipientEmail: "grace@northwind.example", How: "a meeting", Content: "Bob tells Grace what he saw.",
		EffectiveAt: time.Now().Add(100 * time.Hour)}))
	f.planV1 = storedDisclosure(t, e, f.plan.ID)
	f.consult = must[*mentorvault.Consultation](t)(e.Svc.StartConsultation(ctx, bob, rel, e.Users["erin"].ID, "", "Should I say more?"))
	f.request = request(t, e, "frank", "promotion to team lead")
	f.statement = must[*service.StatementView](t)(e.Svc.DraftStatement(ctx, alice, rel, f.request.ID, "Bob leads well."))
	f.statementV1 = storedStatement(t, e, f.statement.ID)
	f.statement = must[*service.StatementView](t)(e.Svc.EditStatement(ctx, alice, rel, f.statement.ID, "Bob leads well and delegates."))
	f.threeWay = must[*service.ThreeWayView](t)(e.Svc.ProposeThreeWay(ctx, bob, rel, service.ThreeWayInput{Brief: "Delegation only.",
		StartsAt: time.Now().Add(48 * time.Hour), Minutes: 30, Location: "Room 4"}))
	f.threeWayV1 = storedThreeWay(t, e, f.threeWay.ID)
	f.threeWay = must[*service.ThreeWayView](t)(e.Svc.AgreeThreeWay(ctx, alice, f.threeWay.ID))
	f.twNote = must[*service.ThreeWayNoteView](t)(e.Svc.AddThreeWayNote(ctx, e.As("dave"), f.threeWay.ID, "Thanks both."))
	return &f
}

func storedDisclosure(t *testing.T, e *mvtest.Env, id string) (d *mentorvault.Disclosure) {
	change(t, e, func(tx mentorvault.Tx) (err error) { d, err = tx.FindDisclosureByID(ctx, id); return err })
	return d
}

func storedStatement(t *testing.T, e *mvtest.Env, id string) (st *mentorvault.Statement) {
	change(t, e, func(tx mentorvault.Tx) (err error) { st, err = tx.FindStatementByID(ctx, id); return err })
	return st
}

func storedThreeWay(t *testing.T, e *mvtest.Env, id string) (m *mentorvault.ThreeWayMeeting) {
	change(t, e, func(tx mentorvault.Tx) (err error) { m, err = tx.FindThreeWayByID(ctx, id); return err })
	return m
}

func storedConcern(t *testing.T, e *mvtest.Env, id string) (c *mentorvault.Concern) {
	change(t, e, func(tx mentorvault.Tx) (err error) { c, err = tx.FindConcernByID(ctx, id); return err })
	return c
}

// behindTheBack runs SQL on the database directly, as someone with access
// to it but not to mentorvault would: for columns no store method writes.
// Values are IDs or SQL expressions, never input.
func behindTheBack(t *testing.T, e *mvtest.Env, table, set, id string) {
	t.Helper()
	res, err := e.DB.SQLDB().ExecContext(ctx, "UPDATE "+table+" SET "+set+" WHERE id = '"+id+"'")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("%s %s: %d rows changed", table, id, n)
	}
}

// TestTamperGroupBBinding changes, behind the service's back, a party,
// recipient, author or state of a concern, concern step, disclosure,
// consultation message, input request, statement, three-way meeting or its
// note, or restores an older ciphertext, or inserts a row: each is refused
// at read as damaged (lists flag it and serve the rest) and reported by
// audit verify with the record named.
func TestTamperGroupBBinding(t *testing.T) {
	cases := []struct {
		name   string
		record string
		why    string
		// mutate tampers and returns the damaged record's ID; check reads
		// it as the service's users would.
		mutate func(t *testing.T, e *mvtest.Env, f *groupB) string
		check  func(t *testing.T, e *mvtest.Env, f *groupB, id string)
	}{
		{"statement state flipped to released", "statement", "differs from its last audited write",
			func(t *testing.T, e *mvtest.Env, f *groupB) string {
				st := storedStatement(t, e, f.statement.ID)
				now := time.Now()
				st.State, st.ReleasedAt = mentorvault.StatementReleased, &now
				change(t, e, func(tx mentorvault.Tx) error { return tx.UpdateStatement(ctx, st) })
				return st.ID
			},
			func(t *testing.T, e *mvtest.Env, f *groupB, id string) {
				got := must[[]*service.ReceivedStatement](t)(e.Svc.ReceivedStatements(ctx, e.As("frank")))
				var flagged, served int
				for _, r := range got {
					switch {
					case r.ID == id && r.Damaged && r.Body.IsZero():
						flagged++
					case r.ID == id:
						t.Errorf("frank reads the tampered statement: %+v", r)
					case !r.Body.IsZero():
						served++
					}
				}
				if flagged != 1 || served == 0 {
					t.Errorf("frank's statements: %d flagged damaged, %d others served; want 1 and the demo's", flagged, served)
				}
				wantStatementDamaged(t, e, id)
			}},
		{"statement recipient changed", "statement", "differs from its last audited write",
			func(t *testing.T, e *mvtest.Env, f *groupB) string {
				behindTheBack(t, e, "statements", "recipient_user_id = '"+e.Users["heidi"].ID+"'", f.statement.ID)
				return f.statement.ID
			}, func(t *testing.T, e *mvtest.Env, f *groupB, id string) { wantStatementDamaged(t, e, id) }},
		{"statement older ciphertext restored", "statement", "differs from its last audited write",
			func(t *testing.T, e *mvtest.Env, f *groupB) string {
				st := storedStatement(t, e, f.statement.ID)
				st.BodySealed = f.statementV1.BodySealed
				change(t, e, func(tx mentorvault.Tx) error { return tx.UpdateStatement(ctx, st) })
				return st.ID
			}, func(t *testing.T, e *mvtest.Env, f *groupB, id string) { wantStatementDamaged(t, e, id) }},
		{"statement row inserted", "statement", "no audited write",
			func(t *testing.T, e *mvtest.Env, f *groupB) string {
				st := storedStatement(t, e, f.statement.ID)
				st.ID = mentorvault.NewID()
				change(t, e, func(tx mentorvault.Tx) error { return tx.CreateStatement(ctx, st) })
				return st.ID
			}, func(t *testing.T, e *mvtest.Env, f *groupB, id string) { wantStatementDamaged(t, e, id) }},
		{"input request requester changed", "input_request", "differs from its last audited write",
			func(t *testing.T, e *mvtest.Env, f *groupB) string {
				behindTheBack(t, e, "input_requests", "requester_id = '"+e.Users["heidi"].ID+"'", f.request.ID)
				return f.request.ID
			},
			func(t *testing.T, e *mvtest.Env, f *groupB, id string) {
				_, err := e.Svc.DeclineRequest(ctx, e.As("alice"), e.Rel.ID, id, "")
				wantDamaged(t, "decline the tampered request", err)
				tp := must[*service.ThirdPartyView](t)(e.Svc.ThirdParties(ctx, e.As("bob"), e.Rel.ID, service.PageFilter{}))
				var flagged, served int
				for _, r := range tp.Requests {
					switch {
					case r.ID == id && r.Damaged && r.Question.IsZero():
						flagged++
					case r.ID == id:
						t.Errorf("the tampered request is listed undamaged")
					case !r.Question.IsZero():
						served++
					}
				}
				if flagged != 1 || served == 0 {
					t.Errorf("requests: %d flagged damaged, %d others served; want 1 and the rest", flagged, served)
				}
			}},
		{"concern raiser changed", "concern", "differs from its last audited write",
			func(t *testing.T, e *mvtest.Env, f *groupB) string {
				behindTheBack(t, e, "concerns", "raised_by_id = '"+e.Users["alice"].ID+"'", f.concern.ID)
				return f.concern.ID
			},
			func(t *testing.T, e *mvtest.Env, f *groupB, id string) {
				_, err := e.Svc.CloseConcern(ctx, e.As("alice"), e.Rel.ID, id, mentorvault.ConcernWithdrawn, "")
				wantDamaged(t, "withdraw the tampered concern as its new raiser", err)
				wantConcernDamaged(t, e, id)
			}},
		{"concern row inserted", "concern", "no audited write",
			func(t *testing.T, e *mvtest.Env, f *groupB) string {
				c := storedConcern(t, e, f.concern.ID)
				c.ID = mentorvault.NewID()
				change(t, e, func(tx mentorvault.Tx) error { return tx.CreateConcern(ctx, c) })
				return c.ID
			}, func(t *testing.T, e *mvtest.Env, f *groupB, id string) { wantConcernDamaged(t, e, id) }},
		{"concern step author changed", "concern_step", "differs from its last audited write",
			func(t *testing.T, e *mvtest.Env, f *groupB) string {
				behindTheBack(t, e, "concern_steps", "author_id = '"+e.Users["bob"].ID+"'", f.step.ID)
				return f.step.ID
			},
			func(t *testing.T, e *mvtest.Env, f *groupB, id string) {
				v := must[*service.ConcernView](t)(e.Svc.Concern(ctx, e.As("bob"), e.Rel.ID, f.concern.ID))
				if len(v.Steps) != 1 || v.Steps[0].ID != id || !v.Steps[0].Damaged || !v.Steps[0].Body.IsZero() || v.Description.IsZero() {
					t.Errorf("the concern's view does not show the step damaged and the rest served: %+v", v.Steps)
				}
			}},
		{"disclosure state flipped to delivered", "disclosure", "differs from its last audited write",
			func(t *testing.T, e *mvtest.Env, f *groupB) string {
				d := storedDisclosure(t, e, f.plan.ID)
				now := time.Now()
				d.State, d.DeliveredAt = mentorvault.DisclosureDelivered, &now
				change(t, e, func(tx mentorvault.Tx) error { return tx.UpdateDisclosure(ctx, d) })
				return d.ID
			},
			func(t *testing.T, e *mvtest.Env, f *groupB, id string) {
				got := must[[]*service.ReceivedDisclosure](t)(e.Svc.ReceivedDisclosures(ctx, e.As("grace")))
				if len(got) != 1 || got[0].ID != id || !got[0].Damaged || !got[0].Content.IsZero() {
					t.Errorf("grace's disclosures: want the tampered one listed damaged without content, got %d", len(got))
				}
				wantDisclosureDamaged(t, e, f, id)
			}},
		{"disclosure recipient changed", "disclosure", "differs from its last audited write",
			func(t *testing.T, e *mvtest.Env, f *groupB) string {
				behindTheBack(t, e, "disclosures", "recipient_user_id = '"+e.Users["heidi"].ID+"'", f.plan.ID)
				return f.plan.ID
			}, func(t *testing.T, e *mvtest.Env, f *groupB, id string) { wantDisclosureDamaged(t, e, f, id) }},
		{"disclosure older ciphertext restored", "disclosure", "differs from its last audited write",
			func(t *testing.T, e *mvtest.Env, f *groupB) string {
				must[*mentorvault.Disclosure](t)(e.Svc.SignDisclosurePlan(ctx, e.As("bob"), e.Rel.ID, f.plan.ID))
				d := storedDisclosure(t, e, f.plan.ID)
				d.ContentSealed = f.planV1.ContentSealed
				change(t, e, func(tx mentorvault.Tx) error { return tx.UpdateDisclosure(ctx, d) })
				return d.ID
			},
			func(t *testing.T, e *mvtest.Env, f *groupB, id string) {
				_, err := e.Svc.WithdrawDisclosure(ctx, e.As("alice"), e.Rel.ID, id)
				wantDamaged(t, "withdraw the rolled-back disclosure", err)
				wantDisclosureListed(t, e, f, id)
			}},
		{"consultation message side flipped", "consultation_message", "differs from its last audited write",
			func(t *testing.T, e *mvtest.Env, f *groupB) string {
				th := must[*service.ConsultationView](t)(e.Svc.Consultation(ctx, e.As("bob"), f.consult.ID))
				behindTheBack(t, e, "consultation_messages", "from_supervisor = NOT from_supervisor", th.Messages[0].ID)
				return th.Messages[0].ID
			},
			func(t *testing.T, e *mvtest.Env, f *groupB, id string) {
				must[struct{}](t)(struct{}{}, e.Svc.PostConsultationMessage(ctx, e.As("erin"), f.consult.ID, "Take your time."))
				th := must[*service.ConsultationView](t)(e.Svc.Consultation(ctx, e.As("erin"), f.consult.ID))
				if len(th.Messages) != 2 || th.Messages[0].ID != id || !th.Messages[0].Damaged || !th.Messages[0].Body.IsZero() || th.Messages[1].Body.IsZero() {
					t.Errorf("the thread does not show the message damaged and the rest served")
				}
			}},
		{"three-way manager changed", "three_way", "differs from its last audited write",
			func(t *testing.T, e *mvtest.Env, f *groupB) string {
				behindTheBack(t, e, "three_way_meetings", "manager_id = '"+e.Users["heidi"].ID+"'", f.threeWay.ID)
				return f.threeWay.ID
			}, func(t *testing.T, e *mvtest.Env, f *groupB, id string) { wantThreeWayDamaged(t, e, id, "heidi") }},
		{"three-way older brief restored", "three_way", "differs from its last audited write",
			func(t *testing.T, e *mvtest.Env, f *groupB) string {
				m := storedThreeWay(t, e, f.threeWay.ID)
				m.BriefSealed = f.threeWayV1.BriefSealed
				change(t, e, func(tx mentorvault.Tx) error { return tx.UpdateThreeWay(ctx, m) })
				return m.ID
			}, func(t *testing.T, e *mvtest.Env, f *groupB, id string) { wantThreeWayDamaged(t, e, id, "dave") }},
		{"three-way note author changed", "three_way_note", "differs from its last audited write",
			func(t *testing.T, e *mvtest.Env, f *groupB) string {
				behindTheBack(t, e, "three_way_notes", "author_id = '"+e.Users["alice"].ID+"'", f.twNote.ID)
				return f.twNote.ID
			},
			func(t *testing.T, e *mvtest.Env, f *groupB, id string) {
				must[*service.ThreeWayNoteView](t)(e.Svc.AddThreeWayNote(ctx, e.As("bob"), f.threeWay.ID, "See you then."))
				v := must[*service.ThreeWayView](t)(e.Svc.ThreeWay(ctx, e.As("dave"), f.threeWay.ID))
				if len(v.Notes) != 2 || v.Notes[0].ID != id || !v.Notes[0].Damaged || !v.Notes[0].Body.IsZero() || v.Notes[1].Body.IsZero() || v.Brief.IsZero() {
					t.Errorf("the meeting does not show the note damaged and the rest served")
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			eachBackend(t, func(t *testing.T, e *mvtest.Env) {
				f := newGroupB(t, e)
				if rep := sealedReport(t, e); len(rep.Problems) > 0 {
					t.Fatalf("before tampering: %v", rep.Problems)
				}
				id := tc.mutate(t, e, f)
				tc.check(t, e, f, id)
				wantReported(t, e, tc.record, tc.why, id)
			})
		})
	}
}

// wantStatementDamaged: the pair's read of statement id is refused as
// damaged, and their list flags it and serves the rest.
func wantStatementDamaged(t *testing.T, e *mvtest.Env, id string) {
	t.Helper()
	_, err := e.Svc.Statement(ctx, e.As("bob"), e.Rel.ID, id)
	wantDamaged(t, "read the tampered statement", err)
	tp := must[*service.ThirdPartyView](t)(e.Svc.ThirdParties(ctx, e.As("bob"), e.Rel.ID, service.PageFilter{}))
	var flagged, served int
	for _, st := range tp.Statements {
		switch {
		case st.ID == id && st.Damaged && st.Body.IsZero():
			flagged++
		case st.ID == id:
			t.Errorf("the tampered statement is listed undamaged")
		case !st.Body.IsZero():
			served++
		}
	}
	if flagged != 1 || served == 0 {
		t.Errorf("statements: %d flagged damaged, %d others served; want 1 and the rest", flagged, served)
	}
}

// wantConcernDamaged: reading concern id alone is refused as damaged; the
// list flags it and serves the rest.
func wantConcernDamaged(t *testing.T, e *mvtest.Env, id string) {
	t.Helper()
	_, err := e.Svc.Concern(ctx, e.As("bob"), e.Rel.ID, id)
	wantDamaged(t, "read the tampered concern", err)
	list := must[[]*service.ConcernView](t)(e.Svc.Concerns(ctx, e.As("alice"), e.Rel.ID))
	var flagged, served int
	for _, c := range list {
		switch {
		case c.ID == id && c.Damaged && c.Description.IsZero():
			flagged++
		case c.ID == id:
			t.Errorf("the tampered concern is listed undamaged")
		case !c.Description.IsZero():
			served++
		}
	}
	if flagged != 1 || (len(list) > 1 && served == 0) {
		t.Errorf("concerns: %d flagged damaged, %d others served of %d", flagged, served, len(list))
	}
}

// wantDisclosureDamaged: signing disclosure id is refused as damaged and
// the concern's view flags it.
func wantDisclosureDamaged(t *testing.T, e *mvtest.Env, f *groupB, id string) {
	t.Helper()
	_, err := e.Svc.SignDisclosurePlan(ctx, e.As("bob"), e.Rel.ID, id)
	wantDamaged(t, "sign the tampered disclosure", err)
	wantDisclosureListed(t, e, f, id)
}

func wantDisclosureListed(t *testing.T, e *mvtest.Env, f *groupB, id string) {
	t.Helper()
	v := must[*service.ConcernView](t)(e.Svc.Concern(ctx, e.As("alice"), e.Rel.ID, f.concern.ID))
	if len(v.Disclosures) != 1 || v.Disclosures[0].ID != id || !v.Disclosures[0].Damaged || !v.Disclosures[0].Content.IsZero() || v.Description.IsZero() {
		t.Errorf("the concern's view does not show the disclosure damaged and the rest served")
	}
}

// wantThreeWayDamaged: reading three-way id alone is refused as damaged
// (to the pair and to manager, whoever the row names); the pair's list
// flags it.
func wantThreeWayDamaged(t *testing.T, e *mvtest.Env, id, manager string) {
	t.Helper()
	for _, who := range []string{"alice", manager} {
		_, err := e.Svc.ThreeWay(ctx, e.As(who), id)
		wantDamaged(t, who+" reads the tampered three-way meeting", err)
	}
	tp := must[*service.ThirdPartyView](t)(e.Svc.ThirdParties(ctx, e.As("bob"), e.Rel.ID, service.PageFilter{}))
	var flagged int
	for _, m := range tp.ThreeWays {
		if m.ID == id && m.Damaged && m.Brief.IsZero() {
			flagged++
		} else if m.ID == id {
			t.Errorf("the tampered three-way meeting is listed undamaged")
		}
	}
	if flagged != 1 {
		t.Errorf("three-way meetings: %d flagged damaged, want 1", flagged)
	}
}
