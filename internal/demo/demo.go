// Package demo seeds the demo organisation "Northwind" through the same
// service calls people use, so its content is sealed and audited like any other.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/service"
)

// Password is the one password of every demo account.
const Password = "mentorvault-demo"

// OrgName is the demo organisation's name.
const OrgName = "Northwind"

// Person is a demo account.
type Person struct {
	Key, Name, Role string
	Manager         string // key of the line manager
	OrgAdmin        bool
	Requester       bool
	// Invited is true for someone an org admin added who has not joined
	// yet (no password: they cannot sign in until they use their
	// invitation); Deactivated for someone who left (cannot sign in).
	Invited, Deactivated bool
}

// Email is the person's sign-in email.
func (p Person) Email() string { return p.Key + "@northwind.example" }

// People are the demo accounts. Their emails are stable: tests and external
// checks rely on them.
var People = []Person{
	{Key: "alice", Name: "Alice Archer", Role: "mentor of Bob (active relationship)"},
	{Key: "dave", Name: "Dave Dawson", Role: "line manager of Bob"},
	{Key: "bob", Name: "Bob Baker", Role: "mentee of Alice", Manager: "dave"},
	{Key: "carol", Name: "Carol Chen", Role: "coordinator of Leadership Mentoring"},
	{Key: "erin", Name: "Erin Evans", Role: "mentoring supervisor of Leadership Mentoring"},
	{Key: "frank", Name: "Frank Fischer", Role: "HR, may request input", Requester: true},
	{Key: "grace", Name: "Grace Green", Role: "organisation admin", OrgAdmin: true},
	{Key: "heidi", Name: "Heidi Hall", Role: "member, in no relationship"},
	{Key: "ivan", Name: "Ivan Ivanov", Role: "proposed to mentor Judy"},
	{Key: "judy", Name: "Judy Jones", Role: "invited to be mentored by Ivan"},

	// The rest of Northwind, under its chief executive: four departments,
	// each with a head, managers and their staff. (The ten above keep no
	// manager but Bob's: tests rely on them as they are.)
	{Key: "kwame", Name: "Kwame Mensah", Role: "chief executive"},
	{Key: "leona", Name: "Leona Lindqvist", Role: "head of Engineering", Manager: "kwame"},
	{Key: "marco", Name: "Marco Rossi", Role: "head of Sales", Manager: "kwame"},
	{Key: "rosa", Name: "Rosa Delgado", Role: "head of Operations", Manager: "kwame"},
	{Key: "sofia", Name: "Sofia Lindgren", Role: "head of People", Manager: "kwame"},
	{Key: "quentin", Name: "Quentin Blake", Role: "engineering manager, platform", Manager: "leona"},
	{Key: "ursula", Name: "Ursula Meyer", Role: "engineering manager, product", Manager: "leona"},
	{Key: "priya", Name: "Priya Raman", Role: "engineer, platform; peer partner of Tariq", Manager: "quentin"},
	{Key: "tariq", Name: "Tariq Aziz", Role: "engineer, platform; peer partner of Priya", Manager: "quentin"},
	{Key: "yuki", Name: "Yuki Tanaka", Role: "engineer, platform", Manager: "quentin"},
	{Key: "sven", Name: "Sven Ek", Role: "engineer, platform", Manager: "quentin"},
	{Key: "zara", Name: "Zara Ahmed", Role: "engineer, product; peer partner of Ravi", Manager: "ursula"},
	{Key: "felix", Name: "Felix Wagner", Role: "engineer, product", Manager: "ursula"},
	{Key: "lena", Name: "Lena Virtanen", Role: "designer, product; proposed a peer circle to Mateo", Manager: "ursula"},
	{Key: "wes", Name: "Wesley Okafor", Role: "sales manager, enterprise", Manager: "marco"},
	{Key: "xenia", Name: "Xenia Petrova", Role: "sales manager, partnerships", Manager: "marco"},
	{Key: "mateo", Name: "Mateo Silva", Role: "account executive", Manager: "wes"},
	{Key: "noor", Name: "Noor Haddad", Role: "account executive", Manager: "wes"},
	{Key: "joao", Name: "João Pereira", Role: "account executive, invited, not joined yet", Manager: "wes", Invited: true},
	{Key: "ravi", Name: "Ravi Patel", Role: "partner manager; peer partner of Zara", Manager: "xenia"},
	{Key: "elsa", Name: "Elsa Berg", Role: "partner manager", Manager: "xenia"},
	{Key: "tomas", Name: "Tomás Herrera", Role: "operations manager, facilities", Manager: "rosa"},
	{Key: "amaya", Name: "Amaya Ruiz", Role: "facilities coordinator", Manager: "tomas"},
	{Key: "viktor", Name: "Viktor Horvat", Role: "facilities technician, left (deactivated)", Manager: "tomas", Deactivated: true},
	{Key: "lars", Name: "Lars Jensen", Role: "finance operations manager", Manager: "rosa"},
	{Key: "mei", Name: "Mei Lin", Role: "finance analyst", Manager: "lars"},
	{Key: "hugo", Name: "Hugo Martin", Role: "finance analyst, invited, not joined yet", Manager: "lars", Invited: true},
	{Key: "paula", Name: "Paula Costa", Role: "people partner; supervisor of Peer Learning Circles", Manager: "sofia"},
	{Key: "ines", Name: "Inês Moreira", Role: "people operations", Manager: "sofia"},
	{Key: "kai", Name: "Kai Nakamura", Role: "learning lead; coordinator of Peer Learning Circles", Manager: "sofia"},
}

// Programme is a demo programme: its kind and its staff (demo keys).
type Programme struct {
	Name, Description       string
	Kind                    mentorvault.ProgrammeKind
	EnrolmentOpen           bool
	Coordinator, Supervisor string
}

// Programmes are the demo programmes, in the order they are created.
var Programmes = []Programme{
	{Name: "Leadership Mentoring", Kind: mentorvault.ProgrammeMentoring, EnrolmentOpen: true, Coordinator: "carol", Supervisor: "erin"},
	{Name: "Peer Learning Circles", Kind: mentorvault.ProgrammePeer, EnrolmentOpen: true, Coordinator: "kai", Supervisor: "paula",
		Description: "Pairs of colleagues from different teams who learn from each other as equals, meeting every few weeks."},
}

// Seed creates the demo organisation unless one already exists. It reports
// whether it created anything.
func Seed(ctx context.Context, svc *service.Service) (bool, error) {
	orgs, err := svc.Orgs(ctx)
	if err != nil {
		return false, err
	}
	if len(orgs) > 0 {
		return false, nil
	}
	st := newStory(svc)
	defer st.end()
	st.at(70 * day) // the organisation came to mentorvault ten weeks ago
	org, err := svc.OperatorCreateOrg(ctx, OrgName)
	if err != nil {
		return false, err
	}
	users := map[string]*service.Account{}
	as := func(key string) mentorvault.Principal {
		return mentorvault.Principal{UserID: users[key].ID, OrgID: org.ID, Via: "demo"}
	}
	var invited, deactivated []Person
	for _, p := range People {
		if p.Invited {
			invited = append(invited, p) // added by the org admin below
			continue
		}
		mgr := ""
		if p.Manager != "" {
			mgr = users[p.Manager].Email
		}
		u, err := svc.OperatorAddUser(ctx, service.NewUser{OrgID: org.ID, Email: p.Email(), Name: p.Name, Password: Password,
			ManagerEmail: mgr, OrgAdmin: p.OrgAdmin, Requester: p.Requester})
		if err != nil {
			return false, fmt.Errorf("demo user %s: %w", p.Key, err)
		}
		users[p.Key] = u
		if p.Deactivated {
			deactivated = append(deactivated, p)
		}
	}
	// Grace added the newest people; they have not used their invitation
	// yet. One person left and she deactivated their account.
	for _, p := range invited {
		if _, _, err := svc.AddPerson(ctx, as("grace"), service.NewPerson{Name: p.Name, Email: p.Email(), ManagerEmail: p.Manager + "@northwind.example"}); err != nil {
			return false, fmt.Errorf("demo invitation %s: %w", p.Key, err)
		}
	}
	for _, p := range deactivated {
		if _, err := svc.DeactivatePerson(ctx, as("grace"), users[p.Key].ID); err != nil {
			return false, fmt.Errorf("demo deactivation %s: %w", p.Key, err)
		}
	}
	lead := Programmes[0]
	prog, err := svc.OperatorCreateProgramme(ctx, org.ID, lead.Name)
	if err != nil {
		return false, err
	}
	if err := svc.OperatorAddProgrammeRole(ctx, prog.ID, users[lead.Coordinator].Email, mentorvault.RoleCoordinator); err != nil {
		return false, err
	}
	if err := svc.OperatorAddProgrammeRole(ctx, prog.ID, users[lead.Supervisor].Email, mentorvault.RoleSupervisor); err != nil {
		return false, err
	}

	// The programme publishes its guidelines.
	if _, err := svc.PublishGuidelines(ctx, as("carol"), prog.ID, Guidelines); err != nil {
		return false, err
	}

	// Alice mentors Bob: proposed by Bob, accepted by Alice, then they agree
	// their confidentiality terms and both sign, seven weeks ago.
	st.at(52 * day)
	rel, err := svc.ProposeRelationship(ctx, as("bob"), service.ProposeInput{OtherEmail: users["alice"].Email, MyRole: "mentee", ProgrammeID: prog.ID})
	if err != nil {
		return false, err
	}
	st.at(51 * day)
	if _, err := svc.Transition(ctx, as("alice"), rel.ID, mentorvault.ActAccept); err != nil {
		return false, err
	}
	st.at(50 * day)
	draft, err := svc.StartDraft(ctx, as("alice"), rel.ID)
	if err != nil {
		return false, err
	}
	terms := draft.Terms
	terms.Clauses = []mentorvault.Clause{
		{Discloser: mentorvault.PartyEither, What: mentorvault.WhatTopicsGoals, Recipient: mentorvault.ToLineManager, Condition: mentorvault.CondAlways, Until: mentorvault.UntilDuring},
		{Discloser: mentorvault.PartyMentor, What: mentorvault.WhatGrowth, Recipient: mentorvault.ToPromotionHR, Condition: mentorvault.CondPermission, Until: mentorvault.UntilMonthsAfter, Months: 12},
		{Discloser: mentorvault.PartyEither, What: mentorvault.WhatAttendance, Recipient: mentorvault.ToCoordinator, Condition: mentorvault.CondAlways, Until: mentorvault.UntilDuring},
	}
	terms.KeptConfidential = []mentorvault.KeptItem{
		{Party: mentorvault.PartyMentee, Text: "my worries about the reorganisation"},
		{Party: mentorvault.PartyMentee, Text: "my health"},
		{Party: mentorvault.PartyMentor, Text: "what I say about my own manager"},
	}
	terms.Exceptions = mentorvault.StandardExceptions()
	terms.Expectations.Goals = "Grow into leading the platform team: delegation, running planning meetings, giving feedback that lands."
	terms.Expectations.ScopeIn = "Leadership, delegation, stakeholder communication, career direction."
	terms.Expectations.ScopeOut = "Bob's day-to-day performance; salary and promotion decisions."
	terms.Expectations.Channels = []string{"in_person", "video"}
	terms.Expectations.MeetingFrequency = "fortnightly"
	terms.Expectations.MeetingMinutes = 45
	terms.Expectations.ReviewEveryWeeks = 8
	draft, err = svc.UpdateDraft(ctx, as("bob"), rel.ID, draft.ID, draft.Hash, terms)
	if err != nil {
		return false, fmt.Errorf("demo agreement: %w", err)
	}
	for _, who := range []string{"bob", "alice"} {
		// Each reads the programme's guidelines and says so, for themselves.
		if n := draft.Terms.GuidelinesVersion; n > 0 {
			if _, err := svc.ConfirmGuidelinesRead(ctx, as(who), rel.ID, n); err != nil {
				return false, fmt.Errorf("demo guidelines read by %s: %w", who, err)
			}
		}
		if _, err := svc.SignAgreement(ctx, as(who), rel.ID, draft.ID, draft.Hash, Password); err != nil {
			return false, fmt.Errorf("demo agreement signed by %s: %w", who, err)
		}
	}
	if err := seedHabits(ctx, svc, st, as, rel.ID, users); err != nil {
		return false, fmt.Errorf("demo meetings: %w", err)
	}
	st.at(0) // what follows happens today
	if err := seedConcern(ctx, svc, as, rel.ID, users); err != nil {
		return false, fmt.Errorf("demo concern: %w", err)
	}
	if err := seedThirdParty(ctx, svc, as, rel.ID); err != nil {
		return false, fmt.Errorf("demo input requests: %w", err)
	}
	// A second pair, only proposed: Ivan offers to mentor Judy.
	if _, err := svc.ProposeRelationship(ctx, as("ivan"), service.ProposeInput{OtherEmail: users["judy"].Email, MyRole: "mentor", ProgrammeID: prog.ID}); err != nil {
		return false, err
	}
	if err := seedEnrolment(ctx, svc, org.ID, prog.ID, users, users["carol"].Email,
		map[string]mentorvault.EnrolmentRole{"heidi@northwind.example": mentorvault.EnrolMentee}); err != nil {
		return false, err
	}
	if err := seedPeer(ctx, svc, as, users); err != nil {
		return false, fmt.Errorf("demo peer programme: %w", err)
	}
	return true, nil
}

// seedPeer creates the peer programme, run by Kai with Paula as its
// supervisor, open for enrolment: Priya and Tariq, and Zara and Ravi, are
// partners who signed their agreement; Lena proposed a pair to Mateo.
func seedPeer(ctx context.Context, svc *service.Service, as func(string) mentorvault.Principal, users map[string]*service.Account) error {
	pp := Programmes[1]
	v, err := svc.CreateProgramme(ctx, as("grace"), service.NewProgramme{Name: pp.Name, Description: pp.Description, Kind: pp.Kind, EnrolmentOpen: pp.EnrolmentOpen})
	if err != nil {
		return err
	}
	if _, err := svc.SetProgrammeStaff(ctx, as("grace"), v.ID, service.ProgrammeStaff{
		Coordinators: []string{users[pp.Coordinator].Email}, Supervisors: []string{users[pp.Supervisor].Email}}); err != nil {
		return err
	}
	for _, pair := range [][2]string{{"priya", "tariq"}, {"zara", "ravi"}} {
		rel, err := svc.ProposeRelationship(ctx, as(pair[0]), service.ProposeInput{OtherEmail: users[pair[1]].Email, MyRole: "partner", ProgrammeID: v.ID})
		if err != nil {
			return err
		}
		if _, err := svc.Transition(ctx, as(pair[1]), rel.ID, mentorvault.ActAccept); err != nil {
			return err
		}
		draft, err := svc.StartDraft(ctx, as(pair[0]), rel.ID)
		if err != nil {
			return err
		}
		for _, who := range pair {
			if _, err := svc.SignAgreement(ctx, as(who), rel.ID, draft.ID, draft.Hash, Password); err != nil {
				return fmt.Errorf("signed by %s: %w", who, err)
			}
		}
	}
	_, err = svc.ProposeRelationship(ctx, as("lena"), service.ProposeInput{OtherEmail: users["mateo"].Email, MyRole: "partner", ProgrammeID: v.ID})
	return err
}

// seedHabits gives alice and bob a history: past sessions (held, one
// cancelled late, one missed), upcoming ones, a goal, commitments in each
// state, a completed review and answered feedback.
func seedHabits(ctx context.Context, svc *service.Service, st *story, as func(string) mentorvault.Principal, relID string, users map[string]*service.Account) error {
	now := st.now
	morning := now.Truncate(day).Add(10 * time.Hour) // sessions are at ten
	type note struct {
		who, body string
		vis       mentorvault.Visibility
	}
	type past struct {
		ago     time.Duration
		outcome mentorvault.MeetingStatus
		agenda  string
		notes   []note // written after the session
	}
	var held []*mentorvault.Meeting
	for _, p := range []past{
		{42 * day, mentorvault.MeetingHeld, "Getting started: what Bob wants from mentoring.", []note{
			{"alice", "First session: we agreed to focus on delegation and on running the weekly planning meeting. Bob will try handing the release checklist to Priya.", mentorvault.VisibilityShared},
			{"bob", "Reading list from Alice: 'The Effective Executive' chapters 1-3. Next time: how to give feedback that lands.", mentorvault.VisibilityShared},
		}},
		{28 * day, mentorvault.MeetingHeld, "Delegation: what to hand over first.", []note{
			{"alice", "Bob sounded worried about the reorganisation. Ask gently next time how he is finding it; do not push.", mentorvault.VisibilityPrivate},
		}},
		{14 * day, mentorvault.MeetingMissed, "Feedback conversations.", []note{
			{"bob", "Things I want to raise but am nervous about: whether I am ready to lead the platform team.", mentorvault.VisibilityPrivate},
		}},
		{7 * day, mentorvault.MeetingHeld, "Preparing the planning meeting.", nil},
	} {
		start := morning.Add(-p.ago)
		st.atTime(start.Add(-5 * day)) // planned five days ahead
		m, err := svc.ScheduleMeeting(ctx, as("alice"), relID, service.MeetingInput{StartsAt: start, Minutes: 45, Location: "Room 3.12", Agenda: p.agenda})
		if err != nil {
			return err
		}
		st.atTime(start.Add(50 * time.Minute)) // just after the session
		if p.outcome == mentorvault.MeetingHeld {
			for _, who := range []string{"alice", "bob"} {
				if _, err := svc.AcknowledgeReminder(ctx, as(who), relID, m.ID); err != nil {
					return err
				}
			}
			held = append(held, m)
		}
		if _, err := svc.RecordMeetingOutcome(ctx, as("bob"), relID, m.ID, p.outcome); err != nil {
			return err
		}
		for _, n := range p.notes {
			if _, err := svc.CreateNote(ctx, as(n.who), relID, n.body, n.vis); err != nil {
				return err
			}
		}
	}
	if _, err := svc.CreateSessionNote(ctx, as("alice"), relID, held[len(held)-1].ID,
		"Bob will open the planning meeting himself and hand the release checklist to Priya.", mentorvault.VisibilityShared); err != nil {
		return err
	}
	st.at(0)
	// Cancelled with less notice than the agreed 24 hours.
	late, err := svc.ScheduleMeeting(ctx, as("bob"), relID, service.MeetingInput{StartsAt: now.Add(6 * time.Hour), Minutes: 30, Location: "https://meet.example/northwind-alice-bob"})
	if err != nil {
		return err
	}
	if _, err := svc.CancelMeeting(ctx, as("bob"), relID, late.ID); err != nil {
		return err
	}
	for _, in := range []service.MeetingInput{
		{StartsAt: now.Add(3*day + 10*time.Hour), Minutes: 45, Location: "https://meet.example/northwind-alice-bob", Agenda: "How the planning meeting went; giving feedback that lands."},
		{StartsAt: now.Add(17*day + 10*time.Hour), Minutes: 45, Location: "Room 3.12", Agenda: "Review our expectations."},
	} {
		if _, err := svc.ScheduleMeeting(ctx, as("alice"), relID, in); err != nil {
			return err
		}
	}
	goal, err := svc.CreateGoal(ctx, as("bob"), relID, "Run the weekly planning meeting with confidence")
	if err != nil {
		return err
	}
	if _, err := svc.AddGoalProgress(ctx, as("bob"), relID, goal.ID, "Opened the meeting myself twice; still nervous about pushback.", ""); err != nil {
		return err
	}
	type promise struct {
		owner, by, text string
		due             time.Duration
		to              mentorvault.CommitmentStatus
	}
	for _, c := range []promise{
		{"bob", "bob", "Hand the release checklist to Priya.", -10 * day, mentorvault.CommitmentKept},
		{"alice", "alice", "Send Bob the article on delegation.", -20 * day, mentorvault.CommitmentKept},
		{"bob", "bob", "Ask the team for feedback on the planning meeting.", -5 * day, mentorvault.CommitmentMissed},
		{"bob", "bob", "Write down three things to delegate next month.", 4 * day, mentorvault.CommitmentOpen},
		{"bob", "alice", "Try opening with the goals of the meeting.", 6 * day, mentorvault.CommitmentProposed},
		{"alice", "alice", "Introduce Bob to the platform team lead.", -3 * day, mentorvault.CommitmentDropped},
	} {
		cm, err := svc.CreateCommitment(ctx, as(c.by), relID, service.CommitmentInput{OwnerID: users[c.owner].ID, Description: c.text, DueAt: now.Add(c.due), GoalID: goal.ID})
		if err != nil {
			return err
		}
		if c.to != mentorvault.CommitmentOpen && c.to != mentorvault.CommitmentProposed {
			if _, err := svc.UpdateCommitment(ctx, as(c.owner), relID, cm.ID, c.to); err != nil {
				return err
			}
		}
	}
	if _, err := svc.RecordReview(ctx, as("bob"), relID, mentorvault.ReviewHolds, "Fortnightly still suits me; the agendas help.", false); err != nil {
		return err
	}
	fr, err := svc.RequestFeedback(ctx, as("alice"), relID)
	if err != nil {
		return err
	}
	ratings := map[string]int{"listening": 5, "safety": 5, "challenge": 4, "reliability": 4, "usefulness": 5}
	return svc.AnswerFeedback(ctx, as("bob"), relID, fr.ID, mentorvault.FeedbackAnswer{Ratings: ratings, Text: "Alice asks the questions I avoid. I would like a bit more challenge."})
}

// seedConcern records a concern alice raised and the pair resolved without
// disclosure, and an open consultation bob started with erin, the
// programme's supervisor, who answered.
func seedConcern(ctx context.Context, svc *service.Service, as func(string) mentorvault.Principal, relID string, users map[string]*service.Account) error {
	c, err := svc.RaiseConcern(ctx, as("alice"), relID, mentorvault.ConcernDangerToMentee,
		"Bob said he has been working every weekend and is not sleeping. I want to be sure he is safe.", false)
	if err != nil {
		return err
	}
	for _, st := range []struct {
		who, answer, body string
		kind              mentorvault.ConcernStepKind
	}{
		{"bob", "no", "I am tired, not in danger. The release is over next week.", mentorvault.StepEthicalView},
		{"alice", "unsure", "I would feel better if Bob spoke to someone about his workload.", mentorvault.StepEthicalView},
		{"bob", "", "I will talk to Dave about the weekend work myself this week.", mentorvault.StepDuties},
		{"alice", "", "Agreed: no disclosure. We check in at our next session.", mentorvault.StepComment},
	} {
		if _, err := svc.RecordConcernStep(ctx, as(st.who), relID, c.ID, st.kind, st.answer, st.body); err != nil {
			return err
		}
	}
	if _, err := svc.CloseConcern(ctx, as("alice"), relID, c.ID, mentorvault.ConcernResolved, ""); err != nil {
		return err
	}
	con, err := svc.StartConsultation(ctx, as("bob"), relID, users["erin"].ID, "",
		"My mentor was worried about my workload. How much should I share with my manager about what I discuss in mentoring?")
	if err != nil {
		return err
	}
	return svc.PostConsultationMessage(ctx, as("erin"), con.ID,
		"That is yours to decide. Your agreement lets you share the topics you work on, never the details. Would it help to plan what you want Dave to know?")
}

// seedThirdParty: frank (HR) asked alice for input about bob for a
// promotion; bob approved her statement and it was released. Frank then
// asked again for a nomination; alice's draft answer is still with her, and
// the checker has findings on it (one of bob's kept-confidential items and
// a comparison with his peers).
func seedThirdParty(ctx context.Context, svc *service.Service, as func(string) mentorvault.Principal, relID string) error {
	now := time.Now().UTC() // the store's clock is today's again (story.at(0))
	r, err := svc.RequestInput(ctx, as("frank"), relID, service.InputRequestInput{AskedEmail: "alice@northwind.example",
		Purpose: "promotion to team lead", Question: "Could you tell the promotion panel how Bob has developed as a leader?",
		Deadline: now.Add(10 * 24 * time.Hour)})
	if err != nil {
		return err
	}
	st, err := svc.DraftStatement(ctx, as("alice"), relID, r.ID,
		"I have mentored Bob since the autumn. We worked on delegation and on running planning meetings, and he engaged fully with our sessions. "+
			"I have seen him grow in confidence in leading his team's planning.")
	if err != nil {
		return err
	}
	if _, err := svc.SubmitStatement(ctx, as("alice"), relID, st.ID); err != nil {
		return err
	}
	if _, err := svc.DecideStatement(ctx, as("bob"), relID, st.ID, "approve", ""); err != nil {
		return err
	}
	r2, err := svc.RequestInput(ctx, as("frank"), relID, service.InputRequestInput{AskedEmail: "alice@northwind.example",
		Purpose: "nomination for the leadership programme", Question: "Is Bob ready for the leadership programme?",
		Deadline: now.Add(21 * 24 * time.Hour)})
	if err != nil {
		return err
	}
	_, err = svc.DraftStatement(ctx, as("alice"), relID, r2.ID,
		"Bob is a stronger performer than his peers. He has been open with me about his health, and he keeps going. "+
			"We worked on giving feedback that lands.")
	return err
}

// Guidelines are the demo programme's guidelines (Markdown).
const Guidelines = `# Leadership Mentoring: guidelines

Welcome to the programme. A few things every pair agrees to:

- **Confidential by default.** What you say stays between the two of you unless your agreement says otherwise.
- **No surprises.** If confidentiality ever has to be broken (someone is in danger, the law requires it), the other person hears it first.
- **Mentor, not manager.** Mentors speak about their mentee *as a mentee* — what you worked on and how you grew — never as a performance review.
- **Meet reliably.** Agree how often you meet and how much notice a cancellation needs, and keep to it.

Questions? Ask the programme coordinator, or consult a mentoring supervisor in confidence.
`

const day = 24 * time.Hour

// story moves the store's clock through the demo's history, so that what
// it seeds carries the dates of a story that happened — a relationship
// active for seven weeks, each session and its notes on their day — when
// the store lets its clock be set (sqlstore does); otherwise everything is
// stamped now.
type story struct {
	set func(func() time.Time)
	now time.Time
}

func newStory(svc *service.Service) *story {
	st := &story{now: time.Now().UTC().Truncate(time.Hour)}
	if c, ok := svc.Store().(interface{ SetClock(func() time.Time) }); ok {
		st.set = c.SetClock
	}
	return st
}

// at sets the clock to ago before the story's now (0: the real clock).
func (st *story) at(ago time.Duration) {
	if st.set == nil {
		return
	}
	if ago == 0 {
		st.set(time.Now)
		return
	}
	t := st.now.Add(-ago)
	st.set(func() time.Time { return t })
}

// atTime sets the clock to t.
func (st *story) atTime(t time.Time) {
	if st.set != nil {
		st.set(func() time.Time { return t })
	}
}

// end gives the store its real clock back.
func (st *story) end() {
	if st.set != nil {
		st.set(time.Now)
	}
}

// LoginHelp is the text that tells a person how to sign in to the demo.
func LoginHelp(url string) string {
	s := fmt.Sprintf("Demo organisation %q: open %s and sign in with any of these accounts, password %q:\n", OrgName, url, Password)
	for _, p := range People {
		if p.Invited || p.Deactivated {
			continue // they cannot sign in
		}
		s += fmt.Sprintf("  %-28s %s\n", p.Email(), p.Role)
	}
	return s
}
