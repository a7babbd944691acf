package web

import (
	"net/http"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/service"
)

// homePage is "/": a section for each role the viewer has, in Sections'
// order, most relevant first.
type homePage struct {
	base
	Sections []string // "party", "coordinator", "supervisor", "requests", "admin"
	Heading  string   // the first section's heading, the page's
	Home     *service.HomePage
	// The party's relationships by stage.
	Active, Pending, Ended []*service.RelationshipView
	Requests               []homeRequest
	Consultations          []homeConsultation
}

type homeRequest struct {
	Asked, Subject, Status, StatusLabel, Deadline string
}

type homeConsultation struct {
	ID, Title, Started string
	Closed             bool
}

// Home shows each person what they do, read in one service call.
func (h *Handler) Home(w http.ResponseWriter, r *http.Request) error {
	z := h.zone(r)
	hp, err := h.svc.Home(r.Context(), httpx.Principal(r))
	if err != nil {
		return err
	}
	p := &homePage{base: h.base(r, "Home"), Home: hp}
	party := hp.Party
	for _, v := range party.Relationships {
		switch v.Status {
		case mentorvault.StatusActive, mentorvault.StatusPaused:
			p.Active = append(p.Active, v)
		case mentorvault.StatusProposed, mentorvault.StatusAccepted, mentorvault.StatusAgreeing:
			p.Pending = append(p.Pending, v)
		default:
			p.Ended = append(p.Ended, v)
		}
	}
	if hp.Requests != nil {
		for _, q := range hp.Requests.Requests {
			p.Requests = append(p.Requests, homeRequest{Asked: q.Asked.Name, Subject: q.Subject.Name, Status: string(q.Status),
				StatusLabel: requestStatusLabel(q.Status), Deadline: q.Deadline.Format("2 Jan 2006")})
		}
	}
	if hp.Consultations != nil {
		for _, c := range hp.Consultations.Consultations {
			p.Consultations = append(p.Consultations, homeConsultation{ID: c.ID, Closed: c.Closed, Started: z.date(c.CreatedAt),
				Title: article(roleNoun(c.ConsultantRole)) + " in " + c.ProgrammeName})
		}
	}
	p.Sections = homeSections(hp)
	p.Heading = sectionHeadings[p.Sections[0]]
	p.Title = p.Heading
	h.render(w, r, http.StatusOK, "home.html", p)
	return nil
}

// sectionHeadings are the sections' headings; the first one's is the page's.
var sectionHeadings = map[string]string{"party": "My mentoring", "coordinator": "Programmes I coordinate",
	"supervisor": "People asking for my guidance", "requests": "My requests for input", "admin": "My organisation"}

// homeSections orders the sections the viewer has: what waits on them as
// a party (an agreement to sign, a reminder) first; then the work of their
// roles (the programmes they coordinate, the people consulting them, their
// requests, their organisation); then their relationships. Someone with no
// role and no relationship gets the party section, which says how to start.
func homeSections(hp *service.HomePage) []string {
	party := hp.Party
	hasParty := len(party.Relationships) > 0
	waiting := len(party.Unsigned) > 0 || len(party.Due) > 0
	var out []string
	if hasParty && waiting {
		out = append(out, "party")
	}
	if len(hp.Dashboards) > 0 {
		out = append(out, "coordinator")
	}
	if hp.Consultations != nil {
		out = append(out, "supervisor")
	}
	if hp.Requests != nil {
		out = append(out, "requests")
	}
	if hp.Admin != nil {
		out = append(out, "admin")
	}
	if (hasParty && !waiting) || len(out) == 0 {
		out = append(out, "party")
	}
	return out
}
