package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/httpx"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/service"
)

type directoryPage struct {
	base
	Relationships []*service.RelationshipView
	Query         string
	Pager
}

// directoryPageSize is how many relationships a directory page shows.
const directoryPageSize = 50

func (h *Handler) Directory(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	offset, err := pageOffset(r)
	if err != nil {
		return err
	}
	// One more than a page tells whether there is a next one.
	vs, err := h.svc.Directory(r.Context(), httpx.Principal(r), service.DirectoryFilter{Query: q, Offset: offset, Limit: directoryPageSize + 1})
	if err != nil {
		return err
	}
	more := len(vs) > directoryPageSize
	if more {
		vs = vs[:directoryPageSize]
	}
	p := &directoryPage{base: h.base(r, "Directory"), Query: q, Relationships: vs, Pager: pagerOf(offset, directoryPageSize, more)}
	h.render(w, r, http.StatusOK, "directory.html", p)
	return nil
}

type proposePage struct {
	base
	// Choices are the programmes to propose in. (Not "Programmes": that
	// would hide base.Programmes, which decides the header's link.)
	Choices     []*mentorvault.Programme
	OtherEmail  string
	MyRole      string
	ProgrammeID string
	Error       string
	Fields      map[string]string
}

func (h *Handler) proposePage(r *http.Request) (*proposePage, error) {
	me, err := h.svc.Me(r.Context(), httpx.Principal(r))
	if err != nil {
		return nil, err
	}
	return &proposePage{base: h.base(r, "Propose a mentoring relationship"), Choices: me.Programmes, MyRole: "mentee"}, nil
}

func (h *Handler) ProposeForm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.proposePage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "propose.html", p)
	return nil
}

func (h *Handler) Propose(w http.ResponseWriter, r *http.Request) error {
	in := service.ProposeInput{OtherEmail: r.PostFormValue("other_email"), MyRole: r.PostFormValue("my_role"), ProgrammeID: r.PostFormValue("programme_id")}
	v, err := h.svc.ProposeRelationship(r.Context(), httpx.Principal(r), in)
	if c := mentorvault.ErrorCode(err); c == mentorvault.EINVALID || c == mentorvault.ECONFLICT {
		p, perr := h.proposePage(r)
		if perr != nil {
			return perr
		}
		p.OtherEmail, p.MyRole, p.ProgrammeID = in.OtherEmail, in.MyRole, in.ProgrammeID
		p.Error, p.Fields = mentorvault.ErrorMessage(err), mentorvault.ErrorFields(err)
		h.render(w, r, httpx.Status(c), "propose.html", p)
		return nil
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, "/relationships/"+v.ID, http.StatusSeeOther)
	return nil
}

type noteView struct {
	ID, Visibility       string
	Body                 mentorvault.Secret
	Mine                 bool           // the viewer wrote it (how it is labelled, not what they may do)
	Allowed              policy.Allowed // what Cedar lets the viewer do to the note (nil: nothing)
	AuthorName           string
	CreatedAt, UpdatedAt string
	Edited               bool
	Damaged              bool // the note did not open: changed outside mentorvault
}

type relationshipPage struct {
	base
	Rel        *service.RelationshipView
	MyRole     string
	Other      service.Person
	Party      bool // Cedar lets the viewer change the relationship's status: they are one of the pair
	MayAsk     bool // the viewer may ask a party for input (a requester, or a party's line manager)
	Actions    []actionButton
	Notes      []noteView
	NotesPager Pager // older and newer pages of notes
	NotesError string
	// NotesClosed says why there are no notes yet ("" once they are open).
	NotesClosed string
	NoteBody    string
	NoteVis     string
	NoteError   string
	Status      string
	Agreement   *agreementPanel // nil: nothing about the agreement to show this viewer
	Habits      *habitsPanel    // meetings, commitments, goals, feedback; nil before the relationship starts
	Ending      *endingPanel    // who ended it, its erasure, a legal hold; nil while there is nothing to say
	// Proposal says where a proposal stands for the viewer ("Matched by
	// Carol for the programme X; you accepted, waiting for Bob."); "" once
	// it is answered.
	Proposal string
}

type actionButton struct {
	Action, Label, Help string
	Danger              bool
}

// lifecycleButtons is how the page shows each lifecycle action.
var lifecycleButtons = map[mentorvault.LifecycleAction]actionButton{
	mentorvault.ActAccept:   {"accept", "Accept", "", false},
	mentorvault.ActDecline:  {"decline", "Decline", "Declining is private between you two.", true},
	mentorvault.ActWithdraw: {"withdraw", "Withdraw", "", true},
	mentorvault.ActPause:    {"pause", "Pause", "", false},
	mentorvault.ActResume:   {"resume", "Resume", "", false},
	mentorvault.ActClose:    {"close", "Close the relationship", "", true},
}

// actionsFor lists the lifecycle actions to offer userID: those Cedar allows
// (v.Allowed) that the lifecycle table offers now (Relationship.Offers). The
// service decides again when one is pressed.
func actionsFor(v *service.RelationshipView, userID string) []actionButton {
	var out []actionButton
	for _, a := range v.Offers(userID) {
		if !v.Allowed.Has(service.LifecycleAction(a)) {
			continue
		}
		b := lifecycleButtons[a]
		if a == mentorvault.ActWithdraw && v.Status == mentorvault.StatusProposed {
			b.Label = "Withdraw the proposal"
		}
		if a == mentorvault.ActDecline && v.Matched() {
			b.Help = "The other person and the coordinator who matched you are told."
		}
		out = append(out, b)
	}
	return out
}

// Page sizes of the relationship page's lists: the newest notes, older ones
// a page at a time (?offset=N).
const (
	relationshipPageNotes    = 20
	relationshipPageMeetings = 5
)

func (h *Handler) relationshipPage(r *http.Request) (*relationshipPage, error) {
	z := h.zone(r)
	p := httpx.Principal(r)
	offset, err := pageOffset(r)
	if err != nil {
		return nil, err
	}
	// The view and every panel in one transaction (service.RelationshipPage);
	// one note more than the page shows says whether there are older ones.
	rp, err := h.svc.RelationshipPage(r.Context(), p, r.PathValue("id"),
		service.RelationshipPageFilter{Notes: relationshipPageNotes + 1, NotesOffset: offset, Meetings: relationshipPageMeetings})
	if err != nil {
		return nil, err
	}
	more := len(rp.Notes) > relationshipPageNotes
	rp.Notes = rp.Notes[:min(len(rp.Notes), relationshipPageNotes)]
	v := rp.Rel
	pg := &relationshipPage{base: h.base(r, "Relationship"), Rel: v, MyRole: v.Role(p.UserID), Party: v.Allowed.Has(policy.CloseRelationship),
		Actions: actionsFor(v, p.UserID), NoteVis: "shared", Status: r.URL.Query().Get("done"), NotesPager: pagerOf(0, 0, false)}
	pg.Title = v.Mentor.Name + " & " + v.Mentee.Name
	pg.Agreement = agreementPanelFor(v, pg.Party, rp.Agreement, rp.AgreementErr, z)
	pg.Ending = endingPanelFor(v, p.UserID, z)
	pg.Proposal = proposalState(v, p.UserID, z)
	if !pg.Party {
		pg.MayAsk = v.Allowed.Has(policy.RequestInput)
		return pg, nil
	}
	pg.Other = v.Other(p.UserID)
	pg.Habits = habitsPanelFor(v, rp, z)
	pg.NotesPager = pagerOf(offset, relationshipPageNotes, more)
	if v.StartedAt == nil {
		pg.NotesClosed = notesClosed(v.Status)
	} else if rp.NotesErr == nil {
		for _, n := range rp.Notes {
			nv := noteView{ID: n.ID, Visibility: string(n.Visibility), Body: n.Body, Allowed: n.Allowed, Mine: n.AuthorID == p.UserID,
				CreatedAt: z.format(n.CreatedAt, "2 Jan 2006, 15:04 MST"), UpdatedAt: z.format(n.UpdatedAt, "2 Jan 2006, 15:04 MST"),
				Edited: n.UpdatedAt.After(n.CreatedAt), Damaged: n.Damaged}
			nv.AuthorName = v.Other(p.UserID).Name
			if nv.Mine {
				nv.AuthorName = "You"
			}
			pg.Notes = append(pg.Notes, nv)
		}
	} else {
		pg.NotesError = mentorvault.ErrorMessage(rp.NotesErr)
	}
	return pg, nil
}

// proposalState says where a proposal stands, to viewerID: who proposed
// it (the programme's coordinator, for a match), who has accepted, whom it
// waits for and when it expires unanswered. "" once it is not proposed.
func proposalState(v *service.RelationshipView, viewerID string, z zone) string {
	if v.Status != mentorvault.StatusProposed {
		return ""
	}
	name := func(id string) string {
		switch id {
		case viewerID:
			return "you"
		case v.MentorID:
			return v.Mentor.Name
		}
		return v.Mentee.Name
	}
	var accepted, waiting []string
	for _, id := range []string{v.MentorID, v.MenteeID} {
		if v.AcceptedBy(id) {
			accepted = append(accepted, name(id))
		} else {
			waiting = append(waiting, name(id))
		}
	}
	var b strings.Builder
	if v.Matched() {
		fmt.Fprintf(&b, "Matched by %s for the programme %s", v.MatchedBy.Name, v.ProgrammeName)
		if len(accepted) > 0 {
			fmt.Fprintf(&b, "; %s accepted", strings.Join(accepted, " and "))
		}
		switch {
		case len(waiting) == 2 && v.IsParty(viewerID):
			b.WriteString("; waiting for both of you to accept.")
		case len(waiting) == 2:
			fmt.Fprintf(&b, "; waiting for %s and %s to accept.", waiting[0], waiting[1])
		default:
			fmt.Fprintf(&b, ", waiting for %s.", waiting[0])
		}
	} else {
		fmt.Fprintf(&b, "Proposed by %s", name(v.ProposedByID))
		if len(waiting) > 0 {
			fmt.Fprintf(&b, "; waiting for %s to accept.", waiting[0])
		} else {
			b.WriteString(".")
		}
	}
	if v.ExpiresAt != nil {
		fmt.Fprintf(&b, " It expires unanswered on %s.", z.date(*v.ExpiresAt))
	}
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

// notesClosed says why a relationship that never started has no notes,
// and when they open.
func notesClosed(st mentorvault.RelationshipStatus) string {
	switch st {
	case mentorvault.StatusProposed:
		return "Notes open once the proposal is accepted and you have both signed the confidentiality agreement."
	case mentorvault.StatusAccepted, mentorvault.StatusAgreeing:
		return "Notes open once you have both signed the confidentiality agreement."
	}
	return "This relationship ended before it started, so it has no notes."
}

func (h *Handler) Relationship(w http.ResponseWriter, r *http.Request) error {
	pg, err := h.relationshipPage(r)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "relationship.html", pg)
	return nil
}

func (h *Handler) Lifecycle(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := h.svc.Transition(r.Context(), httpx.Principal(r), id, mentorvault.LifecycleAction(r.PostFormValue("action"))); err != nil {
		return err
	}
	http.Redirect(w, r, "/relationships/"+id+"?done="+url.QueryEscape(r.PostFormValue("action")), http.StatusSeeOther)
	return nil
}

var actionWords = map[string]string{
	"note.create": "wrote a note", "note.read": "read a note", "note.list": "opened the notes",
	"note.update": "changed a note", "note.delete": "deleted a note", "audit.read": "viewed this access log",
	"relationship.propose": "proposed the relationship", "relationship.accept": "accepted the relationship",
	"relationship.decline": "declined the relationship", "relationship.withdraw": "withdrew the relationship",
	"relationship.resume": "resumed the relationship", "relationship.close": "closed the relationship", "relationship.end": "ended the relationship for the programme",
	"relationship.hold": "placed a legal hold (erasure waits)", "relationship.hold_release": "released the legal hold",
	"relationship.erase":  "erased the relationship's content (retention ended)",
	"relationship.expire": "marked the proposal expired (nobody answered it in time)",
	"match.suggestions":   "looked at their suggested mentors",
	"relationship.view":   "viewed the relationship",
	"agreement.read":      "opened the agreement", "agreement.draft": "started a draft of the agreement",
	"agreement.edit": "changed the draft agreement", "agreement.sign": "signed the agreement",
	"agreement.in_force": "brought the agreement into force (both signed)", "agreement.comment": "commented on the agreement",
	"agreement.diff": "compared agreement versions", "agreement.verify": "verified the agreement's signatures",
	"agreement.guidelines_read": "confirmed reading the programme guidelines",
	"agreement.export":          "downloaded the agreement", "relationship.export": "downloaded everything they may read of the relationship", "agreement.status": "looked at the agreement's status",
	"review.read": "opened the reviews", "review.record": "recorded a review of expectations",
	"meeting.schedule": "scheduled a meeting", "meeting.list": "listed the meetings", "meeting.read": "opened a meeting",
	"meeting.reschedule": "rescheduled a meeting", "meeting.cancel": "cancelled a meeting", "meeting.outcome": "recorded a meeting's outcome",
	"meeting.start": "started a session (reminder shown)", "meeting.reminder_ack": "acknowledged the confidentiality reminder",
	"meeting.ics": "downloaded a calendar entry", "commitment.create": "recorded a commitment", "commitment.update": "updated a commitment",
	"commitment.list": "listed the commitments", "goal.create": "added a goal", "goal.update": "updated a goal", "goal.list": "opened the goals",
	"feedback.request": "asked for feedback", "feedback.answer": "answered a feedback request", "feedback.read": "opened the feedback",
	"feedback.list": "opened the feedback",
	"concern.raise": "raised a concern", "concern.read": "opened the concerns", "concern.step": "recorded a step on a concern",
	"concern.close": "recorded a concern's outcome", "disclosure.plan": "proposed a joint disclosure plan",
	"disclosure.sign": "signed a disclosure plan", "disclosure.notice": "filed a disclosure notice",
	"disclosure.withdraw": "withdrew a disclosure", "disclosure.delivered": "made a disclosure (it took effect)",
	"disclosure.read":               "read what was disclosed to them",
	"disclosure.notice_started":     "was reached by the disclosure notice: its notice began",
	"disclosure.notice_undelivered": "could not be reached with the disclosure notice",
	"relationship.pause":            "paused the relationship",
	"input.request":                 "asked for input", "input.read": "read a request for input", "input.decline": "declined a request for input",
	"thirdparty.read": "opened the third-party page",
	"statement.draft": "drafted a statement", "statement.edit": "changed a statement", "statement.read": "read a statement",
	"statement.submit": "asked for consent to a statement", "statement.approve": "consented to a statement",
	"statement.changes": "asked for changes to a statement", "statement.refuse": "refused consent to a statement",
	"statement.release": "released a statement", "statement.receive": "read a statement released to them",
	"statement.withdraw": "withdrew a statement",
	"threeway.propose":   "proposed a three-way meeting", "threeway.read": "opened a three-way meeting",
	"threeway.revise": "changed a three-way meeting's brief", "threeway.agree": "agreed a three-way meeting's brief",
	"threeway.note": "wrote a note for the three", "threeway.held": "recorded a three-way meeting as held",
	"threeway.cancelled": "cancelled a three-way meeting",
	"record.seal":        "sealed an older record (system upkeep)",
	"relationship.bind":  "bound the relationship's key to the two of you (system upkeep)",
}

// actionWordsFor are the words of an action with no entry above: a
// readable sentence rather than its code.
func actionWordsFor(a string) string {
	noun, verb, ok := strings.Cut(a, ".")
	if !ok {
		return "did something (" + strings.ReplaceAll(a, "_", " ") + ")"
	}
	return "did something to " + strings.ReplaceAll(strings.ReplaceAll(noun, "_", " "), ".", " ") + " (" + strings.ReplaceAll(strings.ReplaceAll(verb, "_", " "), ".", " ") + ")"
}
