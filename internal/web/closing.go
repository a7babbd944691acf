package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

// The ending pages: closing after settling each open item, ending for the
// programme, a legal hold; and the relationship page's ending panel.

type closeItemView struct {
	ID, What, After, Link string
	Checked               bool
	Error                 string
}

type closePage struct {
	base
	Plan    *service.ClosingPlan
	Items   []closeItemView
	EraseOn string
	Reason  string
	Error   string
	Fields  map[string]string
}

// closeItemWords says what an open item is and what closing does to it,
// in the viewer's words. It names people and dates, never content.
func closeItemWords(it service.ClosingItem, people map[string]service.Person, viewerID string, z zone) (what, after string) {
	by := people[it.ByID].Name
	if it.ByID == viewerID {
		by = "you"
	}
	when := ""
	if it.At != nil {
		when = z.when(*it.At)
	}
	switch it.Kind {
	case "concern":
		return "A concern raised by " + by + ", still open",
			"It stays open after closing: you can both still work through it, consult a supervisor and record its outcome until the content is erased. No disclosure follows from it unless one is planned or noticed."
	case "notice", "plan":
		noun := "A disclosure notice filed by " + by
		if it.Kind == "plan" {
			noun = "A joint disclosure plan proposed by " + by
		}
		switch {
		case it.State == string(mentorvault.DisclosureAwaitingSignatures):
			return noun + ", waiting for signatures", "It stays as it is: it can still be signed or withdrawn after closing."
		case when == "":
			return noun + ", not started yet", "It keeps its course: its notice starts when it reaches the other party, as before. Closing neither cancels nor hastens it, and the content is not erased before it has taken effect."
		default:
			return noun + ", taking effect on " + when, "It keeps its course: closing neither cancels nor hastens it. It takes effect on " + when + " unless " + by + " withdraws it first, and the content is not erased before then."
		}
	case "statement":
		noun := "A statement written by " + by
		switch mentorvault.StatementState(it.State) {
		case mentorvault.StatementPreAuthorised:
			if when != "" {
				return noun + ", to be released on " + when + " as your agreement allows",
					"It keeps its course: it is released on " + when + " unless its subject objects before you close. Closing does not hasten it."
			}
			return noun + ", pre-authorised by your agreement", "It keeps its course: closing does not hasten it."
		case mentorvault.StatementAwaitingConsent:
			return noun + ", waiting for consent", "It is never released: once the relationship is closed, nobody can consent to it any more."
		}
		return noun + ", not released", "It is never released: once the relationship is closed, it can no longer be changed, shown or released."
	}
	return "An open item", ""
}

func (h *Handler) closePage(r *http.Request) (*closePage, error) {
	p := httpx.Principal(r)
	plan, err := h.svc.ClosingPlan(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	z := h.zone(r)
	title := "Close the relationship"
	if plan.ByProgramme {
		title = "End the relationship for the programme"
	}
	pg := &closePage{base: h.base(r, title), Plan: plan, EraseOn: z.date(plan.EraseOn), Fields: map[string]string{}}
	for _, it := range plan.Items {
		what, after := closeItemWords(it, plan.People, p.UserID, z)
		pg.Items = append(pg.Items, closeItemView{ID: it.ID, What: what, After: after, Link: it.Link})
	}
	return pg, nil
}

// ClosePage serves GET /relationships/{id}/close.
func (h *Handler) ClosePage(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.closePage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "close.html", pg)
	return nil
}

// Close serves POST /relationships/{id}/close: a party closes.
func (h *Handler) Close(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return submit(w, r, form.ParseClose, func(in service.CloseInput) (string, error) {
		if _, err := h.svc.CloseRelationship(r.Context(), httpx.Principal(r), id, in); err != nil {
			return "", err
		}
		return "/relationships/" + id + "?done=close", nil
	}, func(bad refused) error {
		pg, err := h.closePage(r)
		if err != nil {
			return err
		}
		pg.Reason, pg.Error = r.PostFormValue("message"), sentence(mentorvault.ErrorMessage(bad.Err))
		for k, m := range mentorvault.ErrorFields(bad.Err) {
			pg.Fields[k] = m
		}
		ticked := r.PostForm["settled"]
		for i := range pg.Items {
			it := &pg.Items[i]
			for _, t := range ticked {
				it.Checked = it.Checked || t == it.ID
			}
			if !it.Checked {
				it.Error = "Tick this to confirm you have read what happens to it."
			}
		}
		h.render(w, r, httpx.Status(mentorvault.ErrorCode(bad.Err)), "close.html", pg)
		return nil
	}, mentorvault.ECONFLICT)
}

// End serves POST /relationships/{id}/end: a coordinator ends it for the programme.
func (h *Handler) End(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := h.svc.EndRelationship(r.Context(), httpx.Principal(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/relationships/"+id+"?done=end", http.StatusSeeOther)
	return nil
}

type holdPage struct {
	base
	Rel    *service.RelationshipView
	Reason string
	Error  string
	Field  string
}

func (h *Handler) holdPage(r *http.Request) (*holdPage, error) {
	v, err := h.svc.Relationship(r.Context(), httpx.Principal(r), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if !v.Allowed.Has(policy.HoldRelationship) {
		return nil, mentorvault.Errorf(mentorvault.EFORBIDDEN, "only an administrator of the organisation can place a legal hold")
	}
	return &holdPage{base: h.base(r, "Legal hold"), Rel: v}, nil
}

// HoldPage serves GET /relationships/{id}/hold: an org admin's form.
func (h *Handler) HoldPage(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.holdPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "hold.html", pg)
	return nil
}

// Hold serves POST /relationships/{id}/hold: place a hold.
func (h *Handler) Hold(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	return submit(w, r, form.ParseHold, func(reason string) (string, error) {
		if _, err := h.svc.PlaceHold(r.Context(), httpx.Principal(r), id, reason); err != nil {
			return "", err
		}
		return "/relationships/" + id + "?done=hold", nil
	}, func(bad refused) error {
		pg, err := h.holdPage(r)
		if err != nil {
			return err
		}
		pg.Reason, pg.Error, pg.Field = r.PostFormValue("reason"), sentence(mentorvault.ErrorMessage(bad.Err)), mentorvault.ErrorFields(bad.Err)["reason"]
		h.render(w, r, httpx.Status(mentorvault.ErrorCode(bad.Err)), "hold.html", pg)
		return nil
	}, mentorvault.ECONFLICT)
}

// ReleaseHold serves POST /relationships/{id}/hold/release.
func (h *Handler) ReleaseHold(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := h.svc.ReleaseHold(r.Context(), httpx.Principal(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, "/relationships/"+id+"?done=hold_released", http.StatusSeeOther)
	return nil
}

// endingPanel is what the relationship page says about its ending: who
// closed it, when its content is (or was) erased, a legal hold, and what
// the viewer may do about them.
type endingPanel struct {
	Closed    string // "Closed by Alice Adams on 3 Dec 2026." ("" while it runs)
	Erase     string // when and what until then
	Erased    bool
	Hold      string // the hold, its reason and who placed it ("" without one)
	MayExport bool
	MayHold   bool // an org admin: place or release
	Held      bool
	MayEnd    bool // a coordinator: end it for the programme
}

func endingPanelFor(v *service.RelationshipView, viewerID string, z zone) *endingPanel {
	e := &endingPanel{MayHold: v.Allowed.Has(policy.HoldRelationship), Held: v.Hold != nil}
	e.MayEnd = v.Allowed.Has(policy.EndRelationship) && !v.IsParty(viewerID) && v.EndedAt == nil
	party := v.IsParty(viewerID)
	if v.EndedAt != nil && v.ClosedByID != "" {
		who := v.ClosedBy.Name
		if v.ClosedByID == viewerID {
			who = "you"
		}
		verb := "Closed"
		switch {
		case v.EndedByProgramme:
			verb, who = "Ended by the programme", v.ClosedBy.Name
		case v.Status == mentorvault.StatusDeclined:
			verb = "Declined"
		case v.Status == mentorvault.StatusWithdrawn:
			verb = "Withdrawn"
		}
		e.Closed = fmt.Sprintf("%s (%s) on %s.", verb, who, z.date(*v.EndedAt))
		if !v.EndedByProgramme {
			e.Closed = fmt.Sprintf("%s by %s on %s.", verb, who, z.date(*v.EndedAt))
		}
	}
	if v.ExpiredAt != nil {
		e.Closed = "Expired unanswered on " + z.date(*v.ExpiredAt) + "."
	}
	switch {
	case v.ErasedAt != nil:
		e.Erased = true
		e.Erase = "Its content was erased on " + z.date(*v.ErasedAt) + ", at the end of its retention period: nobody can read it any more. The access log stays."
	case v.EraseAt != nil && v.Hold != nil:
		e.Erase = "Its content was due to be erased on " + z.date(*v.EraseAt) + "; the legal hold below keeps it until the hold is released."
	case v.EraseAt != nil:
		e.Erase = "Its content will be erased on " + z.date(*v.EraseAt) + "."
		if party && v.StartedAt != nil {
			e.Erase += " Until then it is read-only for both of you, and each of you can download everything you can read. You are both reminded 30 and 7 days before."
		}
	}
	e.MayExport = party && v.ErasedAt == nil && v.StartedAt != nil && v.Allowed.Has(policy.ExportAgreement)
	if h := v.Hold; h != nil {
		e.Hold = fmt.Sprintf("On legal hold since %s, placed by %s: %s Nothing is erased while it stands.", z.date(h.At), v.HoldBy.Name, strings.TrimRight(h.Reason, ".")+".")
	}
	if e.Closed == "" && e.Erase == "" && e.Hold == "" && !e.MayHold && !e.MayEnd {
		return nil
	}
	return e
}
