package service

import (
	"context"
	"fmt"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
)

// noteAD binds a note's body to its author and visibility, which decide
// who may read it.
func noteAD(n *mentorvault.Note) seal.AD {
	return seal.AD{RelationshipID: n.RelationshipID, Record: "note", RecordID: n.ID, Field: "body", Version: n.SealVersion,
		Bind: []seal.Binding{{Name: "author", Value: n.AuthorID}, {Name: "visibility", Value: string(n.Visibility)}}}
}

// sealNote seals body into n at its next seal version.
func (s *Service) sealNote(key []byte, n *mentorvault.Note, body string) (err error) {
	n.SealVersion++
	n.BodySealed, err = s.keys.Seal(key, noteAD(n), mentorvault.NewSecret(body))
	return err
}

// eachNote lists every note of a relationship for VerifySealed.
func eachNote(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, yield func(sealedRecord)) error {
	for before := ""; ; {
		notes, err := tx.FindNotes(ctx, mentorvault.NoteFilter{RelationshipID: rel.ID, Before: before, Limit: 500})
		if err != nil {
			return err
		}
		for _, n := range notes {
			yield(sealedRecord{record: "note", id: n.ID, version: n.SealVersion, fields: []sealedField{{noteAD(n), n.BodySealed}}})
		}
		if len(notes) < 500 {
			return nil
		}
		before = notes[len(notes)-1].ID
	}
}

// loadNote finds a note of the relationship or answers not_found.
func loadNote(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, id string) (*mentorvault.Note, error) {
	notFound := mentorvault.Errorf(mentorvault.ENOTFOUND, "note not found")
	if !mentorvault.ValidID(id) {
		return nil, notFound
	}
	n, err := tx.FindNoteByID(ctx, id)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND || (err == nil && n.RelationshipID != rel.ID) {
		return nil, notFound
	}
	return n, err
}

func (s *Service) openNote(ctx context.Context, tx mentorvault.Tx, key []byte, n *mentorvault.Note) error {
	body, err := s.keys.Open(key, noteAD(n), n.BodySealed)
	if err != nil {
		return s.damaged(ctx, "note", n.ID, err)
	}
	n.Body = body
	return nil
}

// CreateNote writes a sealed note in an active relationship. Returns
// EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN (not a party, or the relationship is
// not active) or EINVALID.
func (s *Service) CreateNote(ctx context.Context, p mentorvault.Principal, relID, body string, vis mentorvault.Visibility) (*mentorvault.Note, error) {
	return s.createNote(ctx, p, relID, "", body, vis)
}

func (s *Service) createNote(ctx context.Context, p mentorvault.Principal, relID, meetingID, body string, vis mentorvault.Visibility) (*mentorvault.Note, error) {
	if err := mentorvault.ValidateNoteInput(body, vis); err != nil {
		return nil, err
	}
	var out *mentorvault.Note
	err := s.relOp(ctx, p, policy.CreateNote, relID, noteRefusal, func(o *op) (event, error) {
		if meetingID != "" {
			if _, err := loadMeeting(o.ctx, o.tx, o.rel, meetingID); err != nil {
				return event{}, err
			}
		}
		key, err := o.key()
		if err != nil {
			return event{}, err
		}
		n := &mentorvault.Note{ID: mentorvault.NewID(), RelationshipID: o.rel.ID, AuthorID: o.a.user.ID, MeetingID: meetingID, Visibility: vis,
			CreatedAt: o.tx.Now(), UpdatedAt: o.tx.Now()}
		if err := s.sealNote(key, n, body); err != nil {
			return event{}, err
		}
		if err := o.tx.CreateNote(o.ctx, n); err != nil {
			return event{}, err
		}
		n.Body = mentorvault.NewSecret(body)
		out = n
		return event{"note.create", noteTarget(o.rel, n.ID), withSeal("visibility="+string(vis), sealedField{noteAD(n), n.BodySealed})}, nil
	})
	return out, err
}

// noteRefusal tells a party why they cannot write a note yet, or any more.
func noteRefusal(a actor, rel *mentorvault.Relationship, err error) error {
	switch {
	case !rel.IsParty(a.subj.UserID):
	case rel.Status == mentorvault.StatusAccepted || rel.Status == mentorvault.StatusAgreeing:
		return denied{mentorvault.Errorf(mentorvault.EFORBIDDEN, "notes open once you have both signed the confidentiality agreement")}
	case rel.Status != mentorvault.StatusActive:
		return denied{mentorvault.Errorf(mentorvault.EFORBIDDEN, "notes can be written only while the relationship is active (it is %s)", rel.Status)}
	}
	return err
}

// Note page sizes: every list of notes is a page.
const (
	DefaultNotes = 200
	MaxNotes     = 500
)

// NoteFilter selects a page of a relationship's notes, newest first.
type NoteFilter struct {
	Before string // note ID cursor: notes older than this one ("" for the newest)
	Limit  int    // at most this many: DefaultNotes when 0, at most MaxNotes
	Offset int    // skip this many first
}

// NoteView is a note, opened, with what Cedar lets the viewer do to it
// (read, update, delete).
type NoteView struct {
	*mentorvault.Note
	Allowed policy.Allowed
}

// ListNotes returns the notes of a relationship the caller may read (shared
// notes and their own private ones), newest first, opened, each with what the
// caller may do to it. Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or
// EINVALID (a bad cursor, limit or offset).
func (s *Service) ListNotes(ctx context.Context, p mentorvault.Principal, relID string, f NoteFilter) ([]*NoteView, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	var out []*NoteView
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		var err error
		out, err = s.listNotesIn(ctx, tx, p, relID, f)
		return err
	})
	return out, err
}

func (f NoteFilter) check() error {
	if f.Before != "" && !mentorvault.ValidID(f.Before) {
		return mentorvault.Invalid("the cursor is not valid", map[string]string{"before": "must be a note ID"})
	}
	if f.Limit < 0 || f.Offset < 0 {
		return mentorvault.Invalid("the page is not valid", map[string]string{"limit": "must not be negative", "offset": "must not be negative"})
	}
	return nil
}

// listNotesIn is ListNotes in the caller's transaction tx (f checked).
func (s *Service) listNotesIn(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, relID string, f NoteFilter) ([]*NoteView, error) {
	var out []*NoteView
	err := s.relOpIn(ctx, tx, p, policy.ListNotes, relID, nil, func(o *op) (event, error) {
		limit := f.Limit
		if limit == 0 {
			limit = DefaultNotes
		}
		notes, err := o.tx.FindNotes(o.ctx, mentorvault.NoteFilter{RelationshipID: o.rel.ID, ReaderID: o.a.user.ID, Before: f.Before,
			Limit: min(limit, MaxNotes), Offset: f.Offset})
		if err != nil {
			return event{}, err
		}
		var key []byte
		if len(notes) > 0 {
			if key, err = o.key(); err != nil {
				return event{}, err
			}
		}
		out = make([]*NoteView, 0, len(notes))
		for _, n := range notes {
			// The store filtered by reader; policy decides each note again.
			res := noteResource(o.rel, n)
			if err := s.authorize(o.ctx, o.tx, o.a, policy.ReadNote, res, noteTarget(o.rel, n.ID), always); err != nil {
				return event{}, err
			}
			if err := s.openNote(o.ctx, o.tx, key, n); isDamaged(err) {
				n.Damaged = true // shown as damaged; the rest of the list is served
			} else if err != nil {
				return event{}, err
			}
			out = append(out, &NoteView{Note: n, Allowed: s.allowed(o.ctx, o.a, res, noteActions...)})
		}
		return event{"note.list", relTarget(o.rel), fmt.Sprintf("count=%d", len(notes))}, nil
	})
	return out, err
}

// noteActions are what a note's view says the viewer may do to it.
var noteActions = []policy.Action{policy.ReadNote, policy.UpdateNote, policy.DeleteNote}

// ReadNote returns one note, opened. A note the caller may not read is
// not_found. Returns EUNAUTHENTICATED or ENOTFOUND.
func (s *Service) ReadNote(ctx context.Context, p mentorvault.Principal, relID, noteID string) (*mentorvault.Note, error) {
	var out *mentorvault.Note
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, n, err := s.loadNoteFor(ctx, tx, p, policy.ReadNote, relID, noteID)
		if err != nil {
			return err
		}
		key, err := s.dataKey(ctx, tx, rel.ID)
		if err != nil {
			return err
		}
		if err := s.openNote(ctx, tx, key, n); err != nil {
			return err
		}
		out = n
		return s.record(ctx, tx, a, "note.read", noteTarget(rel, n.ID), "")
	})
	return out, err
}

// NoteForEdit returns the caller's own note, opened, for an edit form. The
// update is decided before anything is opened, so a refused edit reads
// nothing. Returns EUNAUTHENTICATED, ENOTFOUND or EFORBIDDEN.
func (s *Service) NoteForEdit(ctx context.Context, p mentorvault.Principal, relID, noteID string) (*mentorvault.Note, error) {
	var out *mentorvault.Note
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, n, err := s.loadNoteFor(ctx, tx, p, policy.UpdateNote, relID, noteID)
		if err != nil {
			return err
		}
		key, err := s.dataKey(ctx, tx, rel.ID)
		if err != nil {
			return err
		}
		if err := s.openNote(ctx, tx, key, n); err != nil {
			return err
		}
		out = n
		return s.record(ctx, tx, a, "note.read", noteTarget(rel, n.ID), "to edit")
	})
	return out, err
}

// loadNoteFor resolves the actor, loads relationship and note, and decides act on the note.
func (s *Service) loadNoteFor(ctx context.Context, tx mentorvault.Tx, p mentorvault.Principal, act policy.Action, relID, noteID string) (actor, *mentorvault.Relationship, *mentorvault.Note, error) {
	a, err := s.resolve(ctx, tx, p, act)
	if err != nil {
		return a, nil, nil, err
	}
	rel, err := loadRel(ctx, tx, relID)
	if err != nil {
		return a, nil, nil, err
	}
	n, err := loadNote(ctx, tx, rel, noteID)
	if err != nil {
		return a, nil, nil, err
	}
	res := noteResource(rel, n)
	// A note the actor cannot read is hidden (not_found); one they can read
	// but not change is forbidden, with the reason.
	hidden := always
	if act != policy.ReadNote {
		hidden = s.unless(ctx, a, policy.ReadNote, res)
	}
	if err := s.authorize(ctx, tx, a, act, res, noteTarget(rel, n.ID), hidden); err != nil {
		switch {
		case hidden():
		case n.AuthorID != a.subj.UserID:
			err = denied{mentorvault.Errorf(mentorvault.EFORBIDDEN, "only the author of a note can change or delete it")}
		default:
			err = denied{mentorvault.Errorf(mentorvault.EFORBIDDEN, "notes cannot be changed while the relationship is %s", rel.Status)}
		}
		return a, nil, nil, err
	}
	return a, rel, n, nil
}

// UpdateNote changes a note's body or visibility; only its author may.
// Returns EUNAUTHENTICATED, ENOTFOUND, EFORBIDDEN or EINVALID.
func (s *Service) UpdateNote(ctx context.Context, p mentorvault.Principal, relID, noteID string, upd mentorvault.NoteUpdate) (*mentorvault.Note, error) {
	if upd.Body == nil && upd.Visibility == nil {
		return nil, mentorvault.Invalid("nothing to change", map[string]string{"body": "give a body or a visibility"})
	}
	if upd.Body != nil {
		if err := mentorvault.ValidateText("body", *upd.Body, mentorvault.MaxNoteBytes); err != nil {
			return nil, err
		}
	}
	if upd.Visibility != nil {
		if err := lines(p, "visibility", string(*upd.Visibility)); err != nil {
			return nil, err
		}
	}
	var out *mentorvault.Note
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, n, err := s.loadNoteFor(ctx, tx, p, policy.UpdateNote, relID, noteID)
		if err != nil {
			return err
		}
		key, err := s.dataKey(ctx, tx, rel.ID)
		if err != nil {
			return err
		}
		if err := s.openNote(ctx, tx, key, n); err != nil {
			return err
		}
		body, vis := n.Body.Reveal(), n.Visibility
		if upd.Body != nil {
			body = *upd.Body
		}
		if upd.Visibility != nil {
			vis = *upd.Visibility
		}
		if err := mentorvault.ValidateNoteInput(body, vis); err != nil {
			return err
		}
		n.Visibility, n.UpdatedAt = vis, tx.Now()
		if err := s.sealNote(key, n, body); err != nil {
			return err
		}
		if err := tx.UpdateNote(ctx, n); err != nil {
			return err
		}
		n.Body = mentorvault.NewSecret(body)
		out = n
		return s.record(ctx, tx, a, "note.update", noteTarget(rel, n.ID), withSeal("visibility="+string(vis), sealedField{noteAD(n), n.BodySealed}))
	})
	return out, err
}

// DeleteNote removes a note; only its author may. Returns EUNAUTHENTICATED,
// ENOTFOUND or EFORBIDDEN.
func (s *Service) DeleteNote(ctx context.Context, p mentorvault.Principal, relID, noteID string) error {
	return s.inTx(ctx, func(tx mentorvault.Tx) error {
		a, rel, n, err := s.loadNoteFor(ctx, tx, p, policy.DeleteNote, relID, noteID)
		if err != nil {
			return err
		}
		if err := tx.DeleteNote(ctx, n.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "note.delete", noteTarget(rel, n.ID), "")
	})
}
