package demo

import (
	"context"
	"fmt"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/service"
)

// Topics are the demo programme's topic list, which people who enrol
// choose from.
var Topics = []string{"Leadership", "Delegation", "Giving feedback", "Career growth", "Managing up", "Public speaking"}

// seedEnrolment has the programme's coordinator (coordinator, an email)
// set its topics and open its enrolment, and enrols each person of enrol
// (email → role) with a short profile, waiting to be matched. users are
// the demo's accounts by key.
func seedEnrolment(ctx context.Context, svc *service.Service, orgID, programmeID string, users map[string]*service.Account,
	coordinator string, enrol map[string]mentorvault.EnrolmentRole) error {
	as := func(email string) (mentorvault.Principal, error) {
		for _, u := range users {
			if u.Email == email {
				return mentorvault.Principal{UserID: u.ID, OrgID: orgID, Via: "demo"}, nil
			}
		}
		return mentorvault.Principal{}, fmt.Errorf("demo enrolment: no demo person %s", email)
	}
	c, err := as(coordinator)
	if err != nil {
		return err
	}
	topics, open := Topics, true
	if _, err := svc.UpdateProgramme(ctx, c, programmeID, service.ProgrammeUpdate{Topics: &topics, EnrolmentOpen: &open}); err != nil {
		return fmt.Errorf("demo enrolment: open the programme: %w", err)
	}
	for email, role := range enrol {
		p, err := as(email)
		if err != nil {
			return err
		}
		in := service.EnrolmentInput{Role: role, Topics: Topics[:2], Goals: "Lead my first team with confidence.",
			Languages: []string{"English"}, TimeZone: "Europe/London", Availability: "Tuesday or Thursday mornings"}
		if _, err := svc.Enrol(ctx, p, programmeID, in); err != nil {
			return fmt.Errorf("demo enrolment of %s: %w", email, err)
		}
	}
	return nil
}
