// Package demo seeds the demo organisation "Northwind" through the same
// service calls people use, so its content is sealed and audited like any other.
package demo

import (
	"context"
	"fmt"

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
	org, err := svc.OperatorCreateOrg(ctx, OrgName)
	if err != nil {
		return false, err
	}
	users := map[string]*mentorvault.User{}
	for _, p := range People {
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
	}
	prog, err := svc.OperatorCreateProgramme(ctx, org.ID, "Leadership Mentoring")
	if err != nil {
		return false, err
	}
	if err := svc.OperatorAddProgrammeRole(ctx, prog.ID, users["carol"].Email, mentorvault.RoleCoordinator); err != nil {
		return false, err
	}
	if err := svc.OperatorAddProgrammeRole(ctx, prog.ID, users["erin"].Email, mentorvault.RoleSupervisor); err != nil {
		return false, err
	}
	as := func(key string) mentorvault.Principal {
		return mentorvault.Principal{UserID: users[key].ID, OrgID: org.ID, Via: "demo"}
	}

	// The programme publishes its guidelines.
	if _, err := svc.PublishGuidelines(ctx, as("carol"), prog.ID, Guidelines); err != nil {
		return false, err
	}

	// Alice mentors Bob: proposed by Bob, accepted by Alice, then they agree
	// their confidentiality terms and both sign.
	rel, err := svc.ProposeRelationship(ctx, as("bob"), service.ProposeInput{OtherEmail: users["alice"].Email, MyRole: "mentee", ProgrammeID: prog.ID})
	if err != nil {
		return false, err
	}
	if _, err := svc.Transition(ctx, as("alice"), rel.ID, mentorvault.ActAccept); err != nil {
		return false, err
	}
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
		if _, err := svc.SignAgreement(ctx, as(who), rel.ID, draft.ID, draft.Hash, Password); err != nil {
			return false, fmt.Errorf("demo agreement signed by %s: %w", who, err)
		}
	}
	for _, n := range []struct {
		who, body string
		vis       mentorvault.Visibility
	}{
		{"alice", "First session: we agreed to focus on delegation and on running the weekly planning meeting. Bob will try handing the release checklist to Priya.", mentorvault.VisibilityShared},
		{"bob", "Reading list from Alice: 'The Effective Executive' chapters 1-3. Next time: how to give feedback that lands.", mentorvault.VisibilityShared},
		{"alice", "Bob sounded worried about the reorganisation. Ask gently next time how he is finding it; do not push.", mentorvault.VisibilityPrivate},
		{"bob", "Things I want to raise but am nervous about: whether I am ready to lead the platform team.", mentorvault.VisibilityPrivate},
	} {
		if _, err := svc.CreateNote(ctx, as(n.who), rel.ID, n.body, n.vis); err != nil {
			return false, err
		}
	}
	// A second pair, only proposed: Ivan offers to mentor Judy.
	if _, err := svc.ProposeRelationship(ctx, as("ivan"), service.ProposeInput{OtherEmail: users["judy"].Email, MyRole: "mentor", ProgrammeID: prog.ID}); err != nil {
		return false, err
	}
	return true, nil
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

// LoginHelp is the text that tells a person how to sign in to the demo.
func LoginHelp(url string) string {
	s := fmt.Sprintf("Demo organisation %q: open %s and sign in with any of these accounts, password %q:\n", OrgName, url, Password)
	for _, p := range People {
		s += fmt.Sprintf("  %-26s %s\n", p.Email(), p.Role)
	}
	return s
}
