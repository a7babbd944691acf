package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A tiny WordNet: "careless" (head) with satellites "sloppy" and "hot"; "hot"
// mostly means something else (its first sense is another synset), so it
// is left out. "good" is a seed's second sense only, so it is not taken.
const indexAdj = `  1 This software and database is being provided to you
careless a 1 1 & 1 1 00000001  
sloppy a 1 1 & 1 0 00000002  
hot a 2 1 & 2 1 00000009 00000003  
heedless a 1 1 & 1 0 00000002  
good a 2 1 & 2 1 00000004 00000001  
`

const dataAdj = `  1 This software and database is being provided to you
00000001 00 a 01 careless 0 002 & 00000002 s 0000 & 00000003 s 0000 | marked by lack of attention  
00000002 00 s 02 sloppy 0 heedless(a) 0 001 & 00000001 a 0000 | slapdash  
00000003 00 s 01 hot 0 001 & 00000001 a 0000 | reckless  
00000004 00 a 01 good 0 000 | having desirable qualities  
00000009 00 a 01 hot 0 000 | high temperature  
`

func TestRun(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{"index.adj": indexAdj, "data.adj": dataAdj, "seeds.txt": "# seeds\nsloppy -heedless\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "out.txt.gz")
	if err := run([]string{"-wordnet", dir, "-seeds", filepath.Join(dir, "seeds.txt"), "-o", out}, io.Discard); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(zr)
	lines := strings.Split(strings.TrimSpace(string(text)), "\n")
	if got, want := lines[len(lines)-1], "wordnet: careless, sloppy"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !strings.Contains(string(text), "Princeton University") {
		t.Error("the output does not carry the WordNet copyright notice")
	}
	// A seed WordNet does not know is an error, not a silent gap.
	os.WriteFile(filepath.Join(dir, "seeds.txt"), []byte("flibbertigibbet\n"), 0o644)
	if err := run([]string{"-wordnet", dir, "-seeds", filepath.Join(dir, "seeds.txt"), "-o", out}, io.Discard); err == nil {
		t.Error("an unknown seed was accepted")
	}
}

// TestCommittedOutputIsCurrent regenerates the embedded list from the
// system's WordNet, when it is installed, and checks the committed file
// says the same.
func TestCommittedOutputIsCurrent(t *testing.T) {
	if _, err := os.Stat("/usr/share/wordnet/data.adj"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("WordNet is not installed: .ci/run installs wordnet-base")
		}
		t.Skip("WordNet is not installed (apt-get install wordnet-base)")
	}
	out := filepath.Join(t.TempDir(), "out.txt.gz")
	if err := run([]string{"-seeds", "../lexicon/wordnet-seeds.txt", "-o", out}, io.Discard); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile("../lexicon/judging-wordnet.txt.gz")
	if gunzip(t, a) != gunzip(t, b) {
		t.Error("lexicon/judging-wordnet.txt.gz is stale: run go generate ./internal/checker")
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
