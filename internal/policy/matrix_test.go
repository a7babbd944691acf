package policy_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault/internal/policy"
)

var update = flag.Bool("update", false, "rewrite docs/access-matrix.md from the expectation tables")

// The fixture: organisation acme with programme P, and an outsider from globex.
//
//	alice mentors bob in P (R1, active); bob's line manager is dave.
//	carol coordinates P; globex has a programme G.
//	ivan mentors judy in P (R2, active).
//	judy proposed to mentor bob in P (R3, proposed: not in the directory yet).
//	alice asked bob for feedback on her mentoring in R1 (F1).
//	bob consults erin, P's supervisor, about a concern in R1 (C1).
//	a disclosure in R1 to dave is scheduled (D1); another was delivered (D2).
//	carol coordinates P; erin supervises P; frank is a requester; grace is an
//	org admin; heidi is a member with no relationship; mallory is an org
//	admin of globex.
const (
	acme   = "acme"
	globex = "globex"
	progP  = "P"
	progQ  = "Q"
	progG  = "G"
)

type role struct {
	name, who string
	s         policy.Subject
}

// roles are the matrix rows, in order.
var roles = []role{
	{"member", "heidi", policy.Subject{UserID: "heidi", OrgID: acme}},
	{"mentor", "alice", policy.Subject{UserID: "alice", OrgID: acme}},
	{"mentee", "bob", policy.Subject{UserID: "bob", OrgID: acme}},
	{"coordinator", "carol", policy.Subject{UserID: "carol", OrgID: acme, Coordinates: []string{progP}}},
	{"supervisor", "erin", policy.Subject{UserID: "erin", OrgID: acme, Supervises: []string{progP}}},
	{"line manager", "dave", policy.Subject{UserID: "dave", OrgID: acme}},
	{"requester", "frank", policy.Subject{UserID: "frank", OrgID: acme, Requester: true}},
	{"org admin", "grace", policy.Subject{UserID: "grace", OrgID: acme, OrgAdmin: true}},
	{"other pair's mentor", "ivan", policy.Subject{UserID: "ivan", OrgID: acme}},
	{"other-org user", "mallory", policy.Subject{UserID: "mallory", OrgID: globex, OrgAdmin: true}},
	{"deactivated user", "olga", policy.Subject{UserID: "olga", OrgID: acme, OrgAdmin: true, Deactivated: true}},
	{"anonymous", "", policy.Subject{}},
}

var (
	r1 = policy.Relationship{ID: "R1", OrgID: acme, ProgrammeID: progP, MentorID: "alice", MenteeID: "bob", Status: "active", Kind: "mentoring", Managers: []string{"dave"}}
	r2 = policy.Relationship{ID: "R2", OrgID: acme, ProgrammeID: progP, MentorID: "ivan", MenteeID: "judy", Status: "active", Kind: "mentoring"}
	r3 = policy.Relationship{ID: "R3", OrgID: acme, ProgrammeID: progP, MentorID: "judy", MenteeID: "bob", Status: "proposed", Kind: "mentoring", Managers: []string{"dave"}}

	n1 = policy.Note{ID: "N1", AuthorID: "alice", Visibility: "private", Relationship: r1}
	n2 = policy.Note{ID: "N2", AuthorID: "alice", Visibility: "shared", Relationship: r1}
	n3 = policy.Note{ID: "N3", AuthorID: "bob", Visibility: "private", Relationship: r1}
	n4 = policy.Note{ID: "N4", AuthorID: "ivan", Visibility: "shared", Relationship: r2}

	f1 = policy.Feedback{ID: "F1", AskerID: "alice", AnswererID: "bob", Relationship: r1}

	c1 = policy.Consultation{ID: "C1", ConsultantID: "bob", SupervisorID: "erin", ProgrammeID: progP, OrgID: acme}

	d1 = policy.Disclosure{ID: "D1", RecipientUserID: "dave", State: "scheduled", Relationship: r1}
	d2 = policy.Disclosure{ID: "D2", RecipientUserID: "dave", State: "delivered", Relationship: r1}

	q1 = policy.InputRequest{ID: "Q1", RequesterID: "frank", AskedID: "alice", Relationship: r1}
	s1 = policy.Statement{ID: "S1", AuthorID: "alice", SubjectID: "bob", RecipientUserID: "frank", Relationship: r1}
	s2 = policy.Statement{ID: "S2", AuthorID: "alice", SubjectID: "bob", RecipientUserID: "frank", Released: true, Relationship: r1}
	t1 = policy.ThreeWay{ID: "T1", ManagerID: "dave", State: "proposed", Relationship: r1}
	t2 = policy.ThreeWay{ID: "T2", ManagerID: "dave", State: "agreed", Agreed: true, Relationship: r1}

	pP = policy.Programme{ID: progP, OrgID: acme}
	pQ = policy.Programme{ID: progQ, OrgID: acme}
	pG = policy.Programme{ID: progG, OrgID: globex}

	accAlice = policy.Account{UserID: "alice", OrgID: acme}
	accJudy  = policy.Account{UserID: "judy", OrgID: acme}

	enrolHeidiP = policy.Enrolment{ID: "E1", UserID: "heidi", ProgrammeID: progP, OrgID: acme}
	enrolHeidiQ = policy.Enrolment{ID: "E2", UserID: "heidi", ProgrammeID: progQ, OrgID: acme}
	// heidi enrolled as a mentee in P, which lets its mentees pick (E3),
	// and in Q, which does not (E4).
	enrolHeidiPick   = policy.Enrolment{ID: "E3", UserID: "heidi", ProgrammeID: progP, OrgID: acme, Mentee: true, MenteesPick: true}
	enrolHeidiNoPick = policy.Enrolment{ID: "E4", UserID: "heidi", ProgrammeID: progQ, OrgID: acme, Mentee: true}

	personHeidi = policy.Person{ID: "heidi", OrgID: acme}
	personGrace = policy.Person{ID: "grace", OrgID: acme}
	personOther = policy.Person{ID: "oscar", OrgID: globex}
)

var (
	orgActions = []policy.Action{policy.ViewDirectory, policy.ProposeRelationship, policy.ManageUsers, policy.ManageProgrammes,
		policy.ListPeople, policy.CreatePerson, policy.ManageSSO, policy.ManageMFA, policy.ManageSCIM, policy.Provision, policy.ManagePrivacy}
	relActions = []policy.Action{
		policy.ViewRelationship, policy.AcceptRelationship, policy.DeclineRelationship, policy.WithdrawRelationship,
		policy.PauseRelationship, policy.ResumeRelationship, policy.CloseRelationship,
		policy.AgreementStatus, policy.ReadAgreement, policy.EditAgreement, policy.SignAgreement,
		policy.CommentAgreement, policy.ExportAgreement, policy.RecordReview, policy.ReadReviews,
		policy.CreateNote, policy.ListNotes, policy.ReadAudit,
		policy.ScheduleMeeting, policy.ListMeetings, policy.UpdateMeeting, policy.StartMeeting,
		policy.CreateCommitment, policy.UpdateCommitment, policy.ListCommitments,
		policy.CreateGoal, policy.ListGoals, policy.RequestFeedback, policy.ListFeedback,
		policy.RaiseConcern, policy.ReadConcerns, policy.ActOnConcern, policy.StartConsultation,
		policy.RequestInput, policy.ReadThirdParty, policy.ActThirdParty, policy.EndRelationship, policy.HoldRelationship,
	}
	requestActions      = []policy.Action{policy.ReadInputRequest, policy.AnswerRequest}
	statementActions    = []policy.Action{policy.WriteStatement, policy.DecideStatement, policy.ReceiveStatement}
	threeWayActions     = []policy.Action{policy.ReadThreeWay, policy.ActThreeWay, policy.NoteThreeWay}
	consultationActions = []policy.Action{policy.ReadConsultation, policy.PostConsultation}
	disclosureActions   = []policy.Action{policy.ReadDisclosure}
	noteActions         = []policy.Action{policy.ReadNote, policy.UpdateNote, policy.DeleteNote}
	feedbackActions     = []policy.Action{policy.ReadFeedback, policy.AnswerFeedback}
	programmeActions    = []policy.Action{policy.ViewProgramme, policy.EditProgramme, policy.ViewFeedbackAggregates,
		policy.UpdateProgramme, policy.ProgrammeEnrolment, policy.ProgrammeStaff, policy.ProgrammeEnrol, policy.ListEnrolments, policy.ProgrammeDashboard, policy.ProposeMatches}
	enrolmentActions = []policy.Action{policy.ReadEnrolment, policy.UpdateEnrolment, policy.PickMatch}
	accountActions   = []policy.Action{policy.ManageAccount}
	personActions    = []policy.Action{policy.ViewPerson, policy.UpdatePerson, policy.DeactivatePerson, policy.InvitePerson, policy.AdminPerson, policy.ResetPersonPassword, policy.Provision}
)

// table is the expected decision of every role for every action that applies
// to one resource: A = allowed, D = denied. Written by hand from DESIGN.md §1;
// never computed from the policies. Actions that do not apply to the
// resource's type are denied for everyone (TestAccessMatrix checks that too).
type table struct {
	title    string
	resource policy.Resource
	actions  []policy.Action
	rows     map[string]string // role name → one A/D per action
}

var matrix = []table{
	{
		title: "Own organisation (acme)", resource: policy.Org{ID: acme}, actions: orgActions,
		rows: map[string]string{
			//                     dir prop users progs plist pcreate sso mfa scim prov priv
			"member":              "A   A    D     D     D     D     D     D    D    D    D",
			"mentor":              "A   A    D     D     D     D     D     D    D    D    D",
			"mentee":              "A   A    D     D     D     D     D     D    D    D    D",
			"coordinator":         "A   A    D     D     D     D     D     D    D    D    D",
			"supervisor":          "A   A    D     D     D     D     D     D    D    D    D",
			"line manager":        "A   A    D     D     D     D     D     D    D    D    D",
			"requester":           "A   A    D     D     D     D     D     D    D    D    D",
			"org admin":           "A   A    A     A     A     A     A     A    A    D    A",
			"other pair's mentor": "A   A    D     D     D     D     D     D    D    D    D",
			"other-org user":      "D   D    D     D     D     D     D     D    D    D    D",
			"deactivated user":    "D   D    D     D     D     D     D     D    D    D    D",
			"anonymous":           "D   D    D     D     D     D     D     D    D    D    D",
		},
	},
	{
		title: "Another organisation (globex, where mallory is an org admin)", resource: policy.Org{ID: globex}, actions: orgActions,
		rows: map[string]string{
			//                     dir prop users progs plist pcreate sso mfa scim prov priv
			"member":              "D   D    D     D     D     D     D     D    D    D    D",
			"mentor":              "D   D    D     D     D     D     D     D    D    D    D",
			"mentee":              "D   D    D     D     D     D     D     D    D    D    D",
			"coordinator":         "D   D    D     D     D     D     D     D    D    D    D",
			"supervisor":          "D   D    D     D     D     D     D     D    D    D    D",
			"line manager":        "D   D    D     D     D     D     D     D    D    D    D",
			"requester":           "D   D    D     D     D     D     D     D    D    D    D",
			"org admin":           "D   D    D     D     D     D     D     D    D    D    D",
			"other pair's mentor": "D   D    D     D     D     D     D     D    D    D    D",
			"other-org user":      "A   A    A     A     A     A     A     A    A    D    A",
			"deactivated user":    "D   D    D     D     D     D     D     D    D    D    D",
			"anonymous":           "D   D    D     D     D     D     D     D    D    D    D",
		},
	},
	{
		title: "A person of acme (heidi, a member): what an org admin manages", resource: personHeidi, actions: personActions,
		rows: map[string]string{
			//                     view upd  deac inv  admin reset prov
			"member":              "D    D    D    D    D    D    D",
			"mentor":              "D    D    D    D    D    D    D",
			"mentee":              "D    D    D    D    D    D    D",
			"coordinator":         "D    D    D    D    D    D    D",
			"supervisor":          "D    D    D    D    D    D    D",
			"line manager":        "D    D    D    D    D    D    D",
			"requester":           "D    D    D    D    D    D    D",
			"org admin":           "A    A    A    A    A    A    D",
			"other pair's mentor": "D    D    D    D    D    D    D",
			"other-org user":      "D    D    D    D    D    D    D",
			"deactivated user":    "D    D    D    D    D    D    D",
			"anonymous":           "D    D    D    D    D    D    D",
		},
	},
	{
		title: "An org admin of acme (grace) as a person: another admin, or herself", resource: personGrace, actions: personActions,
		rows: map[string]string{
			//                     view upd  deac inv  admin reset prov
			"member":              "D    D    D    D    D    D    D",
			"mentor":              "D    D    D    D    D    D    D",
			"mentee":              "D    D    D    D    D    D    D",
			"coordinator":         "D    D    D    D    D    D    D",
			"supervisor":          "D    D    D    D    D    D    D",
			"line manager":        "D    D    D    D    D    D    D",
			"requester":           "D    D    D    D    D    D    D",
			"org admin":           "A    A    A    A    A    A    D",
			"other pair's mentor": "D    D    D    D    D    D    D",
			"other-org user":      "D    D    D    D    D    D    D",
			"deactivated user":    "D    D    D    D    D    D    D",
			"anonymous":           "D    D    D    D    D    D    D",
		},
	},
	{
		title: "A person of globex (oscar)", resource: personOther, actions: personActions,
		rows: map[string]string{
			//                     view upd  deac inv  admin reset prov
			"member":              "D    D    D    D    D    D    D",
			"mentor":              "D    D    D    D    D    D    D",
			"mentee":              "D    D    D    D    D    D    D",
			"coordinator":         "D    D    D    D    D    D    D",
			"supervisor":          "D    D    D    D    D    D    D",
			"line manager":        "D    D    D    D    D    D    D",
			"requester":           "D    D    D    D    D    D    D",
			"org admin":           "D    D    D    D    D    D    D",
			"other pair's mentor": "D    D    D    D    D    D    D",
			"other-org user":      "A    A    A    A    A    A    D",
			"deactivated user":    "D    D    D    D    D    D    D",
			"anonymous":           "D    D    D    D    D    D    D",
		},
	},
	{
		title: "Own relationship R1 (alice mentors bob in P, active)", resource: r1, actions: relActions,
		rows: map[string]string{
			//                     view acc dec wdr pau res clo ast ard aed asg acm aex rrc rrd ncr nls aud msc mls mup mst ccr cup cls gcr gls frq fls crs crd cac cst ireq tprd tpac end hld
			"member":              "A    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
			"mentor":              "A    A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A  D    A    A    D   D",
			"mentee":              "A    A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A  D    A    A    D   D",
			"coordinator":         "A    D   D   D   D   D   D   A   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    A   D",
			"supervisor":          "A    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
			"line manager":        "A    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  A    D    D    D   D",
			"requester":           "A    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  A    D    D    D   D",
			"org admin":           "A    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   A",
			"other pair's mentor": "A    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
			"other-org user":      "D    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
			"deactivated user":    "D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D    D   D",
			"anonymous":           "D    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
		},
	},
	{
		title: "Other relationship R2 (ivan mentors judy in P, active)", resource: r2, actions: relActions,
		rows: map[string]string{
			//                     view acc dec wdr pau res clo ast ard aed asg acm aex rrc rrd ncr nls aud msc mls mup mst ccr cup cls gcr gls frq fls crs crd cac cst ireq tprd tpac end hld
			"member":              "A    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
			"mentor":              "A    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
			"mentee":              "A    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
			"coordinator":         "A    D   D   D   D   D   D   A   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    A   D",
			"supervisor":          "A    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
			"line manager":        "A    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
			"requester":           "A    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  A    D    D    D   D",
			"org admin":           "A    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   A",
			"other pair's mentor": "A    A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A  D    A    A    D   D",
			"other-org user":      "D    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
			"deactivated user":    "D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D    D   D",
			"anonymous":           "D    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
		},
	},
	{
		title: "Proposed relationship R3 (judy proposed to mentor bob in P; not yet in the directory)", resource: r3, actions: relActions,
		rows: map[string]string{
			//                     view acc dec wdr pau res clo ast ard aed asg acm aex rrc rrd ncr nls aud msc mls mup mst ccr cup cls gcr gls frq fls crs crd cac cst ireq tprd tpac end hld
			"member":              "D    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
			"mentor":              "D    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
			"mentee":              "A    A   A   A   A   A   A   A   D   D   D   D   D   D   D   D   D   A   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
			"coordinator":         "A    D   D   D   D   D   D   A   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    A   D",
			"supervisor":          "D    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
			"line manager":        "D    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
			"requester":           "D    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
			"org admin":           "D    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   A",
			"other pair's mentor": "D    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
			"other-org user":      "D    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
			"deactivated user":    "D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D D    D   D",
			"anonymous":           "D    D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D  D    D    D    D   D",
		},
	},
	{
		title: "alice's private note in R1", resource: n1, actions: noteActions,
		rows: map[string]string{
			//                     read upd del
			"member":              "D    D   D",
			"mentor":              "A    A   A",
			"mentee":              "D    D   D",
			"coordinator":         "D    D   D",
			"supervisor":          "D    D   D",
			"line manager":        "D    D   D",
			"requester":           "D    D   D",
			"org admin":           "D    D   D",
			"other pair's mentor": "D    D   D",
			"other-org user":      "D    D   D",
			"deactivated user":    "D D D",
			"anonymous":           "D    D   D",
		},
	},
	{
		title: "alice's shared note in R1", resource: n2, actions: noteActions,
		rows: map[string]string{
			//                     read upd del
			"member":              "D    D   D",
			"mentor":              "A    A   A",
			"mentee":              "A    D   D",
			"coordinator":         "D    D   D",
			"supervisor":          "D    D   D",
			"line manager":        "D    D   D",
			"requester":           "D    D   D",
			"org admin":           "D    D   D",
			"other pair's mentor": "D    D   D",
			"other-org user":      "D    D   D",
			"deactivated user":    "D D D",
			"anonymous":           "D    D   D",
		},
	},
	{
		title: "bob's private note in R1", resource: n3, actions: noteActions,
		rows: map[string]string{
			//                     read upd del
			"member":              "D    D   D",
			"mentor":              "D    D   D",
			"mentee":              "A    A   A",
			"coordinator":         "D    D   D",
			"supervisor":          "D    D   D",
			"line manager":        "D    D   D",
			"requester":           "D    D   D",
			"org admin":           "D    D   D",
			"other pair's mentor": "D    D   D",
			"other-org user":      "D    D   D",
			"deactivated user":    "D D D",
			"anonymous":           "D    D   D",
		},
	},
	{
		title: "ivan's shared note in R2", resource: n4, actions: noteActions,
		rows: map[string]string{
			//                     read upd del
			"member":              "D    D   D",
			"mentor":              "D    D   D",
			"mentee":              "D    D   D",
			"coordinator":         "D    D   D",
			"supervisor":          "D    D   D",
			"line manager":        "D    D   D",
			"requester":           "D    D   D",
			"org admin":           "D    D   D",
			"other pair's mentor": "A    A   A",
			"other-org user":      "D    D   D",
			"deactivated user":    "D D D",
			"anonymous":           "D    D   D",
		},
	},
	{
		title: "alice's request for feedback in R1 (F1: alice asked, bob answers)", resource: f1, actions: feedbackActions,
		rows: map[string]string{
			//                     read answer
			"member":              "D    D",
			"mentor":              "A    D",
			"mentee":              "A    A",
			"coordinator":         "D    D",
			"supervisor":          "D    D",
			"line manager":        "D    D",
			"requester":           "D    D",
			"org admin":           "D    D",
			"other pair's mentor": "D    D",
			"other-org user":      "D    D",
			"deactivated user":    "D D",
			"anonymous":           "D    D",
		},
	},
	{
		title: "bob's consultation with erin, P's supervisor, about a concern in R1 (C1): not alice, not the coordinator, not the org admin", resource: c1, actions: consultationActions,
		rows: map[string]string{
			//                     read post
			"member":              "D    D",
			"mentor":              "D    D",
			"mentee":              "A    A",
			"coordinator":         "D    D",
			"supervisor":          "A    A",
			"line manager":        "D    D",
			"requester":           "D    D",
			"org admin":           "D    D",
			"other pair's mentor": "D    D",
			"other-org user":      "D    D",
			"deactivated user":    "D D",
			"anonymous":           "D    D",
		},
	},
	{
		title: "A disclosure in R1 to dave, scheduled (D1): the parties see it, the recipient not yet", resource: d1, actions: disclosureActions,
		rows: map[string]string{
			//                     read
			"member":              "D",
			"mentor":              "A",
			"mentee":              "A",
			"coordinator":         "D",
			"supervisor":          "D",
			"line manager":        "D",
			"requester":           "D",
			"org admin":           "D",
			"other pair's mentor": "D",
			"other-org user":      "D",
			"deactivated user":    "D",
			"anonymous":           "D",
		},
	},
	{
		title: "A disclosure in R1 to dave, delivered (D2): the parties and the recipient", resource: d2, actions: disclosureActions,
		rows: map[string]string{
			//                     read
			"member":              "D",
			"mentor":              "A",
			"mentee":              "A",
			"coordinator":         "D",
			"supervisor":          "D",
			"line manager":        "A",
			"requester":           "D",
			"org admin":           "D",
			"other pair's mentor": "D",
			"other-org user":      "D",
			"deactivated user":    "D",
			"anonymous":           "D",
		},
	},
	{
		title: "frank's request to alice for input about bob in R1 (Q1): the requester reads its status; the pair see it on the relationship", resource: q1, actions: requestActions,
		rows: map[string]string{
			//                     read answer
			"member":              "D    D",
			"mentor":              "D    A",
			"mentee":              "D    D",
			"coordinator":         "D    D",
			"supervisor":          "D    D",
			"line manager":        "D    D",
			"requester":           "A    D",
			"org admin":           "D    D",
			"other pair's mentor": "D    D",
			"other-org user":      "D    D",
			"deactivated user":    "D D",
			"anonymous":           "D    D",
		},
	},
	{
		title: "alice's draft statement for frank about bob in R1 (S1): the pair only; never the requester", resource: s1, actions: statementActions,
		rows: map[string]string{
			//                     write decide receive
			"member":              "D    D    D",
			"mentor":              "A    D    D",
			"mentee":              "D    A    D",
			"coordinator":         "D    D    D",
			"supervisor":          "D    D    D",
			"line manager":        "D    D    D",
			"requester":           "D    D    D",
			"org admin":           "D    D    D",
			"other pair's mentor": "D    D    D",
			"other-org user":      "D    D    D",
			"deactivated user":    "D D D",
			"anonymous":           "D    D    D",
		},
	},
	{
		title: "alice's statement for frank about bob in R1, released (S2): the requester reads it; nobody else outside the pair", resource: s2, actions: statementActions,
		rows: map[string]string{
			//                     write decide receive
			"member":              "D    D    D",
			"mentor":              "A    D    D",
			"mentee":              "D    A    D",
			"coordinator":         "D    D    D",
			"supervisor":          "D    D    D",
			"line manager":        "D    D    D",
			"requester":           "D    D    A",
			"org admin":           "D    D    D",
			"other pair's mentor": "D    D    D",
			"other-org user":      "D    D    D",
			"deactivated user":    "D D D",
			"anonymous":           "D    D    D",
		},
	},
	{
		title: "A three-way meeting with dave, bob's line manager, brief not yet agreed (T1): the pair only", resource: t1, actions: threeWayActions,
		rows: map[string]string{
			//                     read act note
			"member":              "D    D    D",
			"mentor":              "A    A    D",
			"mentee":              "A    A    D",
			"coordinator":         "D    D    D",
			"supervisor":          "D    D    D",
			"line manager":        "D    D    D",
			"requester":           "D    D    D",
			"org admin":           "D    D    D",
			"other pair's mentor": "D    D    D",
			"other-org user":      "D    D    D",
			"deactivated user":    "D D D",
			"anonymous":           "D    D    D",
		},
	},
	{
		title: "A three-way meeting with dave, brief agreed by both (T2): the pair, and dave the brief, the meeting and the notes for the three", resource: t2, actions: threeWayActions,
		rows: map[string]string{
			//                     read act note
			"member":              "D    D    D",
			"mentor":              "A    A    A",
			"mentee":              "A    A    A",
			"coordinator":         "D    D    D",
			"supervisor":          "D    D    D",
			"line manager":        "A    D    A",
			"requester":           "D    D    D",
			"org admin":           "D    D    D",
			"other pair's mentor": "D    D    D",
			"other-org user":      "D    D    D",
			"deactivated user":    "D D D",
			"anonymous":           "D    D    D",
		},
	},
	{
		title: "Own programme P (acme; carol coordinates it, erin supervises it)", resource: pP, actions: programmeActions,
		rows: map[string]string{
			//                     view edit aggr upd  enrol staff join list dash prop
			"member":              "A    D    D    D    D     D  A    D    D    D",
			"mentor":              "A    D    D    D    D     D  A    D    D    D",
			"mentee":              "A    D    D    D    D     D  A    D    D    D",
			"coordinator":         "A    A    A    D    A     D  A    A    A    A",
			"supervisor":          "A    D    D    D    D     D  A    D    D    D",
			"line manager":        "A    D    D    D    D     D  A    D    D    D",
			"requester":           "A    D    D    D    D     D  A    D    D    D",
			"org admin":           "A    A    A    A    A     A  A    D    D    D",
			"other pair's mentor": "A    D    D    D    D     D  A    D    D    D",
			"other-org user":      "D    D    D    D    D     D  D    D    D    D",
			"deactivated user":    "D    D    D    D    D     D  D    D    D    D",
			"anonymous":           "D    D    D    D    D     D  D    D    D    D",
		},
	},
	{
		title: "Another programme Q of acme (nobody here coordinates or supervises it: carol and erin are staff of another programme)", resource: pQ, actions: programmeActions,
		rows: map[string]string{
			//                     view edit aggr upd  enrol staff join list dash prop
			"member":              "A    D    D    D    D     D  A    D    D    D",
			"mentor":              "A    D    D    D    D     D  A    D    D    D",
			"mentee":              "A    D    D    D    D     D  A    D    D    D",
			"coordinator":         "A    D    D    D    D     D  A    D    D    D",
			"supervisor":          "A    D    D    D    D     D  A    D    D    D",
			"line manager":        "A    D    D    D    D     D  A    D    D    D",
			"requester":           "A    D    D    D    D     D  A    D    D    D",
			"org admin":           "A    A    A    A    A     A  A    D    D    D",
			"other pair's mentor": "A    D    D    D    D     D  A    D    D    D",
			"other-org user":      "D    D    D    D    D     D  D    D    D    D",
			"deactivated user":    "D    D    D    D    D     D  D    D    D    D",
			"anonymous":           "D    D    D    D    D     D  D    D    D    D",
		},
	},
	{
		title: "Programme G of another organisation (globex, where mallory is an org admin)", resource: pG, actions: programmeActions,
		rows: map[string]string{
			//                     view edit aggr upd  enrol staff join list dash prop
			"member":              "D    D    D    D    D     D  D    D    D    D",
			"mentor":              "D    D    D    D    D     D  D    D    D    D",
			"mentee":              "D    D    D    D    D     D  D    D    D    D",
			"coordinator":         "D    D    D    D    D     D  D    D    D    D",
			"supervisor":          "D    D    D    D    D     D  D    D    D    D",
			"line manager":        "D    D    D    D    D     D  D    D    D    D",
			"requester":           "D    D    D    D    D     D  D    D    D    D",
			"org admin":           "D    D    D    D    D     D  D    D    D    D",
			"other pair's mentor": "D    D    D    D    D     D  D    D    D    D",
			"other-org user":      "A    A    A    A    A     A  A    D    D    D",
			"deactivated user":    "D    D    D    D    D     D  D    D    D    D",
			"anonymous":           "D    D    D    D    D     D  D    D    D    D",
		},
	},
	{
		title: "heidi's enrolment in P (E1), with her matching profile: heidi and P's coordinator read it, only heidi changes or withdraws it; not the org admin", resource: enrolHeidiP, actions: enrolmentActions,
		rows: map[string]string{
			//                     read update pick
			"member":              "A    A    D",
			"mentor":              "D    D    D",
			"mentee":              "D    D    D",
			"coordinator":         "A    D    D",
			"supervisor":          "D    D    D",
			"line manager":        "D    D    D",
			"requester":           "D    D    D",
			"org admin":           "D    D    D",
			"other pair's mentor": "D    D    D",
			"other-org user":      "D    D    D",
			"deactivated user":    "D    D    D",
			"anonymous":           "D    D    D",
		},
	},
	{
		title: "heidi's enrolment in Q (E2): a coordinator of another programme does not read it", resource: enrolHeidiQ, actions: enrolmentActions,
		rows: map[string]string{
			//                     read update pick
			"member":              "A    A    D",
			"mentor":              "D    D    D",
			"mentee":              "D    D    D",
			"coordinator":         "D    D    D",
			"supervisor":          "D    D    D",
			"line manager":        "D    D    D",
			"requester":           "D    D    D",
			"org admin":           "D    D    D",
			"other pair's mentor": "D    D    D",
			"other-org user":      "D    D    D",
			"deactivated user":    "D    D    D",
			"anonymous":           "D    D    D",
		},
	},
	{
		title: "heidi's enrolment as a mentee in P, which lets mentees pick (E3): heidi alone reads her top suggestions and picks one", resource: enrolHeidiPick, actions: enrolmentActions,
		rows: map[string]string{
			//                     read update pick
			"member":              "A    A    A",
			"mentor":              "D    D    D",
			"mentee":              "D    D    D",
			"coordinator":         "A    D    D",
			"supervisor":          "D    D    D",
			"line manager":        "D    D    D",
			"requester":           "D    D    D",
			"org admin":           "D    D    D",
			"other pair's mentor": "D    D    D",
			"other-org user":      "D    D    D",
			"deactivated user":    "D    D    D",
			"anonymous":           "D    D    D",
		},
	},
	{
		title: "heidi's enrolment as a mentee in Q, which does not let mentees pick (E4): nobody picks", resource: enrolHeidiNoPick, actions: enrolmentActions,
		rows: map[string]string{
			//                     read update pick
			"member":              "A    A    D",
			"mentor":              "D    D    D",
			"mentee":              "D    D    D",
			"coordinator":         "D    D    D",
			"supervisor":          "D    D    D",
			"line manager":        "D    D    D",
			"requester":           "D    D    D",
			"org admin":           "D    D    D",
			"other pair's mentor": "D    D    D",
			"other-org user":      "D    D    D",
			"deactivated user":    "D    D    D",
			"anonymous":           "D    D    D",
		},
	},
	{
		title: "alice's own account (profile, API tokens, notifications, calendar feeds)", resource: accAlice, actions: accountActions,
		rows: map[string]string{
			//                     manage
			"member":              "D",
			"mentor":              "A",
			"mentee":              "D",
			"coordinator":         "D",
			"supervisor":          "D",
			"line manager":        "D",
			"requester":           "D",
			"org admin":           "D",
			"other pair's mentor": "D",
			"other-org user":      "D",
			"deactivated user":    "D",
			"anonymous":           "D",
		},
	},
	{
		title: "Another user's account (judy's, in acme): nobody but judy, not even the org admin", resource: accJudy, actions: accountActions,
		rows: map[string]string{
			//                     manage
			"member":              "D",
			"mentor":              "D",
			"mentee":              "D",
			"coordinator":         "D",
			"supervisor":          "D",
			"line manager":        "D",
			"requester":           "D",
			"org admin":           "D",
			"other pair's mentor": "D",
			"other-org user":      "D",
			"deactivated user":    "D",
			"anonymous":           "D",
		},
	},
}

// statusColumns and statusRows are the expected decisions of a party
// (alice, R1's mentor), the other party (bob), a member (heidi) and the
// programme's coordinator (carol) on R1, alice's private note N1, alice's
// feedback request F1 and the scheduled disclosure D1 in every status of R1.
// The coordinator gets the agreement status and nothing of the agreement
// itself, nor of concerns.
var statusColumns = []struct {
	who string
	act policy.Action
	on  string // "" for R1 itself, "note" for N1, "feedback" for F1, "disclosure" for D1
}{
	{"alice", policy.ViewRelationship, ""},
	{"alice", policy.CreateNote, ""},
	{"alice", policy.ListNotes, ""},
	{"alice", policy.ReadAudit, ""},
	{"alice", policy.ReadNote, "note"},
	{"alice", policy.UpdateNote, "note"},
	{"alice", policy.DeleteNote, "note"},
	{"alice", policy.CloseRelationship, ""},
	{"alice", policy.AgreementStatus, ""},
	{"alice", policy.ReadAgreement, ""},
	{"alice", policy.EditAgreement, ""},
	{"alice", policy.SignAgreement, ""},
	{"alice", policy.CommentAgreement, ""},
	{"alice", policy.ExportAgreement, ""},
	{"alice", policy.RecordReview, ""},
	{"alice", policy.ReadReviews, ""},
	{"alice", policy.ScheduleMeeting, ""},
	{"alice", policy.ListMeetings, ""},
	{"alice", policy.UpdateMeeting, ""},
	{"alice", policy.StartMeeting, ""},
	{"alice", policy.CreateCommitment, ""},
	{"alice", policy.UpdateCommitment, ""},
	{"alice", policy.ListCommitments, ""},
	{"alice", policy.CreateGoal, ""},
	{"alice", policy.ListGoals, ""},
	{"alice", policy.RequestFeedback, ""},
	{"alice", policy.ReadFeedback, "feedback"},
	{"bob", policy.RequestFeedback, ""},
	{"bob", policy.AnswerFeedback, "feedback"},
	{"bob", policy.ReadFeedback, "feedback"},
	{"heidi", policy.ViewRelationship, ""},
	{"heidi", policy.AgreementStatus, ""},
	{"carol", policy.ViewRelationship, ""},
	{"carol", policy.ListNotes, ""},
	{"carol", policy.AgreementStatus, ""},
	{"carol", policy.ReadAgreement, ""},
	{"carol", policy.ReadReviews, ""},
	{"carol", policy.ListMeetings, ""},
	{"alice", policy.RaiseConcern, ""},
	{"alice", policy.ReadConcerns, ""},
	{"alice", policy.ActOnConcern, ""},
	{"alice", policy.StartConsultation, ""},
	{"alice", policy.ReadDisclosure, "disclosure"},
	{"carol", policy.ReadConcerns, ""},
	{"carol", policy.StartConsultation, ""},
	{"alice", policy.ReadThirdParty, ""},
	{"alice", policy.ActThirdParty, ""},
	{"frank", policy.RequestInput, ""},
	{"carol", policy.ReadThirdParty, ""},
}

var statusRows = []struct{ status, cells string }{
	//            alice:                                                                                                                             bob:      heidi:    carol: alice:               carol:
	//            view ncr nls aud nrd nup ndl clo ast ard aed asg acm aex rrc rrd msc mls mup mst ccr cup cls gcr gls frq frd  frq fan frd  view ast  view nls ast ard rrd mls     crs crd cac cst dsr  crd cst tprd tpac ireq tprd
	{"proposed", " A    D   D   A   A   D   D   A   A   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D    D   D   D    D    D    A    D   A   D   D   D       D   D   D   D   A    D   D    D    D    D    D"},
	{"accepted", " A    D   A   A   A   D   D   A   A   A   A   A   A   A   D   A   D   A   D   D   D   D   A   D   A   D   A    D   D   A    A    D    A    D   A   D   D   D       D   A   D   D   A    D   D    A    D    D    D"},
	{"agreeing", " A    D   A   A   A   D   D   A   A   A   A   A   A   A   D   A   D   A   D   D   D   D   A   D   A   D   A    D   D   A    A    D    A    D   A   D   D   D       D   A   D   D   A    D   D    A    D    D    D"},
	{"active", "   A    A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A   A    A   A   A    A    D    A    D   A   D   D   D       A   A   A   A   A    D   D    A    A    A    D"},
	{"paused", "   A    D   A   A   A   A   A   A   A   A   A   A   A   A   A   A   D   A   A   D   D   A   A   D   A   D   A    D   A   A    A    D    A    D   A   D   D   D       A   A   A   A   A    D   D    A    A    D    D"},
	{"closed", "   A    D   A   A   A   D   D   A   A   A   D   D   D   A   D   A   D   A   D   D   D   D   A   D   A   D   A    D   D   A    D    D    A    D   A   D   D   D       D   A   A   A   A    D   D    A    D    D    D"},
	{"declined", " A    D   D   A   A   D   D   A   A   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D    D   D   D    D    D    A    D   A   D   D   D       D   D   D   D   A    D   D    D    D    D    D"},
	{"withdrawn", "A    D   D   A   A   D   D   A   A   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D   D    D   D   D    D    D    A    D   A   D   D   D       D   D   D   D   A    D   D    D    D    D    D"},
}

func subjectOf(t testing.TB, who string) policy.Subject {
	t.Helper()
	for _, r := range roles {
		if r.who == who {
			return r.s
		}
	}
	t.Fatalf("no fixture user %q", who)
	return policy.Subject{}
}

func cells(t testing.TB, s string, n int) []bool {
	t.Helper()
	f := strings.Fields(s)
	if len(f) != n {
		t.Fatalf("row %q has %d cells, want %d", s, len(f), n)
	}
	out := make([]bool, n)
	for i, c := range f {
		switch c {
		case "A":
			out[i] = true
		case "D":
		default:
			t.Fatalf("row %q: cell %q is neither A nor D", s, c)
		}
	}
	return out
}

func mustNew(t testing.TB) *policy.Authorizer {
	t.Helper()
	a, err := policy.New()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func check(t *testing.T, a *policy.Authorizer, s policy.Subject, act policy.Action, res policy.Resource, want bool) {
	t.Helper()
	d, err := a.Authorize(s, act, res)
	if err != nil {
		t.Errorf("%s %s %+v: evaluation error: %v", s.UserID, act, res, err)
		return
	}
	if d.Allowed != want {
		t.Errorf("user %q %s on %+v: allowed = %v, want %v (policies %v)", s.UserID, act, res, d.Allowed, want, d.Policies)
	}
}

func TestAccessMatrix(t *testing.T) {
	a := mustNew(t)
	for _, tb := range matrix {
		t.Run(tb.title, func(t *testing.T) {
			if len(tb.rows) != len(roles) {
				t.Fatalf("table has %d rows, want one per role (%d)", len(tb.rows), len(roles))
			}
			for _, r := range roles {
				row, ok := tb.rows[r.name]
				if !ok {
					t.Fatalf("no row for role %q", r.name)
				}
				want := cells(t, row, len(tb.actions))
				for i, act := range tb.actions {
					check(t, a, r.s, act, tb.resource, want[i])
				}
				// Actions that do not apply to this kind of resource are denied.
				for _, act := range policy.Actions {
					if !containsAction(tb.actions, act) {
						check(t, a, r.s, act, tb.resource, false)
					}
				}
			}
		})
	}
}

func containsAction(list []policy.Action, act policy.Action) bool {
	for _, x := range list {
		if x == act {
			return true
		}
	}
	return false
}

func TestMatrixCoversEveryAction(t *testing.T) {
	seen := map[policy.Action]bool{}
	for _, tb := range matrix {
		for _, act := range tb.actions {
			seen[act] = true
		}
	}
	for _, act := range policy.Actions {
		if !seen[act] {
			t.Errorf("action %s has no column in the access matrix", act)
		}
	}
	if len(seen) != len(policy.Actions) {
		t.Errorf("matrix has %d actions, policy.Actions has %d", len(seen), len(policy.Actions))
	}
}

func TestStatusDependentCells(t *testing.T) {
	a := mustNew(t)
	for _, row := range statusRows {
		t.Run(row.status, func(t *testing.T) {
			rel := r1
			rel.Status = row.status
			note := n1
			note.Relationship = rel
			fb := f1
			fb.Relationship = rel
			disc := d1
			disc.Relationship = rel
			want := cells(t, row.cells, len(statusColumns))
			for i, c := range statusColumns {
				var res policy.Resource = rel
				switch c.on {
				case "note":
					res = note
				case "feedback":
					res = fb
				case "disclosure":
					res = disc
				}
				check(t, a, subjectOf(t, c.who), c.act, res, want[i])
			}
		})
	}
}

func TestInformalRelationship(t *testing.T) {
	a := mustNew(t)
	informal := policy.Relationship{ID: "R9", OrgID: acme, MentorID: "alice", MenteeID: "heidi", Status: "proposed"}
	carol := subjectOf(t, "carol")
	check(t, a, carol, policy.ViewRelationship, informal, false) // not her programme, not listed
	check(t, a, subjectOf(t, "heidi"), policy.ViewRelationship, informal, true)
	check(t, a, subjectOf(t, "bob"), policy.ViewRelationship, informal, false)
	informal.Status = "active"
	check(t, a, carol, policy.ViewRelationship, informal, true) // listed: every member sees it
	check(t, a, carol, policy.ListNotes, informal, false)
	check(t, a, carol, policy.AgreementStatus, informal, false) // not her programme
	check(t, a, subjectOf(t, "heidi"), policy.AgreementStatus, informal, true)
	check(t, a, subjectOf(t, "heidi"), policy.CreateNote, informal, true)
}

// TestPeerRelationship: in a peer relationship either partner asks the other
// for feedback, and each reads back the answers they gave; a relationship of
// unknown kind counts as mentoring (the mentor asks, the mentee offers
// feedback unasked), and one without a mentor lets nobody ask or offer.
func TestPeerRelationship(t *testing.T) {
	a := mustNew(t)
	alice, heidi, carol := subjectOf(t, "alice"), subjectOf(t, "heidi"), subjectOf(t, "carol")
	peer := policy.Relationship{ID: "R5", OrgID: acme, ProgrammeID: progP, MentorID: "alice", MenteeID: "heidi", Status: "active", Kind: "peer"}
	check(t, a, alice, policy.RequestFeedback, peer, true)
	check(t, a, heidi, policy.RequestFeedback, peer, true)
	check(t, a, carol, policy.RequestFeedback, peer, false)
	check(t, a, subjectOf(t, "ivan"), policy.RequestFeedback, peer, false)
	check(t, a, heidi, policy.ScheduleMeeting, peer, true)
	fb := policy.Feedback{ID: "F5", AskerID: "heidi", AnswererID: "alice", Relationship: peer}
	check(t, a, heidi, policy.ReadFeedback, fb, true)
	check(t, a, heidi, policy.AnswerFeedback, fb, false)
	check(t, a, alice, policy.ReadFeedback, fb, true) // her own answer, read back
	check(t, a, alice, policy.AnswerFeedback, fb, true)
	check(t, a, carol, policy.ReadFeedback, fb, false)
	peer.Status = "paused"
	check(t, a, heidi, policy.RequestFeedback, peer, false)

	unknown := peer
	unknown.Status, unknown.Kind = "active", ""
	check(t, a, alice, policy.RequestFeedback, unknown, true)
	check(t, a, heidi, policy.RequestFeedback, unknown, true) // the mentee offers
	unknown.MentorID = ""
	check(t, a, alice, policy.RequestFeedback, unknown, false)
	check(t, a, heidi, policy.RequestFeedback, unknown, false)
}

// TestConsultationsAndDisclosures: a closed consultation is read, not posted
// to; a supervisor who no longer supervises its programme sees nothing; only
// a relationship in a programme has a supervisor to consult; a disclosure
// made outside the system has no recipient to read it, and one withdrawn
// before delivery never reaches its recipient.
func TestConsultationsAndDisclosures(t *testing.T) {
	a := mustNew(t)
	alice, bob, erin, dave := subjectOf(t, "alice"), subjectOf(t, "bob"), subjectOf(t, "erin"), subjectOf(t, "dave")

	closed := c1
	closed.Closed = true
	check(t, a, bob, policy.ReadConsultation, closed, true)
	check(t, a, erin, policy.ReadConsultation, closed, true)
	check(t, a, bob, policy.PostConsultation, closed, false)
	check(t, a, erin, policy.PostConsultation, closed, false)
	check(t, a, alice, policy.ReadConsultation, closed, false)

	former := erin
	former.Supervises = nil // no longer supervises P
	check(t, a, former, policy.ReadConsultation, c1, false)
	check(t, a, former, policy.PostConsultation, c1, false)
	elsewhere := c1
	elsewhere.ProgrammeID = "Q" // a programme erin does not supervise
	check(t, a, erin, policy.ReadConsultation, elsewhere, false)
	check(t, a, bob, policy.ReadConsultation, elsewhere, true)
	check(t, a, subjectOf(t, "carol"), policy.ReadConsultation, c1, false) // coordinates P, is not consulted

	informal := policy.Relationship{ID: "R9", OrgID: acme, MentorID: "alice", MenteeID: "heidi", Status: "active"}
	check(t, a, alice, policy.StartConsultation, informal, false)
	check(t, a, alice, policy.RaiseConcern, informal, true)
	paused := r1
	paused.Status = "paused"
	check(t, a, bob, policy.StartConsultation, paused, true)
	check(t, a, erin, policy.StartConsultation, paused, false)

	outside := d2
	outside.RecipientUserID = "" // disclosed outside the system
	check(t, a, alice, policy.ReadDisclosure, outside, true)
	check(t, a, dave, policy.ReadDisclosure, outside, false)
	withdrawn := d1
	withdrawn.State = "withdrawn"
	check(t, a, dave, policy.ReadDisclosure, withdrawn, false)
	check(t, a, bob, policy.ReadDisclosure, withdrawn, true)
	inClosed := d2
	inClosed.Relationship.Status = "closed"
	check(t, a, dave, policy.ReadDisclosure, inClosed, true)
	check(t, a, alice, policy.ReadDisclosure, inClosed, true)
	check(t, a, dave, policy.ReadConcerns, r1, false) // the disclosure, not the concern
}

func TestAccessMatrixDoc(t *testing.T) {
	got := renderMarkdown(t)
	path := filepath.Join("..", "..", "docs", "access-matrix.md")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run: go test ./internal/policy -run TestAccessMatrix -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale; run: go test ./internal/policy -run TestAccessMatrix -update", path)
	}
}

func renderMarkdown(t *testing.T) []byte {
	var b bytes.Buffer
	b.WriteString(`# Access matrix

<!-- Generated by ` + "`go test ./internal/policy -run TestAccessMatrix -update`" + ` from the
expectation tables in internal/policy/matrix_test.go. Do not edit by hand. -->

Every service call is decided by one authorisation call (` + "`policy.Authorizer.Authorize`" + `)
before it touches data. Access is **denied by default**: a request is allowed only if a
` + "`permit`" + ` policy in ` + "`internal/policy/*.cedar`" + ` allows it and no ` + "`forbid`" + ` policy
forbids it; the forbids are a second wall (nothing crosses organisations, anonymous gets nothing,
content and lifecycle actions are for the two parties only, the agreement status is for the
parties and the programme's coordinators only, a private note is its author's alone, feedback
answers are read only by the asker and by the one who gave them, and answered by the one asked alone
(in a mentoring relationship the mentor asks and the mentee may offer feedback unasked; either
partner asks in a peer one), feedback aggregates are for
the programme's coordinators and the org's admins only, an account is its user's alone, a
consultation is its consultant's and its supervisor's alone, a disclosure is read by the parties
and, once delivered, by its recipient alone). A
policy evaluation error is a deny too. The service layer writes every denial to the
audit log. The tables below are the fixture the access-matrix test asserts, cell by cell: ✅
allowed, — denied. Which party may take which lifecycle action in which status is checked
afterwards by the relationship state machine; actions not shown for a resource are denied.

Fixture: organisation acme with programme P. alice mentors bob in P (R1, active); ivan mentors
judy in P (R2, active); judy proposed to mentor bob in P (R3, proposed). carol coordinates P,
erin supervises P, dave is bob's line manager, frank is a requester, grace is an org admin,
heidi is a member with no relationship; mallory is an org admin of another organisation, globex,
which has a programme G; acme has a second programme Q that carol and erin do not run (they are staff of
another programme there); olga was an org admin of acme and is deactivated: a deactivated account
gets nothing (the service refuses it before asking, and a wall forbids it too). The ` + "`people.*`" + `
actions are how an org admin manages their own organisation's people (list, add, edit, invite,
deactivate, grant or revoke org admin) — never content, never anyone's password. Org admins create
programmes (` + "`programme.manage`" + `), change what they are (` + "`programme.update`" + `: name, description, kind,
default capacity, archiving) and who runs them (` + "`programme.staff`" + `); a programme's coordinators
open and close its enrolment (` + "`programme.enrolment`" + `) and edit its guidelines and settings. Every member may enrol
in a programme (` + "`programme.enrol`" + `; the service refuses a closed or archived one); an enrolment's matching
profile is read by its person and the programme's coordinators (` + "`enrolment.read`" + `, ` + "`enrolment.list`" + `), changed
or withdrawn by its person alone (` + "`enrolment.update`" + `) — never by the org admin unless they coordinate the programme. Only a programme's coordinators see its
dashboard (` + "`programme.dashboard`" + `: counts of its pairs by status, a figure about people withheld below its k threshold by
the service), not an org admin. A programme's coordinators propose the suggested pairs in bulk
(` + "`programme.match.propose`" + `; each becomes a proposal both people accept, and the service re-checks every hard rule);
where the programme lets mentees pick, an enrolled mentee reads their own top suggestions and picks one
(` + "`match.pick`" + `, on their own enrolment). alice asked bob for feedback on her mentoring in R1 (F1): she reads
his answer, and he reads back what he gave; the programme sees feedback only as anonymous
aggregates (` + "`feedback.aggregate`" + `, withheld by the service below its k threshold of distinct
people, and released in steps). An account is a user's own profile, API tokens, notifications and
calendar feeds. Meetings, commitments, goals and feedback are content: the pair only.
Concerns (` + "`concern.*`" + `: raising one, the steps the pair record on it, its disclosure plan and
notices) are content too. bob consults erin, P's supervisor, about a concern in R1 (C1); the thread
is bob's and erin's alone (` + "`consultation.start`" + ` is taken on the relationship, by a party, only
in a programme). A disclosure in R1 to dave is scheduled (D1, its notice period running) and another
was delivered (D2): the parties see both, dave only the delivered one. A relationship becomes active only when both parties have signed the same
version of its confidentiality agreement (the ` + "`agreement.*`" + ` actions; ` + "`agreement.status`" + `
is the bare "version N signed by both on DATE").
`)
	for _, tb := range matrix {
		fmt.Fprintf(&b, "\n## %s\n\n| role | ", tb.title)
		for _, act := range tb.actions {
			fmt.Fprintf(&b, "`%s` | ", act)
		}
		b.WriteString("\n|---|")
		for range tb.actions {
			b.WriteString(":-:|")
		}
		b.WriteString("\n")
		for _, r := range roles {
			fmt.Fprintf(&b, "| %s | ", roleLabel(r))
			for _, ok := range cells(t, tb.rows[r.name], len(tb.actions)) {
				b.WriteString(mark(ok) + " | ")
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n## By status of R1\n\nWhat a party, the other party, a member and the coordinator may do as R1 moves through its lifecycle (note actions on alice's private note N1, feedback actions on F1, `disclosure.read` on the scheduled disclosure D1). The coordinator gets the agreement status, never the agreement, the reviews or the concerns.\n\n| status | ")
	for _, c := range statusColumns {
		fmt.Fprintf(&b, "%s `%s` | ", c.who, c.act)
	}
	b.WriteString("\n|---|")
	for range statusColumns {
		b.WriteString(":-:|")
	}
	b.WriteString("\n")
	for _, row := range statusRows {
		fmt.Fprintf(&b, "| %s | ", row.status)
		for _, ok := range cells(t, row.cells, len(statusColumns)) {
			b.WriteString(mark(ok) + " | ")
		}
		b.WriteString("\n")
	}
	return bytes.ReplaceAll(b.Bytes(), []byte(" \n"), []byte("\n"))
}

func roleLabel(r role) string {
	if r.who == "" {
		return r.name
	}
	return r.name + " (" + r.who + ")"
}

func mark(ok bool) string {
	if ok {
		return "✅"
	}
	return "—"
}
