package sqlstore_test

import (
	"testing"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/sqlstore"
)

func newRequest(t *testing.T, tx mentorvault.Tx, f *fixture, requesterID string, at time.Time) *mentorvault.InputRequest {
	t.Helper()
	r := &mentorvault.InputRequest{ID: mentorvault.NewID(), RelationshipID: f.rel.ID, RequesterID: requesterID, AskedID: f.mentor.ID,
		SubjectID: f.mentee.ID, Purpose: "promotion to team lead", QuestionSealed: []byte("sealed question"), Deadline: us(at.Add(7 * 24 * time.Hour)),
		Status: mentorvault.RequestOpen, CreatedAt: us(at), UpdatedAt: us(at)}
	ok(t, tx.CreateInputRequest(ctx, r))
	return r
}

func testInputRequests(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	r1 := newRequest(t, tx, f, f.other.ID, t0)
	r2 := newRequest(t, tx, f, f.manager.ID, t0.Add(time.Hour))
	commit(t, tx)

	tx = begin(t, db)
	got, err := tx.FindInputRequestByID(ctx, r1.ID)
	ok(t, err)
	equal(t, got, r1)
	_, err = tx.FindInputRequestByID(ctx, mentorvault.NewID())
	wantCode(t, err, mentorvault.ENOTFOUND)

	list, err := tx.FindInputRequests(ctx, f.rel.ID, "", mentorvault.Page{})
	ok(t, err)
	equal(t, list, []*mentorvault.InputRequest{r2, r1})
	list, err = tx.FindInputRequests(ctx, "", f.other.ID, mentorvault.Page{})
	ok(t, err)
	equal(t, list, []*mentorvault.InputRequest{r1})
	list, err = tx.FindInputRequests(ctx, "", f.mentor.ID, mentorvault.Page{})
	ok(t, err)
	equal(t, list, []*mentorvault.InputRequest(nil))
	// Paged in the store: Limit bounds, Offset skips, in the same order.
	for _, c := range []struct {
		pg   mentorvault.Page
		want []*mentorvault.InputRequest
	}{
		{mentorvault.Page{Limit: 1}, []*mentorvault.InputRequest{r2}},
		{mentorvault.Page{Limit: 1, Offset: 1}, []*mentorvault.InputRequest{r1}},
		{mentorvault.Page{Offset: 1}, []*mentorvault.InputRequest{r1}},
		{mentorvault.Page{Limit: 5, Offset: 2}, nil},
	} {
		list, err = tx.FindInputRequests(ctx, f.rel.ID, "", c.pg)
		ok(t, err)
		equal(t, list, c.want)
	}

	// Declining stores the status and reply; nothing else changes.
	upd := *r1
	ok(t, upd.Decline("", us(t0.Add(2*time.Hour))))
	if upd.DeclineReply != mentorvault.NeutralDecline {
		t.Fatalf("an empty reply became %q, not the neutral one", upd.DeclineReply)
	}
	// A reseal rewrites the purpose and question (since 0008); the parties
	// and the deadline stay.
	upd.Purpose, upd.QuestionSealed = "stored", []byte("stored")
	changed := upd
	changed.RequesterID, changed.AskedID, changed.Deadline = f.mentee.ID, f.manager.ID, us(t0.Add(999*time.Hour))
	ok(t, tx.UpdateInputRequest(ctx, &changed))
	got, err = tx.FindInputRequestByID(ctx, r1.ID)
	ok(t, err)
	equal(t, got, &upd)
	// Sealed, the purpose and reply live only in their sealed columns.
	sealedUpd := upd
	sealedUpd.PurposeSealed, sealedUpd.DeclineReplySealed = []byte("sealed purpose"), []byte("sealed reply")
	ok(t, tx.UpdateInputRequest(ctx, &sealedUpd))
	got, err = tx.FindInputRequestByID(ctx, r1.ID)
	ok(t, err)
	sealedUpd.Purpose, sealedUpd.DeclineReply = "", ""
	equal(t, got, &sealedUpd)
	ok(t, tx.UpdateInputRequest(ctx, &upd))
	wantCode(t, upd.Decline("again", t0), mentorvault.ECONFLICT)

	missing := upd
	missing.ID = mentorvault.NewID()
	wantCode(t, tx.UpdateInputRequest(ctx, &missing), mentorvault.ENOTFOUND)
	bad := *r2
	bad.ID, bad.Status = mentorvault.NewID(), "pending"
	wantCode(t, tx.CreateInputRequest(ctx, &bad), mentorvault.EINVALID)
	bad.Status, bad.RequesterID = mentorvault.RequestOpen, f.mentor.ID // the asked party cannot ask themselves
	wantCode(t, tx.CreateInputRequest(ctx, &bad), mentorvault.EINVALID)
	bad.RequesterID, bad.Purpose = f.other.ID, ""
	wantCode(t, tx.CreateInputRequest(ctx, &bad), mentorvault.EINVALID)
	bad.Purpose, bad.RelationshipID = "x", mentorvault.NewID()
	wantCode(t, tx.CreateInputRequest(ctx, &bad), mentorvault.EINVALID)
	wantCode(t, tx.CreateInputRequest(ctx, r2), mentorvault.ECONFLICT)
	bad.RelationshipID = f.rel.ID
	ok(t, tx.CreateInputRequest(ctx, &bad)) // the transaction is still usable
}

func testStatements(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	req := newRequest(t, tx, f, f.other.ID, t0)
	s1 := &mentorvault.Statement{ID: mentorvault.NewID(), RelationshipID: f.rel.ID, Kind: mentorvault.StatementInput, RequestID: req.ID,
		AuthorID: f.mentor.ID, SubjectID: f.mentee.ID, RecipientUserID: f.other.ID, RecipientKind: mentorvault.ToPromotionHR,
		Purpose: req.Purpose, BodySealed: []byte("sealed body"), State: mentorvault.StatementDraft, CreatedAt: us(t0), UpdatedAt: us(t0)}
	ok(t, tx.CreateStatement(ctx, s1))
	s2 := &mentorvault.Statement{ID: mentorvault.NewID(), RelationshipID: f.rel.ID, Kind: mentorvault.StatementSummary,
		AuthorID: f.mentee.ID, SubjectID: f.mentor.ID, RecipientUserID: f.manager.ID, RecipientKind: mentorvault.ToLineManager,
		Purpose: "goals and progress", BodySealed: []byte("sealed summary"), CommentSealed: []byte("sealed comment"),
		State: mentorvault.StatementAwaitingConsent, CreatedAt: us(t0.Add(time.Hour)), UpdatedAt: us(t0.Add(time.Hour))}
	ok(t, tx.CreateStatement(ctx, s2))
	commit(t, tx)

	tx = begin(t, db)
	got, err := tx.FindStatementByID(ctx, s1.ID)
	ok(t, err)
	equal(t, got, s1)
	got, err = tx.FindStatementByID(ctx, s2.ID)
	ok(t, err)
	equal(t, got, s2)
	_, err = tx.FindStatementByID(ctx, mentorvault.NewID())
	wantCode(t, err, mentorvault.ENOTFOUND)
	list, err := tx.FindStatements(ctx, f.rel.ID, mentorvault.Page{})
	ok(t, err)
	equal(t, list, []*mentorvault.Statement{s2, s1})
	for _, c := range []struct {
		pg   mentorvault.Page
		want []*mentorvault.Statement
	}{
		{mentorvault.Page{Limit: 1}, []*mentorvault.Statement{s2}},
		{mentorvault.Page{Limit: 1, Offset: 1}, []*mentorvault.Statement{s1}},
		{mentorvault.Page{Offset: 1}, []*mentorvault.Statement{s1}},
		{mentorvault.Page{Limit: 5, Offset: 2}, nil},
	} {
		list, err = tx.FindStatements(ctx, f.rel.ID, c.pg)
		ok(t, err)
		equal(t, list, c.want)
	}
	// A request's statements, whatever page they are on; s2 answers none.
	list, err = tx.FindStatementsForRequests(ctx, []string{req.ID, "", req.ID, mentorvault.NewID()})
	ok(t, err)
	equal(t, list, []*mentorvault.Statement{s1})
	list, err = tx.FindStatementsForRequests(ctx, nil)
	ok(t, err)
	equal(t, list, []*mentorvault.Statement(nil))

	// Drafts never reach the recipient's list; released and withdrawn ones do.
	list, err = tx.FindStatementsForRecipient(ctx, f.other.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.Statement(nil))
	upd := *s1
	ok(t, upd.Submit(true, 72*time.Hour, us(t0.Add(time.Hour))))
	upd.BodySealed, upd.CommentSealed = []byte("new body"), []byte("objection")
	upd.Purpose = "stored" // a reseal rewrites the purpose (since 0008)
	changed := upd
	changed.AuthorID, changed.RecipientUserID = f.mentee.ID, f.manager.ID
	ok(t, tx.UpdateStatement(ctx, &changed))
	got, err = tx.FindStatementByID(ctx, s1.ID)
	ok(t, err)
	equal(t, got, &upd)
	ok(t, upd.ReleaseIfDue(us(t0.Add(73*time.Hour))))
	upd.CommentSealed = nil
	ok(t, tx.UpdateStatement(ctx, &upd))
	got, err = tx.FindStatementByID(ctx, s1.ID)
	ok(t, err)
	equal(t, got, &upd)
	list, err = tx.FindStatementsForRecipient(ctx, f.other.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.Statement{&upd})
	ok(t, upd.Withdraw(us(t0.Add(80*time.Hour))))
	ok(t, tx.UpdateStatement(ctx, &upd))
	list, err = tx.FindStatementsForRecipient(ctx, f.other.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.Statement{&upd})
	list, err = tx.FindStatementsForRecipient(ctx, f.manager.ID)
	ok(t, err)
	equal(t, list, []*mentorvault.Statement(nil))

	missing := upd
	missing.ID = mentorvault.NewID()
	wantCode(t, tx.UpdateStatement(ctx, &missing), mentorvault.ENOTFOUND)
	bad := *s2
	bad.ID, bad.State = mentorvault.NewID(), "published"
	wantCode(t, tx.CreateStatement(ctx, &bad), mentorvault.EINVALID)
	bad.State, bad.RecipientKind = mentorvault.StatementDraft, "the press"
	wantCode(t, tx.CreateStatement(ctx, &bad), mentorvault.EINVALID)
	bad.RecipientKind, bad.Kind = mentorvault.ToLineManager, mentorvault.StatementInput // an answer needs its request
	wantCode(t, tx.CreateStatement(ctx, &bad), mentorvault.EINVALID)
	bad.Kind, bad.SubjectID = mentorvault.StatementSummary, bad.AuthorID // nobody writes about themselves
	wantCode(t, tx.CreateStatement(ctx, &bad), mentorvault.EINVALID)
	bad.SubjectID, bad.RequestID, bad.Kind = f.mentor.ID, mentorvault.NewID(), mentorvault.StatementInput
	wantCode(t, tx.CreateStatement(ctx, &bad), mentorvault.EINVALID)
	wantCode(t, tx.CreateStatement(ctx, s2), mentorvault.ECONFLICT)
	bad.RequestID, bad.Kind = "", mentorvault.StatementSummary
	ok(t, tx.CreateStatement(ctx, &bad)) // the transaction is still usable
}

func testThreeWays(t *testing.T, db *sqlstore.DB) {
	f := seed(t, db)
	tx := begin(t, db)
	m1 := &mentorvault.ThreeWayMeeting{ID: mentorvault.NewID(), RelationshipID: f.rel.ID, ManagerID: f.manager.ID, ProposedByID: f.mentee.ID,
		BriefSealed: []byte("sealed brief"), StartsAt: us(t0.Add(48 * time.Hour)), Minutes: 30, Location: "Room 4",
		State: mentorvault.ThreeWayProposed, MenteeAgreedAt: ptr(us(t0)), CreatedAt: us(t0), UpdatedAt: us(t0)}
	ok(t, tx.CreateThreeWay(ctx, m1))
	m2 := *m1
	m2.ID, m2.StartsAt, m2.MenteeAgreedAt = mentorvault.NewID(), us(t0.Add(24*time.Hour)), nil
	ok(t, tx.CreateThreeWay(ctx, &m2))
	commit(t, tx)

	tx = begin(t, db)
	got, err := tx.FindThreeWayByID(ctx, m1.ID)
	ok(t, err)
	equal(t, got, m1)
	_, err = tx.FindThreeWayByID(ctx, mentorvault.NewID())
	wantCode(t, err, mentorvault.ENOTFOUND)
	list, err := tx.FindThreeWays(ctx, f.rel.ID, "", mentorvault.Page{})
	ok(t, err)
	equal(t, list, []*mentorvault.ThreeWayMeeting{&m2, m1})
	list, err = tx.FindThreeWays(ctx, "", f.manager.ID, mentorvault.Page{})
	ok(t, err)
	equal(t, list, []*mentorvault.ThreeWayMeeting{&m2, m1})
	list, err = tx.FindThreeWays(ctx, "", f.other.ID, mentorvault.Page{})
	ok(t, err)
	equal(t, list, []*mentorvault.ThreeWayMeeting(nil))
	for _, c := range []struct {
		pg   mentorvault.Page
		want []*mentorvault.ThreeWayMeeting
	}{
		{mentorvault.Page{Limit: 1}, []*mentorvault.ThreeWayMeeting{&m2}},
		{mentorvault.Page{Limit: 1, Offset: 1}, []*mentorvault.ThreeWayMeeting{m1}},
		{mentorvault.Page{Offset: 1}, []*mentorvault.ThreeWayMeeting{m1}},
		{mentorvault.Page{Limit: 5, Offset: 2}, nil},
	} {
		list, err = tx.FindThreeWays(ctx, f.rel.ID, "", c.pg)
		ok(t, err)
		equal(t, list, c.want)
	}

	upd := *m1
	ok(t, upd.Agree(f.rel, f.mentor.ID, us(t0.Add(time.Hour))))
	if upd.State != mentorvault.ThreeWayAgreed {
		t.Fatalf("both agreed, state %s", upd.State)
	}
	upd.BriefSealed, upd.Location = []byte("other brief"), "Room 5"
	changed := upd
	changed.ManagerID, changed.ProposedByID = f.other.ID, f.mentor.ID
	ok(t, tx.UpdateThreeWay(ctx, &changed))
	got, err = tx.FindThreeWayByID(ctx, m1.ID)
	ok(t, err)
	equal(t, got, &upd)

	n1 := &mentorvault.ThreeWayNote{ID: mentorvault.NewID(), ThreeWayID: m1.ID, AuthorID: f.manager.ID, BodySealed: []byte("n1"), CreatedAt: us(t0)}
	n2 := &mentorvault.ThreeWayNote{ID: mentorvault.NewID(), ThreeWayID: m1.ID, AuthorID: f.mentee.ID, BodySealed: []byte("n2"), CreatedAt: us(t0.Add(time.Minute))}
	ok(t, tx.CreateThreeWayNote(ctx, n2))
	ok(t, tx.CreateThreeWayNote(ctx, n1))
	notes, err := tx.FindThreeWayNotes(ctx, m1.ID)
	ok(t, err)
	equal(t, notes, []*mentorvault.ThreeWayNote{n1, n2})
	notes, err = tx.FindThreeWayNotes(ctx, m2.ID)
	ok(t, err)
	equal(t, notes, []*mentorvault.ThreeWayNote(nil))

	missing := upd
	missing.ID = mentorvault.NewID()
	wantCode(t, tx.UpdateThreeWay(ctx, &missing), mentorvault.ENOTFOUND)
	bad := *m1
	bad.ID, bad.State = mentorvault.NewID(), "postponed"
	wantCode(t, tx.CreateThreeWay(ctx, &bad), mentorvault.EINVALID)
	bad.State, bad.Minutes = mentorvault.ThreeWayProposed, 0
	wantCode(t, tx.CreateThreeWay(ctx, &bad), mentorvault.EINVALID)
	bad.Minutes, bad.ManagerID = 30, mentorvault.NewID()
	wantCode(t, tx.CreateThreeWay(ctx, &bad), mentorvault.EINVALID)
	wantCode(t, tx.CreateThreeWayNote(ctx, &mentorvault.ThreeWayNote{ID: mentorvault.NewID(), ThreeWayID: mentorvault.NewID(),
		AuthorID: f.mentee.ID, BodySealed: []byte("x"), CreatedAt: us(t0)}), mentorvault.EINVALID)
	wantCode(t, tx.CreateThreeWayNote(ctx, n1), mentorvault.ECONFLICT)
	bad.ManagerID = f.manager.ID
	ok(t, tx.CreateThreeWay(ctx, &bad)) // the transaction is still usable
}
