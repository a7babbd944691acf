package web

import (
	"strings"
	"testing"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/service"
)

// replaced is the crudest line diff: every old line removed, every new one
// added. readableDiff compares the texts again itself, so it must find the
// same changes from it as from a good line diff.
func replaced(a, b string) []service.DiffLine {
	var out []service.DiffLine
	for _, l := range strings.Split(a, "\n") {
		out = append(out, service.DiffLine{Op: '-', Text: mentorvault.NewSecret(l)})
	}
	for _, l := range strings.Split(b, "\n") {
		out = append(out, service.DiffLine{Op: '+', Text: mentorvault.NewSecret(l)})
	}
	return out
}

func blockText(b diffBlock, ops ...string) string {
	var s strings.Builder
	for _, g := range b.Segs {
		for _, o := range ops {
			if g.Op == o {
				s.WriteString(g.Text.Reveal())
			}
		}
	}
	return s.String()
}

func TestReadableDiff(t *testing.T) {
	h := mentorvault.AgreementHeader{RelationshipID: "01rel", Version: 1, Kind: mentorvault.KindMentoring,
		Mentor: "Alice Adams <alice@example.com>", Mentee: "Bob Baker <bob@example.com>"}
	old := mentorvault.AgreementTerms{Expectations: mentorvault.Expectations{MeetingFrequency: "monthly", MeetingMinutes: 30,
		Goals: "Learn *delegation* & [negotiation] <b>now</b>"}}
	cur := old
	cur.Expectations.MeetingMinutes = 45
	cur.Clauses = []mentorvault.Clause{{Discloser: mentorvault.PartyEither, What: mentorvault.WhatGrowth, Recipient: mentorvault.ToNamedPerson,
		RecipientName: "Priya Patel", Condition: mentorvault.CondPermission, Until: mentorvault.UntilDuring}}
	a := old.Markdown(h)
	h.Version = 2
	b := cur.Markdown(h)

	blocks := readableDiff(replaced(a, b))
	var changed, added, removed []diffBlock
	var goals, mentor *diffBlock
	for i, bl := range blocks {
		all := blockText(bl, "same", "added", "removed")
		if strings.ContainsAny(all, `\*_`) && !strings.Contains(all, "*delegation*") {
			t.Errorf("block %q still carries Markdown", all)
		}
		switch bl.Op {
		case "changed":
			changed = append(changed, bl)
		case "added":
			added = append(added, bl)
		case "removed":
			removed = append(removed, bl)
		}
		if strings.HasPrefix(all, "Learn") {
			goals = &blocks[i]
		}
		if strings.HasPrefix(all, "Mentor:") {
			mentor = &blocks[i]
		}
	}
	if mentor == nil || mentor.Op != "same" || mentor.Kind != "item" || blockText(*mentor, "same") != "Mentor: Alice Adams <alice@example.com>" {
		t.Errorf("the mentor line reads %+v, want the plain name and address", mentor)
	}
	if goals == nil || blockText(*goals, "same") != "Learn *delegation* & [negotiation] <b>now</b>" {
		t.Errorf("the goals read %+v, want what was typed, unescaped", goals)
	}
	// The title's version number and the meeting length are edits of a line:
	// only the changed words are marked.
	var minutes bool
	for _, c := range changed {
		if blockText(c, "added") == "45 " && blockText(c, "removed") == "30 " && blockText(c, "same") == "Meetings: monthly, minutes" {
			minutes = true
		}
	}
	if !minutes || len(changed) != 2 {
		t.Errorf("changed blocks: %+v, want the title and the meeting length, word by word", changed)
	}
	// The new clause is added; "Nothing. No clause allows…" is removed.
	if len(added) != 1 || added[0].Kind != "step" || added[0].Num != "1" || !strings.Contains(blockText(added[0], "added"), "Priya Patel") {
		t.Errorf("added blocks: %+v, want the new clause", added)
	}
	if len(removed) != 1 || !strings.HasPrefix(blockText(removed[0], "removed"), "Nothing.") {
		t.Errorf("removed blocks: %+v", removed)
	}
}

func TestReadableDiffRenumbered(t *testing.T) {
	old := "## 2. What may be shared\n\n1. First clause about growth.\n2. Second clause about attendance.\n"
	cur := "## 2. What may be shared\n\n1. A new clause about everything.\n2. First clause about growth.\n3. Second clause about attendance.\n"
	var ops []string
	for _, b := range readableDiff(replaced(old, cur)) {
		ops = append(ops, b.Op+":"+b.Num)
	}
	if got := strings.Join(ops, " "); got != "same: added:1 same:2 same:3" {
		t.Errorf("a clause added at the top reads %s, want one added clause and the others renumbered", got)
	}
}

func TestWordDiffUnrelated(t *testing.T) {
	if _, similar := wordDiff("Nothing. No clause allows either of us to disclose anything.", "The mentee may tell Priya Patel about growth."); similar {
		t.Error("two unrelated sentences read as one edited line")
	}
}
