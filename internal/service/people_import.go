package service

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/policy"
)

// CSV import of people: email,name,manager_email[,department,title], UTF-8
// with or without a byte-order mark, comma or semicolon. Every row is
// checked before anything is written; an apply with any error writes
// nothing. The same file twice changes nothing the second time.

// MaxImportBytes bounds an imported file (about 200,000 rows).
const MaxImportBytes = 32 << 20

// ImportOptions say how to import. DryRun checks and reports without
// writing; DeactivateMissing deactivates the organisation's active people
// the file does not list (never the importing admin).
type ImportOptions struct {
	DryRun            bool
	DeactivateMissing bool
}

// Import row actions.
const (
	ImportCreate     = "create"
	ImportUpdate     = "update"
	ImportUnchanged  = "unchanged"
	ImportDeactivate = "deactivate"
)

// ImportRow is what the import does (or would do) with one row; Row is the
// line number in the file (the header is row 1). Deactivations of people
// missing from the file have Row 0.
type ImportRow struct {
	Row    int
	Email  string
	Action string
}

// ImportProblem is one error of the file: its row (1 is the header, 0 the
// file as a whole), the column it is about and what is wrong.
type ImportProblem struct {
	Row     int
	Field   string
	Message string
}

// ImportResult is the outcome of an import or of its dry run.
type ImportResult struct {
	DryRun                                   bool
	Created, Updated, Unchanged, Deactivated int
	Rows                                     []ImportRow
	Errors                                   []ImportProblem
}

type importLine struct {
	row                  int
	email, name, manager string
}

// parseImport reads the CSV. Problems of single rows are collected; a file
// that cannot be read as CSV at all is one problem of row 0.
func parseImport(r io.Reader) ([]importLine, []ImportProblem) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, []ImportProblem{{Message: "the file could not be read"}}
	}
	if len(data) > MaxImportBytes {
		return nil, []ImportProblem{{Message: fmt.Sprintf("the file is too large (at most %d MiB)", MaxImportBytes>>20)}}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, []ImportProblem{{Message: "the file is not UTF-8 text: save it as CSV UTF-8"}}
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bufio.NewReader(bytes.NewReader(data)))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, []ImportProblem{{Row: 1, Message: "the file is empty: it needs a header row email,name,manager_email"}}
	} else if err != nil {
		return nil, []ImportProblem{{Row: 1, Message: "the header row is not valid CSV"}}
	}
	col := map[string]int{}
	var probs []ImportProblem
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch h {
		case "email", "name", "manager_email", "department", "title":
			if _, dup := col[h]; dup {
				probs = append(probs, ImportProblem{Row: 1, Field: h, Message: "the column is there twice"})
			}
			col[h] = i
		default:
			probs = append(probs, ImportProblem{Row: 1, Field: h, Message: "is not a column of the import (email, name, manager_email, department, title)"})
		}
	}
	for _, need := range []string{"email", "name", "manager_email"} {
		if _, ok := col[need]; !ok {
			probs = append(probs, ImportProblem{Row: 1, Field: need, Message: "the column is missing"})
		}
	}
	if len(probs) > 0 {
		return nil, probs
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var out []importLine
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			probs = append(probs, ImportProblem{Row: line, Message: "the row is not valid CSV (check its quotes)"})
			if pe == nil || pe.Err == csv.ErrQuote || pe.Err == csv.ErrBareQuote {
				// The reader cannot find the next row after a broken quote.
				break
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		l := importLine{row: line, email: get(rec, "email"), name: get(rec, "name"), manager: mentorvault.NormalizeEmail(get(rec, "manager_email"))}
		clean := true
		for _, f := range []string{"email", "name", "manager_email", "department", "title"} {
			for field, msg := range mentorvault.ErrorFields(mentorvault.ValidateLines(f, get(rec, f))) {
				probs, clean = append(probs, ImportProblem{Row: line, Field: field, Message: msg}), false
			}
		}
		if clean {
			out = append(out, l)
		}
	}
	return out, probs
}

// ImportPeople imports people from a CSV file into the caller's
// organisation (org admins), or with DryRun reports what it would do. The
// result lists every row's action and every error; an apply with errors
// writes nothing and returns EINVALID with the result. Created people are
// not invited yet: the person page offers the invitation. Returns
// EUNAUTHENTICATED, EFORBIDDEN or EINVALID.
func (s *Service) ImportPeople(ctx context.Context, p mentorvault.Principal, r io.Reader, opt ImportOptions) (*ImportResult, error) {
	lines, probs := parseImport(r)
	var out *ImportResult
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		out = &ImportResult{DryRun: opt.DryRun, Errors: append([]ImportProblem(nil), probs...)}
		a, err := s.peopleOrg(ctx, tx, p, policy.CreatePerson)
		if err != nil {
			return err
		}
		org := a.user.OrgID
		if err := tx.LockOrgPeople(ctx, org); err != nil {
			return err
		}
		existing, err := tx.FindUsers(ctx, org)
		if err != nil {
			return err
		}
		byEmail := make(map[string]*mentorvault.User, len(existing))
		byID := make(map[string]*mentorvault.User, len(existing))
		for _, u := range existing {
			byEmail[u.Email], byID[u.ID] = u, u
		}
		plan, err := s.planImport(ctx, tx, a, lines, byEmail, byID, opt, out)
		if err != nil {
			return err
		}
		if len(out.Errors) > 0 {
			if opt.DryRun {
				return s.record(ctx, tx, a, "people.import", orgTarget(org), fmt.Sprintf("dry run; errors=%d", len(out.Errors)))
			}
			// Nothing is written but the failed attempt's audit event.
			return s.record2(ctx, tx, a, "people.import", mentorvault.OutcomeFailed, orgTarget(org), fmt.Sprintf("errors=%d", len(out.Errors)),
				mentorvault.Errorf(mentorvault.EINVALID, "the file has %d errors; nothing was imported", len(out.Errors)))
		}
		detail := fmt.Sprintf("created=%d; updated=%d; unchanged=%d; deactivated=%d", out.Created, out.Updated, out.Unchanged, out.Deactivated)
		if opt.DryRun {
			return s.record(ctx, tx, a, "people.import", orgTarget(org), "dry run; "+detail)
		}
		if err := plan(); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "people.import", orgTarget(org), detail)
	})
	if mentorvault.ErrorCode(err) == mentorvault.EINVALID && out != nil && len(out.Errors) > 0 {
		return out, err
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// planImport checks every line against the file and the organisation,
// fills in out's rows, counts and errors, and returns the writes to make
// (run only when there are no errors and this is no dry run).
func (s *Service) planImport(ctx context.Context, tx mentorvault.Tx, a actor, lines []importLine,
	byEmail, byID map[string]*mentorvault.User, opt ImportOptions, out *ImportResult) (func() error, error) {
	org := a.user.OrgID
	bad := func(row int, field, msg string) {
		out.Errors = append(out.Errors, ImportProblem{Row: row, Field: field, Message: msg})
	}
	seen := map[string]int{} // email → row
	// Emails the file adds that are taken in another organisation, in
	// one look-up.
	var fresh []string
	for _, l := range lines {
		if e := mentorvault.NormalizeEmail(l.email); byEmail[e] == nil {
			fresh = append(fresh, e)
		}
	}
	elsewhere := map[string]bool{}
	others, err := tx.FindUsersByEmails(ctx, fresh)
	if err != nil {
		return nil, err
	}
	for _, u := range others {
		elsewhere[u.Email] = u.OrgID != org
	}
	var valid []importLine
	for _, l := range lines {
		u := &mentorvault.User{ID: "-", OrgID: org, Email: mentorvault.NormalizeEmail(l.email), Name: l.name}
		if err := u.Validate(); err != nil {
			for f, m := range mentorvault.ErrorFields(err) {
				bad(l.row, f, m)
			}
			continue
		}
		if first, dup := seen[u.Email]; dup {
			bad(l.row, "email", fmt.Sprintf("%s is already on row %d", u.Email, first))
			continue
		}
		seen[u.Email] = l.row
		if elsewhere[u.Email] {
			bad(l.row, "email", "is the email of an account outside your organisation")
			continue
		}
		l.email = u.Email
		l.name = strings.TrimSpace(l.name)
		valid = append(valid, l)
	}
	// The manager of each listed person after the import, by email: the
	// file's word for those it lists, the current one for everyone else.
	managerOf := map[string]string{}
	for _, u := range byEmail {
		if m, ok := byID[u.ManagerID]; ok {
			managerOf[u.Email] = m.Email
		}
	}
	for _, l := range valid {
		managerOf[l.email] = l.manager
	}
	var ok []importLine
	for _, l := range valid {
		switch m, exists := byEmail[l.manager]; {
		case l.manager == "":
		case l.manager == l.email:
			bad(l.row, "manager_email", "a person cannot be their own line manager")
			continue
		case seen[l.manager] == 0 && !exists:
			bad(l.row, "manager_email", l.manager+" is neither in the file nor a person of your organisation")
			continue
		case exists && m.DisabledAt != nil:
			bad(l.row, "manager_email", l.manager+" is deactivated; choose an active line manager")
			continue
		}
		if chain := managerCycle(l.email, managerOf); chain != "" {
			bad(l.row, "manager_email", "a cycle in the management chain: "+chain)
			continue
		}
		ok = append(ok, l)
	}
	type change struct {
		u      *mentorvault.User
		create bool
	}
	var changes []change
	created := map[string]bool{}
	for _, l := range ok {
		if _, exists := byEmail[l.email]; !exists {
			u := &mentorvault.User{ID: mentorvault.NewID(), OrgID: org, Email: l.email, Name: l.name, CreatedAt: tx.Now()}
			byEmail[l.email], created[l.email] = u, true
			changes = append(changes, change{u, true})
		}
	}
	for _, l := range ok {
		u := byEmail[l.email]
		mid := ""
		if l.manager != "" {
			mid = byEmail[l.manager].ID
		}
		switch {
		case created[l.email]:
			u.ManagerID = mid
			out.Created++
			out.Rows = append(out.Rows, ImportRow{Row: l.row, Email: l.email, Action: ImportCreate})
		case u.Name == l.name && u.ManagerID == mid:
			out.Unchanged++
			out.Rows = append(out.Rows, ImportRow{Row: l.row, Email: l.email, Action: ImportUnchanged})
		case !s.may(ctx, a, policy.UpdatePerson, personResource(u)):
			bad(l.row, "email", "you may not change this person")
		default:
			u.Name, u.ManagerID = l.name, mid
			changes = append(changes, change{u, false})
			out.Updated++
			out.Rows = append(out.Rows, ImportRow{Row: l.row, Email: l.email, Action: ImportUpdate})
		}
	}
	var leavers []*mentorvault.User
	if opt.DeactivateMissing {
		admins := 0
		for _, u := range byID {
			if u.OrgAdmin && u.DisabledAt == nil {
				admins++
			}
		}
		for _, u := range byID {
			if _, listed := seen[u.Email]; listed || u.DisabledAt != nil || u.ID == a.user.ID {
				continue
			}
			if u.OrgAdmin {
				if admins <= 1 {
					bad(0, "email", u.Email+" is the organisation's last active admin and cannot be deactivated")
					continue
				}
				admins--
			}
			leavers = append(leavers, u)
			out.Deactivated++
			out.Rows = append(out.Rows, ImportRow{Email: u.Email, Action: ImportDeactivate})
		}
	}
	return func() error {
		// New people go in at once, each after their manager (the file
		// has no cycles by now), then the changed ones one by one.
		var news []*mentorvault.User
		placed := map[string]bool{}
		var place func(u *mentorvault.User)
		place = func(u *mentorvault.User) {
			if placed[u.ID] {
				return
			}
			placed[u.ID] = true
			if m := byID[u.ManagerID]; m != nil && created[m.Email] {
				place(m)
			}
			news = append(news, u)
		}
		for _, c := range changes {
			if c.create {
				byID[c.u.ID] = c.u
			}
		}
		for _, c := range changes {
			if c.create {
				place(c.u)
			}
		}
		if err := tx.CreateUsers(ctx, news); err != nil {
			return err
		}
		for _, c := range changes {
			if !c.create {
				if err := tx.UpdateUser(ctx, c.u); err != nil {
					return err
				}
			}
		}
		for _, u := range leavers {
			if err := s.authorize(ctx, tx, a, policy.DeactivatePerson, personResource(u), personTarget(u), never); err != nil {
				return err
			}
			if err := s.deactivate(ctx, tx, a, u); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// managerCycle follows the management chain up from email and returns it
// written out ("a → b → a") if it comes back to email, "" otherwise.
func managerCycle(email string, managerOf map[string]string) string {
	chain := []string{email}
	seen := map[string]bool{email: true}
	for cur := managerOf[email]; cur != ""; cur = managerOf[cur] {
		chain = append(chain, cur)
		if cur == email {
			return strings.Join(chain, " → ")
		}
		if seen[cur] {
			return "" // a cycle above, not through email: reported on its own rows
		}
		seen[cur] = true
	}
	return ""
}
