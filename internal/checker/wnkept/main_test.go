package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A tiny WordNet. "injury" (a state, lexicographer file 26) has the
// narrower "fracture", which has "hairline fracture" (two levels down),
// and the derived verb "injure". "harm" is another word for it. "bump" is
// narrower too but mostly means something else (its first two senses are
// other synsets), so it is left out; "zzz" is not in the vocabulary.
// "record" (a communication, file 10) is widened by no narrower terms.
const indexNoun = `  1 This software and database is being provided to you
injury n 1 2 ~ + 1 1 00000001  
harm n 1 1 ~ 1 0 00000001  
fracture n 1 1 ~ 1 0 00000002  
hairline_fracture n 1 0 1 0 00000003  
bump n 3 1 @ 3 2 00000008 00000009 00000004  
zzz n 1 0 1 0 00000005  
record n 1 1 ~ 1 0 00000006  
minutes n 1 0 1 0 00000007  
`

const dataNoun = `  1 This software and database is being provided to you
00000001 26 n 02 injury 0 harm 0 005 ~ 00000002 n 0000 ~ 00000004 n 0000 ~ 00000005 n 0000 + 00000001 v 0101 @ 00000009 n 0000 | an injury  
00000002 26 n 01 fracture 0 002 @ 00000001 n 0000 ~ 00000003 n 0000 | a break  
00000003 26 n 01 hairline_fracture 0 001 @ 00000002 n 0000 | a thin break  
00000004 26 n 01 bump 0 001 @ 00000001 n 0000 | a swelling  
00000005 26 n 01 zzz 0 001 @ 00000001 n 0000 | unknown  
00000006 10 n 01 record 0 001 ~ 00000007 n 0000 | a document  
00000007 10 n 01 minutes 0 001 @ 00000006 n 0000 | of a meeting  
00000008 11 n 01 bump 0 000 | a knock  
00000009 26 n 01 bump 0 000 | a thing  
`

const indexVerb = `  1 This software and database is being provided to you
injure v 1 1 + 1 1 00000001  
`

const dataVerb = `  1 This software and database is being provided to you
00000001 29 v 01 injure 0 001 + 00000001 n 0101 | to hurt  
`

func vectors(words ...string) []byte {
	var b bytes.Buffer
	b.WriteString("MVVEC1\n")
	binary.Write(&b, binary.LittleEndian, uint32(len(words)))
	binary.Write(&b, binary.LittleEndian, uint16(2))
	for _, w := range words {
		b.WriteByte(byte(len(w)))
		b.WriteString(w)
		b.Write(make([]byte, 4+2))
	}
	return b.Bytes()
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"index.noun": []byte(indexNoun), "data.noun": []byte(dataNoun),
		"index.verb": []byte(indexVerb), "data.verb": []byte(dataVerb),
		"vectors.bin": vectors("injury", "harm", "fracture", "hairline", "bump", "injure", "record", "minutes"),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "out.txt.gz")
	if err := run([]string{"-wordnet", dir, "-vectors", filepath.Join(dir, "vectors.bin"), "-o", out}, io.Discard); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(out)
	text := gunzip(t, b)
	for _, want := range []string{
		"injury\tn\ts:harm\tn:fracture,hairline fracture\tf:injure\n",
		"injure\tv\tf:injury\n",
		"harm\tn\ts:injury\tn:fracture,hairline fracture\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "bump") || strings.Contains(text, "zzz") || strings.Contains(text, "minutes") {
		t.Errorf("a word in another main sense, out of the vocabulary, or under a matter not of a person's life was taken:\n%s", text)
	}
	if !strings.Contains(text, "Princeton University") {
		t.Error("the output does not carry the WordNet copyright notice")
	}
	// A table that is not a vecgen table is an error, not an empty output.
	os.WriteFile(filepath.Join(dir, "vectors.bin"), []byte("nonsense"), 0o644)
	if err := run([]string{"-wordnet", dir, "-vectors", filepath.Join(dir, "vectors.bin"), "-o", out}, io.Discard); err == nil {
		t.Error("a bad vector table was accepted")
	}
}

// TestCommittedOutputIsCurrent regenerates the embedded table from the
// system's WordNet, when it is installed, and checks the committed file
// says the same.
func TestCommittedOutputIsCurrent(t *testing.T) {
	if _, err := os.Stat("/usr/share/wordnet/data.noun"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("WordNet is not installed: .ci/run installs wordnet-base")
		}
		t.Skip("WordNet is not installed (apt-get install wordnet-base)")
	}
	out := filepath.Join(t.TempDir(), "out.txt.gz")
	if err := run([]string{"-vectors", "../lexicon/vectors.bin", "-o", out}, io.Discard); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile("../lexicon/kept-wordnet.txt.gz")
	if gunzip(t, a) != gunzip(t, b) {
		t.Error("lexicon/kept-wordnet.txt.gz is stale: run go generate ./internal/checker")
	}
}

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	s, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(s)
}
