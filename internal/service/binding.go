package service

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/seal"
)

// A sealed record binds what decides who may read it into each of its
// fields' associated data (seal.AD.Bind) together with its seal version, and
// every write that seals records a digest of each field in its audit event.
// Three checks follow from that:
//
//   - at read time, a field whose author, visibility, parties or version was
//     changed outside mentorvault, or whose ciphertext was swapped or rolled
//     back, does not open: the record is shown as damaged (see damaged);
//   - 'audit verify' compares every live sealed record with its last
//     audited write (VerifySealed), so an edit, a rollback of ciphertext and
//     version together, or a row inserted behind the service's back is
//     reported with the record named;
//   - the audit detail names only record IDs, versions and digests, never
//     content.

// sealedField is one sealed field of a record as stored: the associated data
// it was sealed for (its Field names it) and its ciphertext, nil when the
// field is empty.
type sealedField struct {
	ad seal.AD
	ct []byte
}

// sealedDetail is the part of a write's audit detail that records what it
// sealed: "seal <record>/<id> v<version> <field>:<digest>…", one group per
// record. Empty fields are left out.
func sealedDetail(fields ...sealedField) string {
	var b strings.Builder
	var last string
	for _, f := range fields {
		if f.ct == nil {
			continue
		}
		if key := f.ad.Record + "/" + f.ad.RecordID; key != last {
			if b.Len() > 0 {
				b.WriteString("; ")
			}
			fmt.Fprintf(&b, "seal %s v%d", key, f.ad.Version)
			last = key
		}
		fmt.Fprintf(&b, " %s:%s", f.ad.Field, seal.Digest(f.ad, f.ct))
	}
	return b.String()
}

// withSeal joins an event's other detail and its sealed detail.
func withSeal(detail string, fields ...sealedField) string {
	sd := sealedDetail(fields...)
	switch {
	case sd == "":
		return detail
	case detail == "":
		return sd
	}
	return detail + "; " + sd
}

// sealedWrite is what an audit event says a write sealed for one record.
type sealedWrite struct {
	seq     int64
	version int
	digests map[string]string // field → digest
}

// parseSealed reads the sealed groups of an audit detail, keyed by
// "<record>/<id>". Groups it cannot read are skipped: the chain's hashes,
// not this parser, guard the detail's integrity.
func parseSealed(seq int64, detail string) map[string]sealedWrite {
	var out map[string]sealedWrite
	for part := range strings.SplitSeq(detail, "; ") {
		rest, ok := strings.CutPrefix(part, "seal ")
		if !ok {
			continue
		}
		words := strings.Fields(rest)
		if len(words) < 2 || !strings.HasPrefix(words[1], "v") {
			continue
		}
		v, err := strconv.Atoi(words[1][1:])
		if err != nil {
			continue
		}
		w := sealedWrite{seq: seq, version: v, digests: map[string]string{}}
		for _, fd := range words[2:] {
			if f, d, ok := strings.Cut(fd, ":"); ok {
				w.digests[f] = d
			}
		}
		if out == nil {
			out = map[string]sealedWrite{}
		}
		out[words[0]] = w
	}
	return out
}

// SealedProblem is a live sealed record that does not match its last
// audited write.
type SealedProblem struct {
	Record         string // "note", "statement", …
	ID             string
	RelationshipID string
	Reason         string
}

func (p SealedProblem) String() string {
	return fmt.Sprintf("%s %s (relationship %s): %s", p.Record, p.ID, p.RelationshipID, p.Reason)
}

// SealedReport is the outcome of VerifySealed.
type SealedReport struct {
	Checked  int             // live sealed records compared with the audit log
	Legacy   int             // records sealed before bindings (seal version 0, no sealed write audited)
	Problems []SealedProblem // records that do not match, in a stable order
}

// SealedAudit collects, from the audit events fed to it in chain order, the
// last sealed write of every record. Feed it every event of a verified chain
// (audit.VerifyEach), then call Service.VerifySealed.
type SealedAudit struct {
	last map[string]sealedWrite
}

// Add records e's sealed writes, replacing earlier ones of the same record.
func (sa *SealedAudit) Add(e *mentorvault.AuditEvent) {
	if !strings.Contains(e.Detail, "seal ") || e.Outcome != mentorvault.OutcomeOK {
		return
	}
	for k, w := range parseSealed(e.Seq, e.Detail) {
		if sa.last == nil {
			sa.last = map[string]sealedWrite{}
		}
		sa.last[k] = w
	}
}

// sealedRecord is one live sealed record as the store holds it.
type sealedRecord struct {
	record, id string
	version    int
	fields     []sealedField
}

// sealedKind lists every live record of one kind in a relationship.
type sealedKind struct {
	record string
	each   func(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, yield func(sealedRecord)) error
}

// sealedKinds are the record kinds whose sealed fields bind what decides
// access. Each kind's binding is its AD function; a kind added here is
// checked by VerifySealed.
var sealedKinds = []sealedKind{
	{"note", eachNote},
	{"agreement_version", eachAgreementVersion},
	{"agreement_comment", eachAgreementComment},
	{"review", eachReview},
	{"meeting", eachMeeting},
	{"goal", eachGoal},
	{"goal_progress", eachGoalProgress},
	{"commitment", eachCommitment},
	{"feedback", eachFeedback},
	{"concern", eachConcern}, // and its steps
	{"disclosure", eachDisclosure},
	{"consultation_message", eachConsultationMessage},
	{"input_request", eachRequest},
	{"statement", eachStatement},
	{"three_way", eachThreeWay}, // and its notes
}

// partiesAD is the associated data of a relationship's party binding: an
// empty value sealed with the relationship's own key, bound to who may ever
// read its content. The parties never change in a relationship's life, so
// its version is always 1.
func partiesAD(relID, orgID, programmeID, mentorID, menteeID string) seal.AD {
	return seal.AD{RelationshipID: relID, Record: "relationship", RecordID: relID, Field: "parties", Version: 1,
		Bind: []seal.Binding{{Name: "org", Value: orgID}, {Name: "programme", Value: programmeID}, {Name: "mentor", Value: mentorID}, {Name: "mentee", Value: menteeID}}}
}

func relPartiesAD(r *mentorvault.Relationship) seal.AD {
	return partiesAD(r.ID, r.OrgID, r.ProgrammeID, r.MentorID, r.MenteeID)
}

// bindParties seals a new relationship's party binding with its key and
// stores it; the returned field goes into the creating write's audit event.
func (s *Service) bindParties(ctx context.Context, tx mentorvault.Tx, r *mentorvault.Relationship, wrapped []byte) (sealedField, error) {
	ad := relPartiesAD(r)
	b, err := s.keys.Seal(wrapped, ad, mentorvault.Secret{})
	if err != nil {
		return sealedField{}, err
	}
	if err := tx.SetPartyBinding(ctx, r.ID, b, tx.Now()); err != nil {
		return sealedField{}, err
	}
	return sealedField{ad, b}, nil
}

// checkParties opens k's party binding for the parties the row holds now.
func (s *Service) checkParties(ctx context.Context, relID string, k *mentorvault.BoundDataKey) error {
	if k.Binding == nil {
		return s.damaged(ctx, "relationship", relID, seal.ErrOpen)
	}
	_, err := s.keys.Open(k.Wrapped, partiesAD(relID, k.OrgID, k.ProgrammeID, k.MentorID, k.MenteeID), k.Binding)
	if err != nil {
		return s.damaged(ctx, "relationship", relID, err)
	}
	return nil
}

// BindLegacyParties gives every live key made before party bindings its
// binding, each audited as a system write. It runs once per database (the
// upgrade step "bind-parties"; later calls do nothing), so a binding removed
// outside mentorvault afterwards is never silently rebound: such a key stays
// damaged. serve calls it at start-up, before it listens.
func (s *Service) BindLegacyParties(ctx context.Context) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx mentorvault.Tx) error {
		n = 0
		first, err := tx.StartUpgradeStep(ctx, "bind-parties", tx.Now())
		if err != nil || !first {
			return err
		}
		bindings, err := tx.FindPartyBindings(ctx)
		if err != nil {
			return err
		}
		for relID, b := range bindings {
			if b != nil {
				continue
			}
			k, err := tx.FindBoundDataKey(ctx, relID)
			if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
				continue // erased: nothing to bind
			}
			if err != nil {
				return err
			}
			r, err := tx.FindRelationshipByID(ctx, relID)
			if err != nil {
				return err
			}
			f, err := s.bindParties(ctx, tx, r, k.Wrapped)
			if err != nil {
				return err
			}
			if err := s.record(ctx, tx, actor{p: mentorvault.Principal{Via: "upgrade"}}, "relationship.bind", relTarget(r), withSeal("parties bound to the key", f)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// eachParties lists a relationship's party binding for VerifySealed.
func eachParties(ctx context.Context, tx mentorvault.Tx, rel *mentorvault.Relationship, yield func(sealedRecord)) error {
	k, err := tx.FindBoundDataKey(ctx, rel.ID)
	if mentorvault.ErrorCode(err) == mentorvault.ENOTFOUND {
		return nil // erased
	}
	if err != nil {
		return err
	}
	version := 0
	if k.Binding != nil {
		version = 1
	}
	yield(sealedRecord{record: "relationship", id: rel.ID, version: version, fields: []sealedField{{relPartiesAD(rel), k.Binding}}})
	return nil
}

// VerifySealed compares every live sealed record of every relationship with
// its last audited write in sa: a record with no audited write (while sealed
// with bindings), another version, or another digest for any field (its
// ciphertext, or anything its associated data binds, was changed) is a
// problem. It reads one relationship per transaction and opens nothing: no
// key is needed. It is an operator function, run by 'audit verify'.
func (s *Service) VerifySealed(ctx context.Context, sa *SealedAudit) (SealedReport, error) {
	var rep SealedReport
	var rels []*mentorvault.Relationship
	err := s.readOnly(ctx, func(tx mentorvault.Tx) error {
		var err error
		rels, err = tx.FindRelationships(ctx, mentorvault.RelationshipFilter{})
		return err
	})
	if err != nil {
		return rep, err
	}
	for _, rel := range rels {
		err := s.readOnly(ctx, func(tx mentorvault.Tx) error {
			if err := eachParties(ctx, tx, rel, func(r sealedRecord) { rep.check(sa, rel, r) }); err != nil {
				return fmt.Errorf("read the party binding of relationship %s: %w", rel.ID, err)
			}
			for _, k := range sealedKinds {
				if err := k.each(ctx, tx, rel, func(r sealedRecord) { rep.check(sa, rel, r) }); err != nil {
					return fmt.Errorf("list %s records of relationship %s: %w", k.record, rel.ID, err)
				}
			}
			return nil
		})
		if err != nil {
			return rep, err
		}
	}
	sort.Slice(rep.Problems, func(i, j int) bool {
		a, b := rep.Problems[i], rep.Problems[j]
		return a.Record+"/"+a.ID < b.Record+"/"+b.ID
	})
	return rep, nil
}

// readOnly runs fn in a transaction it rolls back: for operator reads that
// write nothing and audit nothing.
func (s *Service) readOnly(ctx context.Context, fn func(tx mentorvault.Tx) error) error {
	tx, err := s.store.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

func (rep *SealedReport) check(sa *SealedAudit, rel *mentorvault.Relationship, r sealedRecord) {
	w, audited := sa.last[r.record+"/"+r.id]
	problem := func(reason string, args ...any) {
		rep.Problems = append(rep.Problems, SealedProblem{Record: r.record, ID: r.id, RelationshipID: rel.ID, Reason: fmt.Sprintf(reason, args...)})
	}
	switch {
	case !audited && r.version == 0:
		rep.Legacy++
		return
	case !audited:
		rep.Checked++
		problem("no audited write sealed it: the row was written outside mentorvault")
		return
	}
	rep.Checked++
	if r.version != w.version {
		problem("seal version %d, but its last audited write (event %d) sealed version %d: rolled back or edited outside mentorvault", r.version, w.seq, w.version)
		return
	}
	live := map[string]string{}
	for _, f := range r.fields {
		if f.ct != nil {
			live[f.ad.Field] = seal.Digest(f.ad, f.ct)
		}
	}
	var changed []string
	for f, d := range w.digests {
		if live[f] != d {
			changed = append(changed, f)
		}
	}
	for f := range live {
		if _, ok := w.digests[f]; !ok {
			changed = append(changed, f)
		}
	}
	if len(changed) > 0 {
		sort.Strings(changed)
		problem("%s differs from its last audited write (event %d): the ciphertext or what decides access (author, visibility, parties) was changed outside mentorvault", strings.Join(changed, ", "), w.seq)
	}
}

// damaged is the answer for a sealed record that does not open although its
// key does: it was changed outside mentorvault (see the package comment
// above). The record is named in the log for the operator; the person
// reading is told in plain words. It is a conflict, not an internal error:
// the service works, this record does not.
func (s *Service) damaged(ctx context.Context, record, id string, err error) error {
	if !errors.Is(err, seal.ErrOpen) {
		return mentorvault.Internal(fmt.Errorf("open %s %s: %w", record, id, err))
	}
	s.log.ErrorContext(ctx, "sealed record does not open: changed outside mentorvault; run 'mentorvault audit verify'", "record", record, "id", id)
	return &mentorvault.Error{Code: mentorvault.ECONFLICT, Message: fmt.Sprintf("this %s is damaged: it was changed outside mentorvault and cannot be shown; an operator can find it with 'mentorvault audit verify'", record), Err: err}
}

// isDamaged reports whether err is the answer of damaged.
func isDamaged(err error) bool {
	var e *mentorvault.Error
	return errors.As(err, &e) && e.Code == mentorvault.ECONFLICT && errors.Is(err, seal.ErrOpen)
}
