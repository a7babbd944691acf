package policy_test

import (
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// withExtra returns the real policy files plus extra ones.
func withExtra(t testing.TB, extra map[string]string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	files, err := fs.Glob(policy.PolicyFS, "*.cedar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no embedded policies: %v", err)
	}
	for _, name := range files {
		b, err := fs.ReadFile(policy.PolicyFS, name)
		if err != nil {
			t.Fatal(err)
		}
		m[name] = &fstest.MapFile{Data: b}
	}
	for name, src := range extra {
		m[name] = &fstest.MapFile{Data: []byte(src)}
	}
	return m
}

func parties(res policy.Resource) (rel policy.Relationship, author string, private bool, ok bool) {
	switch r := res.(type) {
	case policy.Relationship:
		return r, "", false, true
	case policy.Note:
		return r.Relationship, r.AuthorID, r.Visibility != "shared", true
	case policy.Feedback:
		return r.Relationship, "", false, true
	case policy.InputRequest:
		return r.Relationship, "", false, true
	case policy.Statement:
		return r.Relationship, "", false, true
	case policy.ThreeWay:
		return r.Relationship, "", false, true
	}
	return policy.Relationship{}, "", false, false
}

func orgOf(res policy.Resource) string {
	switch r := res.(type) {
	case policy.Org:
		return r.ID
	case policy.Programme:
		return r.OrgID
	case policy.Relationship:
		return r.OrgID
	case policy.Note:
		return r.Relationship.OrgID
	case policy.Feedback:
		return r.Relationship.OrgID
	case policy.Consultation:
		return r.OrgID
	case policy.Disclosure:
		return r.Relationship.OrgID
	case policy.InputRequest:
		return r.Relationship.OrgID
	case policy.Statement:
		return r.Relationship.OrgID
	case policy.ThreeWay:
		return r.Relationship.OrgID
	case policy.Account:
		return r.OrgID
	case policy.Person:
		return r.OrgID
	case policy.Enrolment:
		return r.OrgID
	}
	return ""
}

// TestForbidsHoldAgainstPermitAll adds a policy that permits everything and
// checks that the forbids alone still keep every promise of the second wall.
func TestForbidsHoldAgainstPermitAll(t *testing.T) {
	a, err := policy.NewFromFS(withExtra(t, map[string]string{
		"zz_permit_all.cedar": `@id("test.permit-all") permit (principal, action, resource);`,
	}))
	if err != nil {
		t.Fatal(err)
	}
	partyOnly := map[policy.Action]bool{}
	for _, act := range []policy.Action{
		policy.AcceptRelationship, policy.DeclineRelationship, policy.WithdrawRelationship,
		policy.PauseRelationship, policy.ResumeRelationship, policy.CloseRelationship,
		policy.ReadAgreement, policy.EditAgreement, policy.SignAgreement, policy.CommentAgreement,
		policy.ExportAgreement, policy.RecordReview, policy.ReadReviews,
		policy.CreateNote, policy.ListNotes, policy.ReadNote, policy.UpdateNote, policy.DeleteNote, policy.ReadAudit,
		policy.ScheduleMeeting, policy.ListMeetings, policy.UpdateMeeting, policy.StartMeeting,
		policy.CreateCommitment, policy.UpdateCommitment, policy.ListCommitments, policy.ListFeedback,
		policy.CreateGoal, policy.ListGoals,
		policy.RequestFeedback, policy.AnswerFeedback, policy.ReadFeedback,
		policy.RaiseConcern, policy.ReadConcerns, policy.ActOnConcern, policy.StartConsultation,
		policy.ReadThirdParty, policy.ActThirdParty, policy.AnswerRequest, policy.WriteStatement, policy.DecideStatement, policy.ActThreeWay,
	} {
		partyOnly[act] = true
	}
	for _, tb := range matrix {
		for _, r := range roles {
			for _, act := range policy.Actions {
				d, err := a.Authorize(r.s, act, tb.resource)
				if err != nil {
					t.Fatalf("%s %s on %s: %v", r.who, act, tb.title, err)
				}
				rel, author, private, isRel := parties(tb.resource)
				_, onRel := tb.resource.(policy.Relationship)
				isParty := isRel && (r.s.UserID == rel.MentorID || r.s.UserID == rel.MenteeID)
				fb, onFeedback := tb.resource.(policy.Feedback)
				prog, onProgramme := tb.resource.(policy.Programme)
				acc, onAccount := tb.resource.(policy.Account)
				con, onConsultation := tb.resource.(policy.Consultation)
				disc, onDisclosure := tb.resource.(policy.Disclosure)
				consultationAct := act == policy.ReadConsultation || act == policy.PostConsultation
				consulted := onConsultation && (r.s.UserID == con.ConsultantID ||
					(r.s.UserID == con.SupervisorID && slices.Contains(r.s.Supervises, con.ProgrammeID)))
				discParty := onDisclosure && (r.s.UserID == disc.Relationship.MentorID || r.s.UserID == disc.Relationship.MenteeID)
				discRecipient := onDisclosure && r.s.UserID == disc.RecipientUserID && disc.State == "delivered"
				req, onRequest := tb.resource.(policy.InputRequest)
				st, onStatement := tb.resource.(policy.Statement)
				tw, onThreeWay := tb.resource.(policy.ThreeWay)
				en, onEnrolment := tb.resource.(policy.Enrolment)
				mayAsk := onRel && (r.s.Requester || slices.Contains(rel.Managers, r.s.UserID)) && !isParty
				var why string
				switch {
				case r.s.UserID == "":
					why = "anonymous"
				case r.s.Deactivated:
					why = "deactivated account"
				case r.s.OrgID != orgOf(tb.resource):
					why = "cross-organisation"
				case partyOnly[act] && !isParty:
					why = "party-only action by a non-party"
				case act == policy.AgreementStatus && (!onRel || !(isParty || slices.Contains(r.s.Coordinates, rel.ProgrammeID))):
					why = "agreement status outside the parties and coordinators"
				case private && r.s.UserID != author:
					why = "private note of someone else"
				case act == policy.ReadFeedback && !(onFeedback && (r.s.UserID == fb.AskerID || r.s.UserID == fb.AnswererID)):
					why = "feedback read by someone other than the asker and the answerer"
				case act == policy.AnswerFeedback && !(onFeedback && r.s.UserID == fb.AnswererID):
					why = "feedback answered by someone other than the one asked"
				case act == policy.ViewFeedbackAggregates && !(onProgramme && (slices.Contains(r.s.Coordinates, prog.ID) || r.s.OrgAdmin)):
					why = "feedback aggregates outside the coordinators and org admins"
				case onEnrolment && r.s.UserID != en.UserID && !(act == policy.ReadEnrolment && slices.Contains(r.s.Coordinates, en.ProgrammeID)):
					why = "enrolment profile outside its person and its programme's coordinators"
				case act == policy.ListEnrolments && !(onProgramme && slices.Contains(r.s.Coordinates, prog.ID)):
					why = "enrolments listed by someone other than the programme's coordinators"
				case act == policy.ProgrammeDashboard && !(onProgramme && slices.Contains(r.s.Coordinates, prog.ID)):
					why = "programme dashboard outside its coordinators"
				case act == policy.ProposeMatches && !(onProgramme && slices.Contains(r.s.Coordinates, prog.ID)):
					why = "matches proposed by someone other than the programme's coordinators"
				case onAccount && r.s.UserID != acc.UserID:
					why = "someone else's account"
				case (onConsultation || consultationAct) && !consulted:
					why = "consultation outside its consultant and supervisor"
				case (onDisclosure || act == policy.ReadDisclosure) && !(discParty || discRecipient):
					why = "disclosure outside the parties and its delivered recipient"
				case act == policy.RequestInput && !mayAsk:
					why = "input requested by someone who is neither a requester nor a party's line manager, or by a party"
				case (onRequest || act == policy.ReadInputRequest) && !(onRequest && (r.s.UserID == req.RequesterID ||
					r.s.UserID == req.Relationship.MentorID || r.s.UserID == req.Relationship.MenteeID)):
					why = "input request outside its requester and the pair"
				case act == policy.AnswerRequest && !(onRequest && r.s.UserID == req.AskedID):
					why = "request answered by someone other than the party asked"
				case act == policy.WriteStatement && !(onStatement && r.s.UserID == st.AuthorID):
					why = "statement written by someone other than its author"
				case act == policy.DecideStatement && !(onStatement && r.s.UserID == st.SubjectID):
					why = "statement decided by someone other than its subject"
				case (onStatement || act == policy.ReceiveStatement) && !(onStatement && (isParty ||
					(act == policy.ReceiveStatement && r.s.UserID == st.RecipientUserID && st.Released))):
					why = "statement outside the pair and its recipient once released"
				case (onThreeWay || act == policy.ReadThreeWay || act == policy.NoteThreeWay) && !(onThreeWay && (isParty ||
					(r.s.UserID == tw.ManagerID && tw.Agreed && (act == policy.ReadThreeWay || act == policy.NoteThreeWay)))):
					why = "three-way meeting outside the pair and the line manager of an agreed brief"
				}
				if why != "" && d.Allowed {
					t.Errorf("%s %s on %s allowed despite the wall (%s)", r.who, act, tb.title, why)
				}
				if why == "" && !d.Allowed {
					t.Errorf("%s %s on %s denied with permit-all (%v)", r.who, act, tb.title, d.Policies)
				}
			}
		}
	}
}

func TestDeterminingPolicies(t *testing.T) {
	a := mustNew(t)
	cases := []struct {
		name    string
		who     string
		act     policy.Action
		res     policy.Resource
		allowed bool
		ids     []string
	}{
		{"shared note read by its author", "alice", policy.ReadNote, n2, true, []string{"note.read.author", "note.read.shared"}},
		{"private note read by the other party", "bob", policy.ReadNote, n1, false, []string{"forbid.private-note.non-author"}},
		{"coordinator lists notes", "carol", policy.ListNotes, r1, false, []string{"forbid.party-only.non-party"}},
		{"outsider views a relationship", "mallory", policy.ViewRelationship, r1, false, []string{"forbid.cross-org"}},
		{"anonymous reads the directory", "", policy.ViewDirectory, policy.Org{ID: acme}, false, []string{"forbid.anonymous", "forbid.cross-org"}},
		{"member manages users: default deny", "heidi", policy.ManageUsers, policy.Org{ID: acme}, false, nil},
		{"member views a listed relationship", "heidi", policy.ViewRelationship, r1, true, []string{"relationship.view.listed"}},
		{"mentee picks where the programme lets them", "heidi", policy.PickMatch, policy.Enrolment{ID: "E5", UserID: "heidi", ProgrammeID: progP, OrgID: acme, Mentee: true, MenteesPick: true}, true, []string{"match.pick.mentee"}},
		{"a mentor does not pick", "heidi", policy.PickMatch, policy.Enrolment{ID: "E6", UserID: "heidi", ProgrammeID: progP, OrgID: acme, MenteesPick: true}, false, nil},
		{"coordinator proposes matches", "carol", policy.ProposeMatches, pP, true, []string{"programme.match.propose.coordinator"}},
		{"org admin proposes matches", "grace", policy.ProposeMatches, pP, false, []string{"forbid.match-propose.non-coordinator"}},
		{"coordinator reads the agreement status", "carol", policy.AgreementStatus, r1, true, []string{"agreement.status.coordinator"}},
		{"coordinator reads the agreement", "carol", policy.ReadAgreement, r1, false, []string{"forbid.party-only.non-party"}},
		{"org admin reads the agreement status", "grace", policy.AgreementStatus, r1, false, []string{"forbid.agreement-status.outsider"}},
		{"party signs the agreement", "bob", policy.SignAgreement, r1, true, []string{"agreement.write.party"}},
		{"member views a programme", "heidi", policy.ViewProgramme, pP, true, []string{"programme.view.member"}},
		{"org admin edits a programme", "grace", policy.EditProgramme, pP, true, []string{"programme.edit.org-admin"}},
		{"coordinator edits their programme", "carol", policy.EditProgramme, pP, true, []string{"programme.edit.coordinator"}},
		{"outsider views a programme", "mallory", policy.ViewProgramme, pP, false, []string{"forbid.cross-org"}},
		{"mentor asks for feedback", "alice", policy.RequestFeedback, r1, true, []string{"feedback.request.party"}},
		{"mentee offers feedback unasked", "bob", policy.RequestFeedback, r1, true, []string{"feedback.request.party"}},
		{"coordinator asks for feedback", "carol", policy.RequestFeedback, r1, false, []string{"forbid.party-only.non-party"}},
		{"asker reads the feedback", "alice", policy.ReadFeedback, f1, true, []string{"feedback.read.asker"}},
		{"answerer reads their answer back", "bob", policy.ReadFeedback, f1, true, []string{"feedback.read.answerer"}},
		{"answerer answers", "bob", policy.AnswerFeedback, f1, true, []string{"feedback.answer.answerer"}},
		{"asker answers", "alice", policy.AnswerFeedback, f1, false, []string{"forbid.feedback-answer.non-answerer"}},
		{"coordinator reads feedback", "carol", policy.ReadFeedback, f1, false, []string{"forbid.feedback-read.outsider", "forbid.party-only.non-party"}},
		{"outsider reads feedback", "mallory", policy.ReadFeedback, f1, false, []string{"forbid.cross-org", "forbid.feedback-read.outsider", "forbid.party-only.non-party"}},
		{"coordinator schedules a meeting", "carol", policy.ScheduleMeeting, r1, false, []string{"forbid.party-only.non-party"}},
		{"party lists commitments", "bob", policy.ListCommitments, r1, true, []string{"commitment.list.party"}},
		{"coordinator sees feedback aggregates", "carol", policy.ViewFeedbackAggregates, pP, true, []string{"feedback.aggregate.coordinator"}},
		{"org admin sees feedback aggregates", "grace", policy.ViewFeedbackAggregates, pP, true, []string{"feedback.aggregate.org-admin"}},
		{"mentor sees feedback aggregates", "alice", policy.ViewFeedbackAggregates, pP, false, []string{"forbid.feedback-aggregate.outsider"}},
		{"coordinator sees the programme dashboard", "carol", policy.ProgrammeDashboard, pP, true, []string{"programme.dashboard.coordinator"}},
		{"org admin sees no programme dashboard", "grace", policy.ProgrammeDashboard, pP, false, []string{"forbid.programme-dashboard.non-coordinator"}},
		{"user manages own account", "alice", policy.ManageAccount, accAlice, true, []string{"account.manage.self"}},
		{"org admin manages someone's account", "grace", policy.ManageAccount, accAlice, false, []string{"forbid.account.non-owner"}},
		{"outsider manages an account", "mallory", policy.ManageAccount, accAlice, false, []string{"forbid.account.non-owner", "forbid.cross-org"}},
		{"party raises a concern", "bob", policy.RaiseConcern, r1, true, []string{"concern.raise.party"}},
		{"coordinator reads concerns", "carol", policy.ReadConcerns, r1, false, []string{"forbid.party-only.non-party"}},
		{"supervisor acts on a concern", "erin", policy.ActOnConcern, r1, false, []string{"forbid.party-only.non-party"}},
		{"party starts a consultation", "alice", policy.StartConsultation, r1, true, []string{"consultation.start.party"}},
		{"consultant reads the consultation", "bob", policy.ReadConsultation, c1, true, []string{"consultation.read.consultant"}},
		{"supervisor posts to the consultation", "erin", policy.PostConsultation, c1, true, []string{"consultation.post.supervisor"}},
		{"other party reads the consultation", "alice", policy.ReadConsultation, c1, false, []string{"forbid.consultation.outsider"}},
		{"coordinator reads the consultation", "carol", policy.ReadConsultation, c1, false, []string{"forbid.consultation.outsider"}},
		{"org admin reads the consultation", "grace", policy.ReadConsultation, c1, false, []string{"forbid.consultation.outsider"}},
		{"outsider reads the consultation", "mallory", policy.ReadConsultation, c1, false, []string{"forbid.consultation.outsider", "forbid.cross-org"}},
		{"consultation read on a relationship", "bob", policy.ReadConsultation, r1, false, []string{"forbid.consultation.outsider"}},
		{"party reads a scheduled disclosure", "alice", policy.ReadDisclosure, d1, true, []string{"disclosure.read.party"}},
		{"recipient reads a scheduled disclosure", "dave", policy.ReadDisclosure, d1, false, []string{"forbid.disclosure.outsider"}},
		{"recipient reads a delivered disclosure", "dave", policy.ReadDisclosure, d2, true, []string{"disclosure.read.recipient"}},
		{"coordinator reads a delivered disclosure", "carol", policy.ReadDisclosure, d2, false, []string{"forbid.disclosure.outsider"}},
		{"recipient lists concerns", "dave", policy.ReadConcerns, r1, false, []string{"forbid.party-only.non-party"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := a.Authorize(subjectOf(t, c.who), c.act, c.res)
			if err != nil {
				t.Fatal(err)
			}
			if d.Allowed != c.allowed || !slices.Equal(d.Policies, c.ids) {
				t.Errorf("got %+v, want allowed=%v policies=%v", d, c.allowed, c.ids)
			}
		})
	}
}

func TestEvaluationErrorDenies(t *testing.T) {
	for name, src := range map[string]string{
		"erroring permit": `@id("test.bad-permit") permit (principal, action, resource) when { resource.no_such_attr == 1 };`,
		"erroring forbid": `@id("test.permit-all") permit (principal, action, resource);
			@id("test.bad-forbid") forbid (principal, action, resource) when { principal.no_such_attr };`,
	} {
		t.Run(name, func(t *testing.T) {
			a, err := policy.NewFromFS(withExtra(t, map[string]string{"zz_test.cedar": src}))
			if err != nil {
				t.Fatal(err)
			}
			d, err := a.Authorize(subjectOf(t, "alice"), policy.ReadNote, n1)
			if err == nil {
				t.Fatal("no error from an erroring policy")
			}
			if d.Allowed {
				t.Error("allowed despite an evaluation error")
			}
			if mentorvault.ErrorCode(err) != mentorvault.EINTERNAL || !strings.Contains(err.Error(), "test.bad-") {
				t.Errorf("error = %v, want an internal error naming the policy", err)
			}
		})
	}
}

func TestBadRequests(t *testing.T) {
	a := mustNew(t)
	alice := subjectOf(t, "alice")
	if d, err := a.Authorize(alice, policy.Action("note.obliterate"), r1); err == nil || d.Allowed {
		t.Errorf("unknown action: %+v, %v; want deny and error", d, err)
	}
	if d, err := a.Authorize(alice, policy.ReadNote, nil); err == nil || d.Allowed {
		t.Errorf("nil resource: %+v, %v; want deny and error", d, err)
	}
	var nilNote *policy.Note
	if d, err := a.Authorize(alice, policy.ReadNote, nilNote); err == nil || d.Allowed {
		t.Errorf("nil *Note: %+v, %v; want deny and error", d, err)
	}
	var nilProgramme *policy.Programme
	if d, err := a.Authorize(alice, policy.ViewProgramme, nilProgramme); err == nil || d.Allowed {
		t.Errorf("nil *Programme: %+v, %v; want deny and error", d, err)
	}
	var nilFeedback *policy.Feedback
	if d, err := a.Authorize(alice, policy.ReadFeedback, nilFeedback); err == nil || d.Allowed {
		t.Errorf("nil *Feedback: %+v, %v; want deny and error", d, err)
	}
	var nilAccount *policy.Account
	if d, err := a.Authorize(alice, policy.ManageAccount, nilAccount); err == nil || d.Allowed {
		t.Errorf("nil *Account: %+v, %v; want deny and error", d, err)
	}
	var nilConsultation *policy.Consultation
	if d, err := a.Authorize(alice, policy.ReadConsultation, nilConsultation); err == nil || d.Allowed {
		t.Errorf("nil *Consultation: %+v, %v; want deny and error", d, err)
	}
	var nilDisclosure *policy.Disclosure
	if d, err := a.Authorize(alice, policy.ReadDisclosure, nilDisclosure); err == nil || d.Allowed {
		t.Errorf("nil *Disclosure: %+v, %v; want deny and error", d, err)
	}
	// Pointers work like values.
	if d, err := a.Authorize(subjectOf(t, "bob"), policy.ReadConsultation, &c1); err != nil || !d.Allowed {
		t.Errorf("*Consultation: %+v, %v; want allow", d, err)
	}
	if d, err := a.Authorize(alice, policy.ReadDisclosure, &d1); err != nil || !d.Allowed {
		t.Errorf("*Disclosure: %+v, %v; want allow", d, err)
	}
	if d, err := a.Authorize(alice, policy.ReadFeedback, &f1); err != nil || !d.Allowed {
		t.Errorf("*Feedback: %+v, %v; want allow", d, err)
	}
	if d, err := a.Authorize(alice, policy.ManageAccount, &accAlice); err != nil || !d.Allowed {
		t.Errorf("*Account: %+v, %v; want allow", d, err)
	}
	if d, err := a.Authorize(alice, policy.ReadNote, &n1); err != nil || !d.Allowed {
		t.Errorf("*Note: %+v, %v; want allow", d, err)
	}
	if d, err := a.Authorize(alice, policy.ViewProgramme, &pP); err != nil || !d.Allowed {
		t.Errorf("*Programme: %+v, %v; want allow", d, err)
	}
}

func TestNewRejectsBadPolicyFiles(t *testing.T) {
	for name, files := range map[string]fstest.MapFS{
		"no id":        {"a.cedar": {Data: []byte(`permit (principal, action, resource);`)}},
		"duplicate id": {"a.cedar": {Data: []byte(`@id("x") permit (principal, action, resource);`)}, "b.cedar": {Data: []byte(`@id("x") forbid (principal, action, resource);`)}},
		"syntax":       {"a.cedar": {Data: []byte(`@id("x") permit (principal, action, resource) when { ;`)}},
		"no files":     {},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := policy.NewFromFS(files); err == nil {
				t.Error("New accepted bad policy files")
			}
		})
	}
}

// TestNoEvaluationErrors asks every action of every fixture user about
// resources with missing or unusual attributes (no mentor, unknown kind,
// informal, empty IDs): the walls must never error, since Cedar would skip an
// erroring forbid.
func TestNoEvaluationErrors(t *testing.T) {
	a := mustNew(t)
	odd := []policy.Relationship{
		r1,
		{ID: "R6", OrgID: acme, MentorID: "alice", MenteeID: "bob", Status: "active", Kind: "peer"},
		{ID: "R7", OrgID: acme, ProgrammeID: progP, MenteeID: "bob", Status: "active"},
		{ID: "R8", OrgID: acme, Status: "active", Kind: "mentoring"},
		{},
	}
	var resources []policy.Resource
	for _, r := range odd {
		resources = append(resources, r,
			policy.Note{ID: "N", AuthorID: "alice", Visibility: "shared", Relationship: r},
			policy.Feedback{ID: "F", AskerID: "alice", AnswererID: "bob", Relationship: r},
			policy.Feedback{Relationship: r},
			policy.Disclosure{ID: "D", RecipientUserID: "dave", State: "delivered", Relationship: r},
			policy.Disclosure{ID: "D", State: "delivered", Relationship: r},
			policy.Disclosure{Relationship: r})
	}
	resources = append(resources, policy.Org{}, policy.Programme{}, policy.Account{}, accAlice, policy.Account{UserID: "alice"},
		policy.Consultation{}, policy.Consultation{ID: "C", ConsultantID: "bob", SupervisorID: "erin", Closed: true},
		policy.Consultation{ID: "C", ConsultantID: "bob", SupervisorID: "erin", ProgrammeID: progG, OrgID: acme})
	for _, tb := range matrix {
		resources = append(resources, tb.resource)
	}
	for _, res := range resources {
		for _, r := range roles {
			for _, act := range policy.Actions {
				if _, err := a.Authorize(r.s, act, res); err != nil {
					t.Errorf("%q %s on %+v: %v", r.who, act, res, err)
				}
			}
		}
	}
}

func TestConcurrentAuthorize(t *testing.T) {
	a := mustNew(t)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 200 {
				r := roles[(i+j)%len(roles)]
				if _, err := a.Authorize(r.s, policy.Actions[j%len(policy.Actions)], r1); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkAuthorize(b *testing.B) {
	a := mustNew(b)
	reqs := []struct {
		s   policy.Subject
		act policy.Action
		res policy.Resource
	}{
		{subjectOf(b, "alice"), policy.ReadNote, n2},
		{subjectOf(b, "bob"), policy.CreateNote, r1},
		{subjectOf(b, "heidi"), policy.ViewRelationship, r1},
		{subjectOf(b, "carol"), policy.ListNotes, r1},
		{subjectOf(b, "mallory"), policy.ViewDirectory, policy.Org{ID: acme}},
	}
	i := 0
	for b.Loop() {
		r := reqs[i%len(reqs)]
		if _, err := a.Authorize(r.s, r.act, r.res); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}

func TestAllow(t *testing.T) {
	a := mustNew(t)
	got, err := a.Allow(subjectOf(t, "bob"), r1, policy.RelationshipActions...)
	if err != nil {
		t.Fatalf("Allow: %v", err)
	}
	for _, act := range policy.RelationshipActions {
		d, err := a.Authorize(subjectOf(t, "bob"), act, r1)
		if err != nil {
			t.Fatal(err)
		}
		if got.Has(act) != d.Allowed {
			t.Errorf("Allow says %s is %v, Authorize %v", act, got.Has(act), d.Allowed)
		}
	}
	if !got.Has(policy.SignAgreement) || !got.Has(policy.AgreementStatus) {
		t.Errorf("bob, a party, should sign and read the status: %v", got)
	}
	carol, err := a.Allow(subjectOf(t, "carol"), r1, policy.RelationshipActions...)
	if err != nil {
		t.Fatal(err)
	}
	if carol.Has(policy.ListNotes) || carol.Has(policy.ScheduleMeeting) || !carol.Has(policy.AgreementStatus) {
		t.Errorf("carol, the coordinator, sees the status and no content: %v", carol)
	}
	if ok, err := got.Can("agreement.sign"); err != nil || !ok {
		t.Errorf("Can(agreement.sign) = %v, %v", ok, err)
	}
	if _, err := got.Can("agreement.sing"); err == nil {
		t.Error("Can accepted an action that does not exist: a typo in a template must fail the page")
	}
	seen := map[policy.Action]bool{}
	for _, act := range policy.RelationshipActions {
		if seen[act] || !slices.Contains(policy.Actions, act) {
			t.Errorf("RelationshipActions: %s repeated or unknown", act)
		}
		seen[act] = true
	}
}

// BenchmarkAllowRelationship is what a relationship page costs in policy:
// every relationship action decided for one viewer.
func BenchmarkAllowRelationship(b *testing.B) {
	a := mustNew(b)
	s := subjectOf(b, "bob")
	for b.Loop() {
		if _, err := a.Allow(s, r1, policy.RelationshipActions...); err != nil {
			b.Fatal(err)
		}
	}
}
