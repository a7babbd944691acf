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

	// Alice mentors Bob: proposed by Bob, accepted and agreed by both.
	rel, err := svc.ProposeRelationship(ctx, as("bob"), service.ProposeInput{OtherEmail: users["alice"].Email, MyRole: "mentee", ProgrammeID: prog.ID})
	if err != nil {
		return false, err
	}
	for _, step := range []struct {
		who string
		act mentorvault.LifecycleAction
	}{{"alice", mentorvault.ActAccept}, {"bob", mentorvault.ActAgree}, {"alice", mentorvault.ActAgree}} {
		if _, err := svc.Transition(ctx, as(step.who), rel.ID, step.act); err != nil {
			return false, fmt.Errorf("demo relationship %s: %w", step.act, err)
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

// LoginHelp is the text that tells a person how to sign in to the demo.
func LoginHelp(url string) string {
	s := fmt.Sprintf("Demo organisation %q: open %s and sign in with any of these accounts, password %q:\n", OrgName, url, Password)
	for _, p := range People {
		s += fmt.Sprintf("  %-26s %s\n", p.Email(), p.Role)
	}
	return s
}
