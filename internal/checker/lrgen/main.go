// Command lrgen trains the statement checker's judgement model (issue 18):
// a logistic regression that tells a sentence judging a person as an
// employee from clean advocacy about them as a mentee. It reads labelled
// statements in the corpus format (kind <TAB> kept items <TAB> statement):
// training/judgements.tsv, the development part of testdata/corpus.tsv
// (never its test part, which TestCorpusTargets measures) and the first
// three fresh sets, which earlier work already used and which are no
// longer blind. testdata/fresh4.tsv and the blind sets are never trained
// on: they are read only to leave out any training statement that is also
// in one of them or in the corpus's test part (the training sets' authors
// were given a few of the same example sentences as the blind sets'), so
// that no evaluation statement is ever learned.
// "judgement" statements are positive; "clean" and "kept" ones negative.
//
// Features are exactly what the checker computes (checker.Features).
// Training is full-batch gradient descent on the class-balanced log loss
// with an L2 penalty, from zero weights, in a fixed order: the output is
// deterministic. The decision threshold is chosen by 5-fold
// cross-validation on the training data only (folds by a hash of the
// text): the lowest threshold whose out-of-fold clean statements are
// flagged at most -maxfp of the time (kept statements are negatives in
// training but not in this count: the checker does not run the model on a
// sentence with a kept-item finding). Weights smaller than -prune are
// dropped. The output is a gzip-compressed table the checker embeds.
//
// Run it with `go generate ./internal/checker`.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mentorvault/mentorvault/internal/checker"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "lrgen:", err)
		os.Exit(1)
	}
}

type example struct {
	text string
	kind string
	y    float64
	x    []int     // feature numbers, sorted, no repeats
	v    []float64 // the mean word vector, nil when none
}

func run(args []string, log io.Writer) error {
	fl := flag.NewFlagSet("lrgen", flag.ContinueOnError)
	out := fl.String("o", "lexicon/judgement-model.txt.gz", "output file")
	train := fl.String("train", "training/judgements.tsv,training/judgements2.tsv,training/judgements3.tsv", "training statements, comma-separated")
	corpus := fl.String("corpus", "testdata/corpus.tsv", "the labelled corpus (its development part is used)")
	fresh := fl.String("fresh", "testdata/fresh.tsv,testdata/fresh2.tsv,testdata/fresh3.tsv", "spent fresh sets, comma-separated")
	lambda := fl.Float64("l2", 0.002, "L2 penalty")
	epochs := fl.Int("epochs", 1500, "gradient descent steps")
	maxfp := fl.Float64("maxfp", 0.04, "the most out-of-fold clean statements the threshold may flag")
	prune := fl.Float64("prune", 0.01, "drop weights smaller than this")
	useVectors := fl.Bool("vectors", true, "use the mean word vector")
	verbose := fl.Bool("v", false, "list the cross-validation's errors")
	heldOut := fl.String("held-out", "testdata/fresh4.tsv,testdata/blind*.tsv", "evaluation sets whose statements are never trained on, comma-separated globs (the corpus's test part is always held out)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	var rows [][2]string // kind, text
	add := func(path string, keep func(string) bool) error {
		r, err := readTSV(path)
		if err != nil {
			return err
		}
		for _, x := range r {
			if keep(x[1]) {
				rows = append(rows, x)
			}
		}
		return nil
	}
	all := func(string) bool { return true }
	for _, p := range strings.Split(*train, ",") {
		if err := add(strings.TrimSpace(p), all); err != nil {
			return err
		}
	}
	if err := add(*corpus, func(t string) bool { return fnv32(t)%3 != 0 }); err != nil {
		return err
	}
	for _, p := range strings.Split(*fresh, ",") {
		if p = strings.TrimSpace(p); p != "" {
			if err := add(p, all); err != nil {
				return err
			}
		}
	}
	// Evaluation statements are never trained on, even when a training set
	// has the same sentence.
	evaluation := map[string]bool{}
	corpusRows, err := readTSV(*corpus)
	if err != nil {
		return err
	}
	for _, r := range corpusRows {
		if fnv32(r[1])%3 == 0 {
			evaluation[normalise(r[1])] = true
		}
	}
	for _, g := range strings.Split(*heldOut, ",") {
		paths, err := filepath.Glob(strings.TrimSpace(g))
		if err != nil {
			return err
		}
		for _, p := range paths {
			r, err := readTSV(p)
			if err != nil {
				return err
			}
			for _, x := range r {
				evaluation[normalise(x[1])] = true
			}
		}
	}
	dropped := 0
	rows = slices.DeleteFunc(rows, func(r [2]string) bool {
		if evaluation[normalise(r[1])] {
			dropped++
			return true
		}
		return false
	})
	if dropped > 0 {
		fmt.Fprintf(log, "lrgen: %d training statements left out: they are also in an evaluation set\n", dropped)
	}
	vocab := map[string]int{}
	var names []string
	var exs []example
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r[1]] {
			continue
		}
		seen[r[1]] = true
		e := example{text: r[1], kind: r[0]}
		if r[0] == "judgement" {
			e.y = 1
		}
		fnames, vec := checker.Features(r[1])
		if *useVectors {
			e.v = vec
		}
		for _, f := range fnames {
			id, ok := vocab[f]
			if !ok {
				id = len(names)
				vocab[f] = id
				names = append(names, f)
			}
			e.x = append(e.x, id)
		}
		slices.Sort(e.x)
		e.x = slices.Compact(e.x)
		exs = append(exs, e)
	}
	pos := 0
	for _, e := range exs {
		pos += int(e.y)
	}
	fmt.Fprintf(log, "lrgen: %d statements (%d judgements, %d clean or kept), %d features\n", len(exs), pos, len(exs)-pos, len(names))

	// Cross-validation for the threshold.
	var oof []float64
	var oofY []float64
	var oofText []string
	var oofKept []bool
	for k := uint32(0); k < 5; k++ {
		var tr, te []example
		for _, e := range exs {
			if fnv32(e.text)%5 == k {
				te = append(te, e)
			} else {
				tr = append(tr, e)
			}
		}
		w, u, b := fit(tr, len(names), *lambda, *epochs)
		for _, e := range te {
			oof = append(oof, prob(w, u, b, e))
			oofY = append(oofY, e.y)
			oofText = append(oofText, e.text)
			oofKept = append(oofKept, e.kind == "kept")
		}
	}
	threshold, rec, fp := 0.5, 0.0, 0.0
	for t := 0.30; t <= 0.951; t += 0.01 {
		var tp, p, fpos, n float64
		for i, pr := range oof {
			if oofY[i] == 1 {
				p++
				if pr >= t {
					tp++
				}
			} else if !oofKept[i] {
				n++
				if pr >= t {
					fpos++
				}
			}
		}
		if fpos/n <= *maxfp {
			threshold, rec, fp = math.Round(t*100)/100, tp/p, fpos/n
			break
		}
	}
	if *verbose {
		for i, pr := range oof {
			if (pr >= threshold) != (oofY[i] == 1) {
				fmt.Fprintf(log, "  %.0f %.2f %s\n", oofY[i], pr, oofText[i])
			}
		}
	}
	fmt.Fprintf(log, "lrgen: threshold %.2f: cross-validated judgement recall %.1f%%, clean flagged %.1f%%\n", threshold, 100*rec, 100*fp)

	w, u, b := fit(exs, len(names), *lambda, *epochs)
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# The checker's judgement model, written by lrgen (go generate ./internal/checker); do not edit.\n")
	fmt.Fprintf(&buf, "# %d training statements (%d judgements), %d features before pruning; L2 %g, %d steps.\n", len(exs), pos, len(names), *lambda, *epochs)
	fmt.Fprintf(&buf, "# 5-fold cross-validation on the training data: at threshold %.2f, judgement recall %.1f%%, clean flagged %.1f%%.\n", threshold, 100*rec, 100*fp)
	fmt.Fprintf(&buf, "bias\t%.4f\nthreshold\t%.2f\n", b, threshold)
	order := make([]int, len(names))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, c int) int { return strings.Compare(names[a], names[c]) })
	kept := 0
	for _, i := range order {
		if math.Abs(w[i]) >= *prune {
			fmt.Fprintf(&buf, "%s\t%.4f\n", names[i], w[i])
			kept++
		}
	}
	if *useVectors {
		for k, x := range u {
			fmt.Fprintf(&buf, "e:%d\t%.4f\n", k, x)
		}
	}
	fmt.Fprintf(log, "lrgen: %d weights kept of %d\n", kept, len(names))
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(buf.Bytes())
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(*out, gz.Bytes(), 0o644)
}

// fit is full-batch gradient descent on the class-balanced, L2-penalised
// mean log loss.
func fit(exs []example, nf int, lambda float64, epochs int) (w, u []float64, b float64) {
	pos := 0.0
	for _, e := range exs {
		pos += e.y
	}
	n := float64(len(exs))
	wPos, wNeg := n/(2*pos), n/(2*(n-pos))
	w = make([]float64, nf)
	g := make([]float64, nf)
	u = make([]float64, dims)
	gu := make([]float64, dims)
	const rate = 1.0
	for range epochs {
		clear(g)
		clear(gu)
		gb := 0.0
		for _, e := range exs {
			d := prob(w, u, b, e) - e.y
			if e.y == 1 {
				d *= wPos
			} else {
				d *= wNeg
			}
			for _, i := range e.x {
				g[i] += d
			}
			for k, x := range e.v {
				gu[k] += d * x
			}
			gb += d
		}
		for i := range w {
			w[i] -= rate * (g[i]/n + lambda*w[i])
		}
		for k := range u {
			u[k] -= rate * (gu[k]/n + lambda*u[k])
		}
		b -= rate * gb / n
	}
	return w, u, b
}

// dims is the word vectors' dimensions (vecgen's table).
const dims = 100

func prob(w, u []float64, b float64, e example) float64 {
	z := b
	for _, i := range e.x {
		z += w[i]
	}
	for k, x := range e.v {
		z += u[k] * x
	}
	return 1 / (1 + math.Exp(-z))
}

// normalise is how statements are compared with the evaluation sets:
// lower case, spaces collapsed.
func normalise(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

func fnv32(s string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(s))
	return h.Sum32()
}

func readTSV(path string) ([][2]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out [][2]string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			return nil, fmt.Errorf("%s:%d: %d columns, want 3", path, n, len(cols))
		}
		switch cols[0] {
		case "judgement", "clean", "kept":
		default:
			return nil, fmt.Errorf("%s:%d: unknown kind %q", path, n, cols[0])
		}
		out = append(out, [2]string{cols[0], cols[2]})
	}
	return out, sc.Err()
}
