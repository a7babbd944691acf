package web

import (
	"strings"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/service"
)

// The diff page compares two agreement versions as a reader sees them, not
// as the signed Markdown is stored: each line of the canonical text becomes
// a block (a heading, a list item, a paragraph) of plain text, with the
// Markdown markers and escapes ("\<", "**") taken away, and a line that was
// edited rather than replaced shows which words changed.

// diffSeg is a run of words in a block: same, added or removed.
type diffSeg struct {
	Op   string
	Text mentorvault.Secret
}

// diffBlock is one block of the compared text. Op is "same", "added",
// "removed" or "changed" (an edited line: its Segs mark the words); Kind is
// "h1", "h2", "h3", "item", "step" (a numbered item, Num its number) or
// "para".
type diffBlock struct {
	Op, Kind, Num string
	Segs          []diffSeg
}

// readableDiff turns a line diff of canonical agreement texts into blocks.
// It rebuilds both texts from the lines and compares them again block by
// block, ignoring the numbers of numbered items, so that a clause added at
// the top shows as one added clause, not as every clause renumbered; blank
// lines, which only separate Markdown blocks, are dropped.
func readableDiff(lines []service.DiffLine) []diffBlock {
	var old, cur []plainBlock
	for _, l := range lines {
		b := plainLine(l.Text.Reveal())
		if b.kind == "" {
			continue
		}
		if l.Op != '+' {
			old = append(old, b)
		}
		if l.Op != '-' {
			cur = append(cur, b)
		}
	}
	key := func(b plainBlock) string { return b.kind + "\x00" + b.text }
	var out []diffBlock
	var removed, added []plainBlock
	flush := func() {
		n := min(len(removed), len(added))
		for i := range n {
			ob, nb := removed[i], added[i]
			if ob.kind == nb.kind {
				if segs, similar := wordDiff(ob.text, nb.text); similar {
					out = append(out, diffBlock{Op: "changed", Kind: nb.kind, Num: nb.num, Segs: segs})
					continue
				}
			}
			out = append(out, ob.block("removed"), nb.block("added"))
		}
		for _, b := range removed[n:] {
			out = append(out, b.block("removed"))
		}
		for _, b := range added[n:] {
			out = append(out, b.block("added"))
		}
		removed, added = nil, nil
	}
	for _, e := range lcsDiff(len(old), len(cur), func(i, j int) bool { return key(old[i]) == key(cur[j]) }) {
		switch e.op {
		case '-':
			removed = append(removed, old[e.i])
		case '+':
			added = append(added, cur[e.j])
		default:
			flush()
			out = append(out, cur[e.j].block("same"))
		}
	}
	flush()
	return out
}

// edit is one step of an edit script: op ' ' keeps a[i] (as b[j]), '-'
// removes a[i], '+' adds b[j].
type edit struct {
	op   byte
	i, j int
}

// lcsDiff is a longest-common-subsequence edit script from a sequence of n
// items to one of m; eq compares a[i] with b[j]. Agreement texts are a few
// hundred blocks, their lines a few hundred words.
func lcsDiff(n, m int, eq func(i, j int) bool) []edit {
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if eq(i, j) {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []edit
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case eq(i, j):
			out = append(out, edit{' ', i, j})
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, edit{'-', i, j})
			i++
		default:
			out = append(out, edit{'+', i, j})
			j++
		}
	}
	for ; i < n; i++ {
		out = append(out, edit{'-', i, j})
	}
	for ; j < m; j++ {
		out = append(out, edit{'+', i, j})
	}
	return out
}

type plainBlock struct{ kind, num, text string }

func (b plainBlock) block(op string) diffBlock {
	return diffBlock{Op: op, Kind: b.kind, Num: b.num, Segs: []diffSeg{{Op: op, Text: mentorvault.NewSecret(b.text)}}}
}

// plainLine reads one line of the canonical text (agreement.go's Markdown):
// its block kind and its text without markup. An empty kind is a line that
// shows nothing (blank, or a thematic break).
func plainLine(md string) plainBlock {
	s := strings.TrimSpace(md)
	var b plainBlock
	switch {
	case s == "" || s == "---":
		return b
	case strings.HasPrefix(s, "### "):
		b.kind, s = "h3", s[4:]
	case strings.HasPrefix(s, "## "):
		b.kind, s = "h2", s[3:]
	case strings.HasPrefix(s, "# "):
		b.kind, s = "h1", s[2:]
	case strings.HasPrefix(s, "- "):
		b.kind, s = "item", s[2:]
	default:
		b.kind = "para"
		if i := strings.Index(s, ". "); i > 0 && i <= 3 && strings.Trim(s[:i], "0123456789") == "" {
			b.kind, b.num, s = "step", s[:i], s[i+2:]
		}
	}
	b.text = unmark(s)
	return b
}

// unmark takes away inline Markdown: a backslash escape becomes the
// character it escapes, and an unescaped '*' or '_' is emphasis (the
// canonical text escapes every one a person typed), so it goes.
func unmark(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", s[i+1]) >= 0:
			i++
			b.WriteByte(s[i])
		case c == '*' || c == '_':
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// words splits text into words, each with the spaces after it, so that
// joining the pieces gives the text back.
func words(s string) []string {
	var out []string
	start := 0
	for i := 1; i <= len(s); i++ {
		if i == len(s) || (s[i] != ' ' && s[i-1] == ' ') {
			out = append(out, s[start:i])
			start = i
		}
	}
	return out
}

// wordDiff marks the words removed from a and added in b; similar reports
// whether the two share enough words (at least a third of the longer) to be
// read as one edited line rather than one replaced by another.
func wordDiff(a, b string) (segs []diffSeg, similar bool) {
	x, y := words(a), words(b)
	key := func(w string) string { return strings.TrimRight(w, " ") }
	script := lcsDiff(len(x), len(y), func(i, j int) bool { return key(x[i]) == key(y[j]) })
	same := 0
	for _, e := range script {
		if e.op == ' ' {
			same++
		}
	}
	if 3*same < max(len(x), len(y)) {
		return nil, false
	}
	var cur strings.Builder
	op := ""
	for _, e := range script {
		o, w := "same", ""
		switch e.op {
		case '-':
			o, w = "removed", x[e.i]
		case '+':
			o, w = "added", y[e.j]
		default:
			w = y[e.j]
		}
		if o != op && cur.Len() > 0 {
			segs = append(segs, diffSeg{Op: op, Text: mentorvault.NewSecret(cur.String())})
			cur.Reset()
		}
		op = o
		cur.WriteString(w)
	}
	if cur.Len() > 0 {
		segs = append(segs, diffSeg{Op: op, Text: mentorvault.NewSecret(cur.String())})
	}
	return segs, true
}
