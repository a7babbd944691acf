package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/web/form"
)

func threeWayPath(id string) string { return "/three-way/" + url.PathEscape(id) }

type threeWayRow struct {
	ID, When, Length, Location, State, StateLabel, With string
	Agreed                                              string
}

func threeWayStateLabel(m *mentorvault.ThreeWayMeeting) string {
	switch m.State {
	case mentorvault.ThreeWayProposed:
		return "Brief not agreed yet"
	case mentorvault.ThreeWayAgreed:
		return "Brief agreed"
	case mentorvault.ThreeWayHeld:
		return "Held"
	case mentorvault.ThreeWayCancelled:
		return "Cancelled"
	}
	return string(m.State)
}

func threeWayRowOf(v *service.ThreeWayView, userID string, z zone) threeWayRow {
	row := threeWayRow{ID: v.ID, When: z.when(v.StartsAt), Length: strconv.Itoa(v.Minutes) + " minutes", Location: v.Location, State: string(v.State),
		StateLabel: threeWayStateLabel(v.ThreeWayMeeting), With: v.Mentor.Name + ", " + v.Mentee.Name + " and " + v.Manager.Name}
	var agreed []string
	if v.MentorAgreedAt != nil {
		agreed = append(agreed, me(v.Mentor, userID))
	}
	if v.MenteeAgreedAt != nil {
		agreed = append(agreed, me(v.Mentee, userID))
	}
	if len(agreed) > 0 {
		row.Agreed = "agreed by " + strings.Join(agreed, " and ")
	}
	return row
}

type threeWayForm struct {
	meetingForm
	Brief      mentorvault.Secret
	BriefError string
	Conflict   bool // the service refused it as it stands (ECONFLICT)
}

func newThreeWayForm(z zone) threeWayForm {
	f := threeWayForm{meetingForm: newMeetingForm(z)}
	f.Minutes = "45"
	return f
}

// typedThreeWay is a three-way meeting's form as it was posted, to show again.
func typedThreeWay(v url.Values) threeWayForm {
	return threeWayForm{meetingForm: typedMeeting(v), Brief: mentorvault.NewSecret(v.Get("brief"))}
}

// refuse shows why the form was refused: its own problems, or the service's.
func (f *threeWayForm) refuse(bad refused) {
	if bad.Err != nil {
		f.fail(bad.Err)
		return
	}
	f.Error, f.BriefError = "Please correct the meeting details below.", bad.Problems["brief"]
	for k, v := range bad.Problems {
		if k != "brief" {
			f.Fields[k] = v
		}
	}
}

func (f *threeWayForm) fail(err error) bool {
	if mentorvault.ErrorCode(err) == mentorvault.ECONFLICT {
		f.Error, f.Conflict = title(mentorvault.ErrorMessage(err))+".", true
		return true
	}
	if !f.meetingForm.fail(err) {
		return false
	}
	if v := mentorvault.ErrorFields(err)["brief"]; v != "" {
		f.BriefError = "The brief " + v + "."
		delete(f.Fields, "brief")
	}
	return true
}

func (h *Handler) ProposeThreeWay(w http.ResponseWriter, r *http.Request) error {
	return submit(w, r, form.ParseThreeWay, func(in service.ThreeWayInput) (string, error) {
		tw, err := h.svc.ProposeThreeWay(r.Context(), httpx.Principal(r), r.PathValue("id"), in)
		if err != nil {
			return "", err
		}
		return threeWayPath(tw.ID) + "?done=proposed", nil
	}, func(bad refused) error {
		f := typedThreeWay(r.PostForm)
		f.refuse(bad)
		return h.rerenderThirdParties(w, r, formState{Status: bad.status()}, func(pg *thirdPartiesPage) {
			if pg.TW = f; !pg.Rel.Allowed.Has(policy.ActThirdParty) || pg.Manager == nil {
				pg.Error = f.Error
			}
		})
	}, mentorvault.ECONFLICT)
}

type threeWayNoteRow struct {
	ID, Author, When string
	Body             mentorvault.Secret
	Damaged          bool // its sealed text did not open: changed outside mentorvault
}

type threeWayPage struct {
	base
	View           *service.ThreeWayView // its CanAgree, CanRevise, CanHold, CanCancel and CanNote decide the forms shown
	TW             threeWayRow
	RelID          string
	Mentor, Mentee string
	Manager        string
	Brief          mentorvault.Secret
	Agreements     []string
	// RelAllowed is what Cedar lets the reader do to the relationship (nil
	// when they may not view it): the pair may read its third-party page,
	// the line manager may not.
	RelAllowed policy.Allowed
	Notes      []threeWayNoteRow
	NoteBody   mentorvault.Secret // a refused note, shown again
	NoteForm   formState
	RForm      threeWayForm
	Done       string
	Error      string // a refused action whose form is no longer shown
}

func (h *Handler) threeWayPage(r *http.Request) (*threeWayPage, error) {
	z := h.zone(r)
	p := httpx.Principal(r)
	tw, err := h.svc.ThreeWay(r.Context(), p, r.PathValue("threeWayID"))
	if err != nil {
		return nil, err
	}
	pg := &threeWayPage{base: h.base(r, "Three-way meeting"), View: tw, TW: threeWayRowOf(tw, p.UserID, z), RelID: tw.RelationshipID,
		Mentor: tw.Mentor.Name, Mentee: tw.Mentee.Name, Manager: tw.Manager.Name, Brief: tw.Brief, Done: r.URL.Query().Get("done")}
	if v, err := h.svc.Relationship(r.Context(), p, tw.RelationshipID); err == nil {
		pg.RelAllowed = v.Allowed
	} else if mentorvault.ErrorCode(err) == mentorvault.EINTERNAL {
		return nil, err
	}
	if !pg.RelAllowed.Has(policy.ReadThirdParty) {
		pg.Nav = "statements"
	}
	for _, a := range []struct {
		who service.Person
		at  *time.Time
	}{{tw.Mentor, tw.MentorAgreedAt}, {tw.Mentee, tw.MenteeAgreedAt}} {
		name := title(me(a.who, p.UserID))
		if a.at != nil {
			pg.Agreements = append(pg.Agreements, name+" agreed this brief on "+z.when(*a.at)+".")
		} else if tw.State == mentorvault.ThreeWayProposed {
			has := " has"
			if a.who.ID == p.UserID {
				has = " have"
			}
			pg.Agreements = append(pg.Agreements, name+has+" not agreed this brief yet.")
		}
	}
	for _, n := range tw.Notes {
		pg.Notes = append(pg.Notes, threeWayNoteRow{ID: n.ID, Author: title(me(n.Author, p.UserID)), When: z.when(n.CreatedAt), Body: n.Body, Damaged: n.Damaged})
	}
	pg.RForm = newThreeWayForm(z)
	pg.RForm.When, pg.RForm.Minutes, pg.RForm.Location, pg.RForm.Brief = z.input(tw.StartsAt.UTC()), strconv.Itoa(tw.Minutes), tw.Location, pg.Brief
	return pg, nil
}

func (h *Handler) ThreeWay(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.threeWayPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "three_way.html", pg)
	return nil
}

func (h *Handler) rerenderThreeWay(w http.ResponseWriter, r *http.Request, status int, keep func(*threeWayPage)) error {
	pg, err := h.threeWayPage(r)
	if err != nil {
		return err
	}
	keep(pg)
	h.render(w, r, status, "three_way.html", pg)
	return nil
}

func (h *Handler) AgreeThreeWay(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("threeWayID")
	if _, err := h.svc.AgreeThreeWay(r.Context(), httpx.Principal(r), id); err != nil {
		return err
	}
	http.Redirect(w, r, threeWayPath(id)+"?done=agreed", http.StatusSeeOther)
	return nil
}

func (h *Handler) ReviseThreeWay(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("threeWayID")
	return submit(w, r, form.ParseThreeWay, func(in service.ThreeWayInput) (string, error) {
		_, err := h.svc.ReviseThreeWay(r.Context(), httpx.Principal(r), id, in)
		return threeWayPath(id) + "?done=revised", err
	}, func(bad refused) error {
		f := typedThreeWay(r.PostForm)
		f.refuse(bad)
		return h.rerenderThreeWay(w, r, bad.status(), func(pg *threeWayPage) {
			if pg.RForm = f; !pg.View.CanRevise() {
				pg.Error = f.Error
			}
		})
	}, mentorvault.ECONFLICT)
}

func (h *Handler) ThreeWayOutcome(w http.ResponseWriter, r *http.Request) error {
	id, to := r.PathValue("threeWayID"), mentorvault.ThreeWayState(r.PostFormValue("outcome"))
	if _, err := h.svc.FinishThreeWay(r.Context(), httpx.Principal(r), id, to); err != nil {
		return err
	}
	http.Redirect(w, r, threeWayPath(id)+"?done="+url.QueryEscape(string(to)), http.StatusSeeOther)
	return nil
}

func (h *Handler) ThreeWayNote(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("threeWayID")
	return submit(w, r, form.ParseNote, func(n form.Note) (string, error) {
		_, err := h.svc.AddThreeWayNote(r.Context(), httpx.Principal(r), id, n.Body)
		return threeWayPath(id) + "?done=note#notes", err
	}, func(bad refused) error {
		var f formState
		f.fail(bad.Err, map[string]string{"body": "the note"})
		return h.rerenderThreeWay(w, r, f.Status, func(pg *threeWayPage) {
			if pg.NoteBody, pg.NoteForm = mentorvault.NewSecret(r.PostFormValue("body")), f; !pg.View.CanNote() {
				pg.Error = f.Error
			}
		})
	}, mentorvault.ECONFLICT)
}
