// Package policy decides every service call with Cedar policies kept as files
// in this directory (*.cedar, embedded). Access is denied unless a policy
// permits it and no policy forbids it (DESIGN.md §2.6).
package policy

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/cedar-policy/cedar-go"

	"github.com/mentorvault/mentorvault"
)

//go:embed *.cedar
var policyFS embed.FS

// Action is something a principal asks to do to a resource; its value is
// the Cedar action ID.
type Action string

// The actions policy decides. The comment says which resource each takes.
const (
	ViewDirectory          Action = "directory.view"          // Org
	ProposeRelationship    Action = "relationship.propose"    // Org; the service checks the proposer is a party
	ViewRelationship       Action = "relationship.view"       // Relationship: public metadata only
	AcceptRelationship     Action = "relationship.accept"     // Relationship; parties only
	DeclineRelationship    Action = "relationship.decline"    // Relationship; parties only
	WithdrawRelationship   Action = "relationship.withdraw"   // Relationship; parties only
	PauseRelationship      Action = "relationship.pause"      // Relationship; parties only
	ResumeRelationship     Action = "relationship.resume"     // Relationship; parties only
	CloseRelationship      Action = "relationship.close"      // Relationship; parties only
	EndRelationship        Action = "relationship.end"        // Relationship; its programme's coordinators ("ended by the programme")
	HoldRelationship       Action = "relationship.hold"       // Relationship; its organisation's admins (place and release a legal hold)
	AgreementStatus        Action = "agreement.status"        // Relationship; parties and the programme's coordinators, every status
	ReadAgreement          Action = "agreement.read"          // Relationship; parties, not proposed/declined/withdrawn
	EditAgreement          Action = "agreement.edit"          // Relationship; parties, accepted/agreeing/active/paused
	SignAgreement          Action = "agreement.sign"          // Relationship; parties, accepted/agreeing/active/paused
	CommentAgreement       Action = "agreement.comment"       // Relationship; parties, accepted/agreeing/active/paused
	ExportAgreement        Action = "agreement.export"        // Relationship; parties, not proposed/declined/withdrawn
	RecordReview           Action = "review.record"           // Relationship; parties, active or paused
	ReadReviews            Action = "review.read"             // Relationship; parties, not proposed/declined/withdrawn
	CreateNote             Action = "note.create"             // Relationship; parties, status active
	ListNotes              Action = "note.list"               // Relationship; parties, not proposed/declined/withdrawn
	ReadNote               Action = "note.read"               // Note; author, or both parties if shared
	UpdateNote             Action = "note.update"             // Note; author, relationship active or paused
	DeleteNote             Action = "note.delete"             // Note; author, relationship active or paused
	ReadAudit              Action = "audit.read"              // Relationship; parties only
	ScheduleMeeting        Action = "meeting.schedule"        // Relationship; parties, status active
	ListMeetings           Action = "meeting.list"            // Relationship; parties, not proposed/declined/withdrawn
	UpdateMeeting          Action = "meeting.update"          // Relationship; parties, active or paused (reschedule, cancel, record outcome)
	StartMeeting           Action = "meeting.start"           // Relationship; parties, status active (reminder shown/acknowledged)
	CreateCommitment       Action = "commitment.create"       // Relationship; parties, status active
	UpdateCommitment       Action = "commitment.update"       // Relationship; parties, active or paused (accept, close)
	ListCommitments        Action = "commitment.list"         // Relationship; parties, not proposed/declined/withdrawn
	CreateGoal             Action = "goal.create"             // Relationship; parties, status active (also progress notes, goal status)
	ListGoals              Action = "goal.list"               // Relationship; parties, not proposed/declined/withdrawn
	RequestFeedback        Action = "feedback.request"        // Relationship; status active; either party (the mentor asks, the mentee offers feedback unasked; peer: either asks)
	AnswerFeedback         Action = "feedback.answer"         // Feedback; the answerer, relationship active or paused
	ReadFeedback           Action = "feedback.read"           // Feedback; the asker and the answerer (their own answer), not proposed/declined/withdrawn
	ListFeedback           Action = "feedback.list"           // Relationship; parties, not proposed/declined/withdrawn (who asked whom, when)
	RaiseConcern           Action = "concern.raise"           // Relationship; parties, active or paused
	ReadConcerns           Action = "concern.read"            // Relationship; parties, not proposed/declined/withdrawn (concerns, their steps and disclosures)
	ActOnConcern           Action = "concern.act"             // Relationship; parties, active, paused or closed (view, plan, sign, file/withdraw a notice, outcome)
	StartConsultation      Action = "consultation.start"      // Relationship; parties, in a programme, active, paused or closed
	ReadConsultation       Action = "consultation.read"       // Consultation; its consultant, or its supervisor if they supervise its programme
	PostConsultation       Action = "consultation.post"       // Consultation; as consultation.read, while not closed
	ReadDisclosure         Action = "disclosure.read"         // Disclosure; the parties always, the recipient once delivered
	RequestInput           Action = "input.request"           // Relationship; a requester or a party's line manager, not a party, status active
	ReadInputRequest       Action = "input.read"              // InputRequest; its requester (the parties read requests with thirdparty.read)
	AnswerRequest          Action = "input.answer"            // InputRequest; the party asked, active or paused (decline, draft the answer)
	ReadThirdParty         Action = "thirdparty.read"         // Relationship; parties, not proposed/declined/withdrawn (requests, statements, findings, releases, three-way meetings)
	ActThirdParty          Action = "thirdparty.act"          // Relationship; parties, active or paused (decline a request, draft a statement or summary, propose a three-way brief)
	WriteStatement         Action = "statement.write"         // Statement; its author, active or paused (edit, show to the subject, withdraw)
	DecideStatement        Action = "statement.decide"        // Statement; its subject, active or paused (approve, ask for changes, refuse or object)
	ReceiveStatement       Action = "statement.receive"       // Statement; its recipient, once released
	ReadThreeWay           Action = "threeway.read"           // ThreeWay; the parties, and the line manager once both agreed the brief
	ActThreeWay            Action = "threeway.act"            // ThreeWay; the parties, active or paused (agree, revise, cancel, mark held)
	NoteThreeWay           Action = "threeway.note"           // ThreeWay; the three, once both agreed the brief and until it is cancelled
	ViewProgramme          Action = "programme.view"          // Programme; every member of its organisation
	EditProgramme          Action = "programme.edit"          // Programme; its coordinators and its org's admins
	ViewFeedbackAggregates Action = "feedback.aggregate"      // Programme; its coordinators and its org's admins (anonymous aggregates only)
	UpdateProgramme        Action = "programme.update"        // Programme; its org's admins (name, description, kind, default capacity, archive)
	ProgrammeEnrolment     Action = "programme.enrolment"     // Programme; its coordinators and its org's admins (open or close enrolment)
	ProgrammeStaff         Action = "programme.staff"         // Programme; its org's admins (name its coordinators and supervisors)
	ProgrammeEnrol         Action = "programme.enrol"         // Programme; every member of its organisation (the service refuses a closed or archived programme)
	ListEnrolments         Action = "enrolment.list"          // Programme; its coordinators only (who enrolled, with their profiles)
	ReadEnrolment          Action = "enrolment.read"          // Enrolment; its person and its programme's coordinators
	UpdateEnrolment        Action = "enrolment.update"        // Enrolment; its person only (change the profile, withdraw)
	ProgrammeDashboard     Action = "programme.dashboard"     // Programme; its coordinators (counts of its pairs, k-anonymous where a count could name someone)
	ProposeMatches         Action = "programme.match.propose" // Programme; its coordinators only (propose suggested pairs in bulk)
	PickMatch              Action = "match.pick"              // Enrolment; its person, enrolled as a mentee, when the programme lets mentees pick (read own top suggestions, pick one)
	ManageUsers            Action = "user.manage"             // Org; its org admins
	ManageProgrammes       Action = "programme.manage"        // Org; its org admins (create programmes, list every one of the org)
	ManageAccount          Action = "account.manage"          // Account; its user only
	ListPeople             Action = "people.list"             // Org; its org admins (search and page its people)
	CreatePerson           Action = "people.create"           // Org; its org admins (add a person, who is invited)
	ViewPerson             Action = "people.view"             // Person; its organisation's admins
	UpdatePerson           Action = "people.update"           // Person; its organisation's admins (name, email, line manager)
	DeactivatePerson       Action = "people.deactivate"       // Person; its organisation's admins (deactivate, reactivate)
	InvitePerson           Action = "people.invite"           // Person; its organisation's admins (a new invitation link)
	AdminPerson            Action = "people.admin"            // Person; its organisation's admins (grant, revoke org admin)
	ManageSSO              Action = "org.sso"                 // Org; its org admins (add, list and remove OpenID Connect providers)
	ResetPersonPassword    Action = "people.password_reset"   // Person; its organisation's admins (email them a reset link they alone see)
	ManageMFA              Action = "org.mfa"                 // Org; its org admins (who must use a second factor)
	ManageSCIM             Action = "org.scim"                // Org; its org admins (add, list and revoke SCIM provisioning clients)
	ManagePrivacy          Action = "org.privacy"             // Org; its org admins (the floor under every programme's k)
	Provision              Action = "scim.provision"          // Org or Person; a SCIM client of that organisation (create, change, deactivate people; groups)
)

// Actions lists every action, in a stable order.
var Actions = []Action{
	ViewDirectory, ProposeRelationship,
	ViewRelationship, AcceptRelationship, DeclineRelationship, WithdrawRelationship,
	PauseRelationship, ResumeRelationship, CloseRelationship, EndRelationship, HoldRelationship,
	AgreementStatus, ReadAgreement, EditAgreement, SignAgreement, CommentAgreement, ExportAgreement,
	RecordReview, ReadReviews,
	CreateNote, ListNotes, ReadNote, UpdateNote, DeleteNote, ReadAudit,
	ScheduleMeeting, ListMeetings, UpdateMeeting, StartMeeting,
	CreateCommitment, UpdateCommitment, ListCommitments,
	CreateGoal, ListGoals,
	RequestFeedback, AnswerFeedback, ReadFeedback, ListFeedback,
	RaiseConcern, ReadConcerns, ActOnConcern, StartConsultation,
	ReadConsultation, PostConsultation, ReadDisclosure,
	RequestInput, ReadInputRequest, AnswerRequest, ReadThirdParty, ActThirdParty,
	WriteStatement, DecideStatement, ReceiveStatement,
	ReadThreeWay, ActThreeWay, NoteThreeWay,
	ViewProgramme, EditProgramme, ViewFeedbackAggregates, UpdateProgramme, ProgrammeEnrolment, ProgrammeStaff,
	ProgrammeEnrol, ListEnrolments, ReadEnrolment, UpdateEnrolment, ProgrammeDashboard,
	ProposeMatches, PickMatch,
	ManageUsers, ManageProgrammes,
	ManageAccount,
	ListPeople, CreatePerson, ViewPerson, UpdatePerson, DeactivatePerson, InvitePerson, AdminPerson,
	ManageSSO,
	ResetPersonPassword,
	ManageMFA, ManagePrivacy,
	ManageSCIM, Provision,
}

// actionGroups puts actions into the Cedar action groups the policies use.
// AgreementStatus is deliberately in no group: the coordinator may read it;
// so are ViewFeedbackAggregates and ProgrammeDashboard (programme actions,
// anonymous aggregates);
// so are ReadConsultation, PostConsultation and ReadDisclosure: their
// resources are not the relationship, and walls.cedar has a wall for each
// (a supervisor and a recipient are not parties). RequestInput,
// ReadInputRequest, ReceiveStatement, ReadThreeWay and NoteThreeWay are for
// people outside the pair (a requester, a recipient, the line manager) and
// have walls of their own too.
var actionGroups = map[Action][]string{
	AcceptRelationship:   {"lifecycle"},
	DeclineRelationship:  {"lifecycle"},
	WithdrawRelationship: {"lifecycle"},
	PauseRelationship:    {"lifecycle"},
	ResumeRelationship:   {"lifecycle"},
	CloseRelationship:    {"lifecycle"},
	ReadAgreement:        {"content"},
	EditAgreement:        {"content"},
	SignAgreement:        {"content"},
	CommentAgreement:     {"content"},
	ExportAgreement:      {"content"},
	RecordReview:         {"content"},
	ReadReviews:          {"content"},
	CreateNote:           {"content"},
	ListNotes:            {"content"},
	ReadNote:             {"content"},
	UpdateNote:           {"content"},
	DeleteNote:           {"content"},
	ReadAudit:            {"content"},
	ScheduleMeeting:      {"content"},
	ListMeetings:         {"content"},
	UpdateMeeting:        {"content"},
	StartMeeting:         {"content"},
	CreateCommitment:     {"content"},
	UpdateCommitment:     {"content"},
	ListCommitments:      {"content"},
	CreateGoal:           {"content"},
	ListGoals:            {"content"},
	RequestFeedback:      {"content"},
	AnswerFeedback:       {"content"},
	ReadFeedback:         {"content"},
	ListFeedback:         {"content"},
	RaiseConcern:         {"content"},
	ReadConcerns:         {"content"},
	ActOnConcern:         {"content"},
	StartConsultation:    {"content"},
	ReadThirdParty:       {"content"},
	ActThirdParty:        {"content"},
	AnswerRequest:        {"content"},
	WriteStatement:       {"content"},
	DecideStatement:      {"content"},
	ActThreeWay:          {"content"},
}

// IsContent reports whether act reads or writes a relationship's content
// (the Cedar group "content").
func IsContent(act Action) bool {
	for _, g := range actionGroups[act] {
		if g == "content" {
			return true
		}
	}
	return false
}

// Subject is the principal as policy sees it. A zero UserID is anonymous.
type Subject struct {
	UserID, OrgID string
	OrgAdmin      bool
	Requester     bool
	Coordinates   []string // programme IDs the user coordinates
	Supervises    []string // programme IDs the user supervises
	// Deactivated is true for an account an org admin deactivated. The
	// service refuses such a principal before Cedar; walls.cedar forbids it
	// everything too, so the two never depend on each other.
	Deactivated bool
	// SCIMClientID, when set, makes the principal a SCIM provisioning
	// client of OrgID (UserID is then ""): Cedar's ScimClient, which
	// scim.cedar lets provision that organisation's people and nothing else.
	SCIMClientID string
}

// Resource is what an action is done to: exactly one of Org, Programme,
// Relationship, Note, Feedback, Consultation, Disclosure, InputRequest,
// Statement, ThreeWay, Enrolment, Account or Person (or a pointer to one).
type Resource interface{ isResource() }

// Org is an organisation as a resource.
type Org struct{ ID string }

// Programme is a mentoring programme of an organisation as a resource: its
// guidelines and settings, which are not confidential.
type Programme struct{ ID, OrgID string }

// Relationship is a relationship's public metadata as a resource. Status is
// a mentorvault.RelationshipStatus value; ProgrammeID is "" when informal.
// Kind is a mentorvault.RelationshipKind value ("mentoring" or "peer"); in a
// peer relationship MentorID and MenteeID are the two partners. Any kind
// other than "peer" (including "") is treated as mentoring, the stricter.
//
// Managers are the parties' line managers. The service fills them in only
// for RequestInput (a line manager may ask for input); elsewhere they are
// empty and no policy reads them.
type Relationship struct {
	ID, OrgID, ProgrammeID, MentorID, MenteeID string
	Status                                     string
	Kind                                       string
	Managers                                   []string
}

// Note is a note as a resource, with the relationship it belongs to.
// Visibility is a mentorvault.Visibility value.
type Note struct {
	ID, AuthorID, Visibility string
	Relationship             Relationship
}

// Feedback is one request for feedback on the mentoring approach as a
// resource: AskerID asked (the mentor, or a partner), AnswererID answers.
type Feedback struct {
	ID, AskerID, AnswererID string
	Relationship            Relationship
}

// Consultation is a party's consultation with a programme supervisor about a
// concern as a resource: ConsultantID is the consulting party, SupervisorID
// the supervisor consulted, ProgrammeID the programme they must supervise.
// It deliberately carries no relationship: identities are withheld from the
// supervisor by default. A closed consultation is read, not posted to.
type Consultation struct {
	ID, ConsultantID, SupervisorID, ProgrammeID, OrgID string
	Closed                                             bool
}

// Disclosure is one disclosure of a concern as a resource: what is said, to
// whom, when. RecipientUserID is "" when the recipient is not a user (a
// disclosure made outside the system); State is the disclosure's state, and
// the recipient reads it only once it is "delivered".
type Disclosure struct {
	ID, RecipientUserID, State string
	Relationship               Relationship
}

// InputRequest is a third party's request for input about one party as a
// resource: its requester reads it (status, the decline reply).
type InputRequest struct {
	ID, RequesterID, AskedID string
	Relationship             Relationship
}

// Statement is a statement for a third party (an answer to a request or a
// shared summary) as a resource. Released is true once it was released
// (also after a withdrawal, which the recipient is shown).
type Statement struct {
	ID, AuthorID, SubjectID, RecipientUserID string
	Released                                 bool
	Relationship                             Relationship
}

// ThreeWay is a three-way meeting with the mentee's line manager as a
// resource. Agreed is true once both parties agreed its brief; State is a
// mentorvault.ThreeWayState value.
type ThreeWay struct {
	ID, ManagerID, State string
	Agreed               bool
	Relationship         Relationship
}

// Enrolment is a person's enrolment in a programme, with its matching
// profile, as a resource. Mentee is true when they enrolled as a mentee;
// MenteesPick when the programme lets its mentees pick a mentor from their
// suggestions (only match.pick reads either).
type Enrolment struct {
	ID, UserID, ProgrammeID, OrgID string
	Mentee, MenteesPick            bool
}

// Account is a user's own account data as a resource: profile, API tokens,
// notifications, calendar feeds.
type Account struct{ UserID, OrgID string }

// Person is a person of an organisation as an org admin manages them: their
// name, email, line manager, org admin role and whether they are active.
type Person struct{ ID, OrgID string }

func (Org) isResource()          {}
func (Programme) isResource()    {}
func (Relationship) isResource() {}
func (Note) isResource()         {}
func (Feedback) isResource()     {}
func (Consultation) isResource() {}
func (Disclosure) isResource()   {}
func (InputRequest) isResource() {}
func (Statement) isResource()    {}
func (ThreeWay) isResource()     {}
func (Enrolment) isResource()    {}
func (Account) isResource()      {}
func (Person) isResource()       {}

// Decision is the outcome of one request: whether it is allowed, and the IDs
// (@id annotations) of the policies that determined it — the permits that
// allowed it, or the forbids that denied it (none for a default deny).
type Decision struct {
	Allowed  bool
	Policies []string
}

// Authorizer holds the parsed policies. It is safe for concurrent use.
type Authorizer struct {
	policies *cedar.PolicySet
	actions  cedar.EntityMap // Action entities with their groups; read-only
	known    map[Action]cedar.EntityUID
}

// New parses the embedded policies. It fails if a policy does not parse,
// lacks an @id annotation, or repeats another's @id.
func New() (*Authorizer, error) { return newFromFS(policyFS) }

func newFromFS(fsys fs.FS) (*Authorizer, error) {
	files, err := fs.Glob(fsys, "*.cedar")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errors.New("policy: no *.cedar files")
	}
	ps := cedar.NewPolicySet()
	where := map[cedar.PolicyID]string{}
	for _, name := range files {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		list, err := cedar.NewPolicyListFromBytes(path.Base(name), b)
		if err != nil {
			return nil, fmt.Errorf("policy: %w", err)
		}
		for _, p := range list {
			pos := p.Position()
			at := fmt.Sprintf("%s:%d", pos.Filename, pos.Line)
			id, ok := p.Annotations()["id"]
			if !ok || strings.TrimSpace(string(id)) == "" {
				return nil, fmt.Errorf("policy: %s: policy has no @id annotation", at)
			}
			pid := cedar.PolicyID(id)
			if prev, dup := where[pid]; dup {
				return nil, fmt.Errorf("policy: %s: @id(%q) already used at %s", at, id, prev)
			}
			where[pid] = at
			ps.Add(pid, p)
		}
	}
	a := &Authorizer{policies: ps, actions: cedar.EntityMap{}, known: map[Action]cedar.EntityUID{}}
	for _, act := range Actions {
		uid := cedar.NewEntityUID("Action", cedar.String(act))
		var parents []cedar.EntityUID
		for _, g := range actionGroups[act] {
			parents = append(parents, cedar.NewEntityUID("Action", cedar.String(g)))
		}
		a.actions[uid] = cedar.Entity{UID: uid, Parents: cedar.NewEntityUIDSet(parents...)}
		a.known[act] = uid
	}
	return a, nil
}

// Entity types and the one anonymous principal.
const (
	typeUser         cedar.EntityType = "User"
	typeOrg          cedar.EntityType = "Org"
	typeProgramme    cedar.EntityType = "Programme"
	typeRelationship cedar.EntityType = "Relationship"
	typeNote         cedar.EntityType = "Note"
	typeFeedback     cedar.EntityType = "Feedback"
	typeConsultation cedar.EntityType = "Consultation"
	typeDisclosure   cedar.EntityType = "Disclosure"
	typeAccount      cedar.EntityType = "Account"
	typeInputRequest cedar.EntityType = "InputRequest"
	typeStatement    cedar.EntityType = "Statement"
	typeThreeWay     cedar.EntityType = "ThreeWay"
	typePerson       cedar.EntityType = "Person"
	typeEnrolment    cedar.EntityType = "Enrolment"
	typeSCIMClient   cedar.EntityType = "ScimClient"
)

var anonymous = cedar.NewEntityUID("Anonymous", "anonymous")

// Authorize decides one request. It returns an error, with a deny, if the
// action is unknown, the resource is missing, or any policy's evaluation
// errored: Cedar silently skips an erroring policy (a forbid among them), so
// the caller must treat the error as a bug (EINTERNAL) and deny.
func (a *Authorizer) Authorize(s Subject, act Action, r Resource) (Decision, error) {
	ents, principal, resource, err := a.request(s, r)
	if err != nil {
		return Decision{}, err
	}
	return a.decide(ents, principal, act, resource)
}

// request builds the entities of one principal and one resource.
func (a *Authorizer) request(s Subject, r Resource) (entities, cedar.EntityUID, cedar.EntityUID, error) {
	ents := entities{actions: a.actions, own: make(cedar.EntityMap, 3)}
	principal := anonymous
	if s.UserID != "" {
		principal = ents.addUser(s)
	} else if s.SCIMClientID != "" {
		principal = ents.add(cedar.NewEntityUID(typeSCIMClient, cedar.String(s.SCIMClientID)), cedar.RecordMap{
			"org": cedar.NewEntityUID(typeOrg, cedar.String(s.OrgID)),
		})
	}
	var resource cedar.EntityUID
	switch r := r.(type) {
	case Org:
		resource = cedar.NewEntityUID(typeOrg, cedar.String(r.ID))
	case *Org:
		if r == nil {
			return entities{}, cedar.EntityUID{}, cedar.EntityUID{}, mentorvault.Internal(errors.New("policy: nil resource"))
		}
		resource = cedar.NewEntityUID(typeOrg, cedar.String(r.ID))
	case Programme:
		resource = ents.addProgramme(r)
	case *Programme:
		if r == nil {
			return entities{}, cedar.EntityUID{}, cedar.EntityUID{}, mentorvault.Internal(errors.New("policy: nil resource"))
		}
		resource = ents.addProgramme(*r)
	case Relationship:
		resource = ents.addRelationship(r)
	case *Relationship:
		if r == nil {
			return entities{}, cedar.EntityUID{}, cedar.EntityUID{}, mentorvault.Internal(errors.New("policy: nil resource"))
		}
		resource = ents.addRelationship(*r)
	case Note:
		resource = ents.addNote(r)
	case *Note:
		if r == nil {
			return entities{}, cedar.EntityUID{}, cedar.EntityUID{}, mentorvault.Internal(errors.New("policy: nil resource"))
		}
		resource = ents.addNote(*r)
	case Feedback:
		resource = ents.addFeedback(r)
	case *Feedback:
		if r == nil {
			return entities{}, cedar.EntityUID{}, cedar.EntityUID{}, mentorvault.Internal(errors.New("policy: nil resource"))
		}
		resource = ents.addFeedback(*r)
	case Consultation:
		resource = ents.addConsultation(r)
	case *Consultation:
		if r == nil {
			return entities{}, cedar.EntityUID{}, cedar.EntityUID{}, mentorvault.Internal(errors.New("policy: nil resource"))
		}
		resource = ents.addConsultation(*r)
	case Disclosure:
		resource = ents.addDisclosure(r)
	case *Disclosure:
		if r == nil {
			return entities{}, cedar.EntityUID{}, cedar.EntityUID{}, mentorvault.Internal(errors.New("policy: nil resource"))
		}
		resource = ents.addDisclosure(*r)
	case InputRequest:
		resource = ents.addInputRequest(r)
	case *InputRequest:
		if r == nil {
			return entities{}, cedar.EntityUID{}, cedar.EntityUID{}, mentorvault.Internal(errors.New("policy: nil resource"))
		}
		resource = ents.addInputRequest(*r)
	case Statement:
		resource = ents.addStatement(r)
	case *Statement:
		if r == nil {
			return entities{}, cedar.EntityUID{}, cedar.EntityUID{}, mentorvault.Internal(errors.New("policy: nil resource"))
		}
		resource = ents.addStatement(*r)
	case ThreeWay:
		resource = ents.addThreeWay(r)
	case *ThreeWay:
		if r == nil {
			return entities{}, cedar.EntityUID{}, cedar.EntityUID{}, mentorvault.Internal(errors.New("policy: nil resource"))
		}
		resource = ents.addThreeWay(*r)
	case Account:
		resource = ents.addAccount(r)
	case *Account:
		if r == nil {
			return entities{}, cedar.EntityUID{}, cedar.EntityUID{}, mentorvault.Internal(errors.New("policy: nil resource"))
		}
		resource = ents.addAccount(*r)
	case Enrolment:
		resource = ents.addEnrolment(r)
	case *Enrolment:
		if r == nil {
			return entities{}, cedar.EntityUID{}, cedar.EntityUID{}, mentorvault.Internal(errors.New("policy: nil resource"))
		}
		resource = ents.addEnrolment(*r)
	case Person:
		resource = ents.addPerson(r)
	case *Person:
		if r == nil {
			return entities{}, cedar.EntityUID{}, cedar.EntityUID{}, mentorvault.Internal(errors.New("policy: nil resource"))
		}
		resource = ents.addPerson(*r)
	default:
		return entities{}, cedar.EntityUID{}, cedar.EntityUID{}, mentorvault.Internal(fmt.Errorf("policy: unsupported resource %T", r))
	}
	return ents, principal, resource, nil
}

// decide evaluates one action over prepared entities.
func (a *Authorizer) decide(ents entities, principal cedar.EntityUID, act Action, resource cedar.EntityUID) (Decision, error) {
	actionUID, ok := a.known[act]
	if !ok {
		return Decision{}, mentorvault.Internal(fmt.Errorf("policy: unknown action %q", string(act)))
	}
	dec, diag := cedar.Authorize(a.policies, ents, cedar.Request{
		Principal: principal,
		Action:    actionUID,
		Resource:  resource,
	})
	if len(diag.Errors) > 0 {
		msgs := make([]string, len(diag.Errors))
		for i, e := range diag.Errors {
			msgs[i] = e.String()
		}
		return Decision{}, mentorvault.Internal(fmt.Errorf("policy: %s on %s: evaluation errors: %s",
			act, resource, strings.Join(msgs, "; ")))
	}
	d := Decision{Allowed: dec == cedar.Allow}
	if len(diag.Reasons) > 0 {
		d.Policies = make([]string, len(diag.Reasons))
		for i, reason := range diag.Reasons {
			d.Policies[i] = string(reason.PolicyID)
		}
		slices.Sort(d.Policies)
	}
	return d, nil
}

// entities is the per-request entity store: the few entities of this
// request over the shared, read-only Action entities.
type entities struct {
	actions cedar.EntityMap
	own     cedar.EntityMap
}

func (e entities) Get(uid cedar.EntityUID) (cedar.Entity, bool) {
	if uid.Type == "Action" {
		return e.actions.Get(uid)
	}
	return e.own.Get(uid)
}

func (e entities) add(uid cedar.EntityUID, attrs cedar.RecordMap) cedar.EntityUID {
	e.own[uid] = cedar.Entity{UID: uid, Attributes: cedar.NewRecord(attrs)}
	return uid
}

func programmes(ids []string) cedar.Set {
	vs := make([]cedar.Value, 0, len(ids))
	for _, id := range ids {
		if id != "" {
			vs = append(vs, cedar.NewEntityUID(typeProgramme, cedar.String(id)))
		}
	}
	return cedar.NewSet(vs...)
}

func users(ids []string) cedar.Set {
	vs := make([]cedar.Value, 0, len(ids))
	for _, id := range ids {
		if id != "" {
			vs = append(vs, cedar.NewEntityUID(typeUser, cedar.String(id)))
		}
	}
	return cedar.NewSet(vs...)
}

func (e entities) addUser(s Subject) cedar.EntityUID {
	return e.add(cedar.NewEntityUID(typeUser, cedar.String(s.UserID)), cedar.RecordMap{
		"org":         cedar.NewEntityUID(typeOrg, cedar.String(s.OrgID)),
		"org_admin":   cedar.Boolean(s.OrgAdmin),
		"requester":   cedar.Boolean(s.Requester),
		"coordinates": programmes(s.Coordinates),
		"supervises":  programmes(s.Supervises),
		"deactivated": cedar.Boolean(s.Deactivated),
	})
}

func (e entities) addPerson(p Person) cedar.EntityUID {
	return e.add(cedar.NewEntityUID(typePerson, cedar.String(p.ID)), cedar.RecordMap{
		"org": cedar.NewEntityUID(typeOrg, cedar.String(p.OrgID)),
	})
}

func (e entities) addEnrolment(en Enrolment) cedar.EntityUID {
	return e.add(cedar.NewEntityUID(typeEnrolment, cedar.String(en.ID)), cedar.RecordMap{
		"person":       cedar.NewEntityUID(typeUser, cedar.String(en.UserID)),
		"programme":    e.addProgramme(Programme{ID: en.ProgrammeID, OrgID: en.OrgID}),
		"org":          cedar.NewEntityUID(typeOrg, cedar.String(en.OrgID)),
		"mentee":       cedar.Boolean(en.Mentee),
		"mentees_pick": cedar.Boolean(en.MenteesPick),
	})
}

func (e entities) addProgramme(p Programme) cedar.EntityUID {
	return e.add(cedar.NewEntityUID(typeProgramme, cedar.String(p.ID)), cedar.RecordMap{
		"org": cedar.NewEntityUID(typeOrg, cedar.String(p.OrgID)),
	})
}

func (e entities) addRelationship(r Relationship) cedar.EntityUID {
	var parties []cedar.Value
	for _, id := range []string{r.MentorID, r.MenteeID} {
		if id != "" {
			parties = append(parties, cedar.NewEntityUID(typeUser, cedar.String(id)))
		}
	}
	var progs cedar.Set
	if r.ProgrammeID != "" {
		progs = programmes([]string{r.ProgrammeID})
	} else {
		progs = cedar.NewSet()
	}
	attrs := cedar.RecordMap{
		"org":        cedar.NewEntityUID(typeOrg, cedar.String(r.OrgID)),
		"programmes": progs, // empty when informal: no `has` needed
		"parties":    cedar.NewSet(parties...),
		"status":     cedar.String(r.Status),
		"listed":     cedar.Boolean(mentorvault.RelationshipStatus(r.Status).Listed()),
		"kind":       cedar.String(r.Kind),
		"managers":   users(r.Managers),
	}
	if r.MentorID != "" {
		attrs["mentor"] = cedar.NewEntityUID(typeUser, cedar.String(r.MentorID)) // policies test `has mentor`
	}
	return e.add(cedar.NewEntityUID(typeRelationship, cedar.String(r.ID)), attrs)
}

func (e entities) addNote(n Note) cedar.EntityUID {
	rel := e.addRelationship(n.Relationship)
	return e.add(cedar.NewEntityUID(typeNote, cedar.String(n.ID)), cedar.RecordMap{
		"relationship": rel,
		"author":       cedar.NewEntityUID(typeUser, cedar.String(n.AuthorID)),
		"visibility":   cedar.String(n.Visibility),
	})
}

func (e entities) addFeedback(f Feedback) cedar.EntityUID {
	rel := e.addRelationship(f.Relationship)
	return e.add(cedar.NewEntityUID(typeFeedback, cedar.String(f.ID)), cedar.RecordMap{
		"relationship": rel,
		"asker":        cedar.NewEntityUID(typeUser, cedar.String(f.AskerID)),
		"answerer":     cedar.NewEntityUID(typeUser, cedar.String(f.AnswererID)),
	})
}

func (e entities) addConsultation(c Consultation) cedar.EntityUID {
	return e.add(cedar.NewEntityUID(typeConsultation, cedar.String(c.ID)), cedar.RecordMap{
		"consultant": cedar.NewEntityUID(typeUser, cedar.String(c.ConsultantID)),
		"supervisor": cedar.NewEntityUID(typeUser, cedar.String(c.SupervisorID)),
		"programme":  cedar.NewEntityUID(typeProgramme, cedar.String(c.ProgrammeID)),
		"org":        cedar.NewEntityUID(typeOrg, cedar.String(c.OrgID)),
		"closed":     cedar.Boolean(c.Closed),
	})
}

func (e entities) addDisclosure(d Disclosure) cedar.EntityUID {
	rel := e.addRelationship(d.Relationship)
	attrs := cedar.RecordMap{
		"relationship": rel,
		"state":        cedar.String(d.State),
	}
	if d.RecipientUserID != "" {
		attrs["recipient"] = cedar.NewEntityUID(typeUser, cedar.String(d.RecipientUserID)) // policies test `has recipient`
	}
	return e.add(cedar.NewEntityUID(typeDisclosure, cedar.String(d.ID)), attrs)
}

func (e entities) addInputRequest(r InputRequest) cedar.EntityUID {
	rel := e.addRelationship(r.Relationship)
	return e.add(cedar.NewEntityUID(typeInputRequest, cedar.String(r.ID)), cedar.RecordMap{
		"relationship": rel,
		"requester":    cedar.NewEntityUID(typeUser, cedar.String(r.RequesterID)),
		"asked":        cedar.NewEntityUID(typeUser, cedar.String(r.AskedID)),
	})
}

func (e entities) addStatement(st Statement) cedar.EntityUID {
	rel := e.addRelationship(st.Relationship)
	return e.add(cedar.NewEntityUID(typeStatement, cedar.String(st.ID)), cedar.RecordMap{
		"relationship": rel,
		"author":       cedar.NewEntityUID(typeUser, cedar.String(st.AuthorID)),
		"subject":      cedar.NewEntityUID(typeUser, cedar.String(st.SubjectID)),
		"recipient":    cedar.NewEntityUID(typeUser, cedar.String(st.RecipientUserID)),
		"released":     cedar.Boolean(st.Released),
	})
}

func (e entities) addThreeWay(m ThreeWay) cedar.EntityUID {
	rel := e.addRelationship(m.Relationship)
	return e.add(cedar.NewEntityUID(typeThreeWay, cedar.String(m.ID)), cedar.RecordMap{
		"relationship": rel,
		"manager":      cedar.NewEntityUID(typeUser, cedar.String(m.ManagerID)),
		"state":        cedar.String(m.State),
		"agreed":       cedar.Boolean(m.Agreed),
	})
}

func (e entities) addAccount(a Account) cedar.EntityUID {
	return e.add(cedar.NewEntityUID(typeAccount, cedar.String(a.UserID)), cedar.RecordMap{
		"user": cedar.NewEntityUID(typeUser, cedar.String(a.UserID)),
		"org":  cedar.NewEntityUID(typeOrg, cedar.String(a.OrgID)),
	})
}
