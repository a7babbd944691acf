package main

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// vecgen keeps the most frequent all-letter words and the words of the
// extra files, sorted, as int8 with a scale, in the format the checker reads.
func TestVecgen(t *testing.T) {
	dir := t.TempDir()
	src := `{"dimensions":2,"words":["the",",","good","x1","bad","slapdash"],
	"vectors":{"the":[0.5,-1,1.1,0],",":[1,1,1,1],"good":[0.25,0.5,0.5,2],"x1":[1,0,1,3],"bad":[-0.5,0.1,0.5,4],"slapdash":[2,-4,4.4,5]}}`
	in, extra, out := filepath.Join(dir, "v.json"), filepath.Join(dir, "words.txt"), filepath.Join(dir, "v.bin")
	if err := os.WriteFile(in, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(extra, []byte("Slapdash, and unknownword."), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"-vectors", in, "-o", out, "-top", "2", "-words", extra, "-wordnet", ""}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	const magic = "MVVEC1\n"
	if string(b[:len(magic)]) != magic {
		t.Fatalf("magic %q", b[:len(magic)])
	}
	n, d := binary.LittleEndian.Uint32(b[7:]), binary.LittleEndian.Uint16(b[11:])
	if n != 3 || d != 2 {
		t.Fatalf("%d words × %d, want 3 × 2", n, d)
	}
	i := 13
	want := map[string][2]float64{"good": {0.25, 0.5}, "slapdash": {2, -4}, "the": {0.5, -1}}
	var words []string
	for range n {
		l := int(b[i])
		w := string(b[i+1 : i+1+l])
		words = append(words, w)
		scale := float64(math.Float32frombits(binary.LittleEndian.Uint32(b[i+1+l:])))
		for k := range 2 {
			got := scale * float64(int8(b[i+1+l+4+k]))
			if math.Abs(got-want[w][k]) > scale/2+1e-9 {
				t.Errorf("%s[%d] = %v, want %v", w, k, got, want[w][k])
			}
		}
		i += 1 + l + 4 + int(d)
	}
	if i != len(b) || len(words) != 3 || words[0] != "good" || words[1] != "slapdash" || words[2] != "the" {
		t.Errorf("words %q, %d of %d bytes read", words, i, len(b))
	}
}

// With WordNet, its one-word adjective, adverb and verb lemmas are kept too
// when they are frequent enough: "bad" (rank 4) is, "x1" is no word, and a
// multi-word lemma is skipped.
func TestVecgenWordNet(t *testing.T) {
	dir := t.TempDir()
	src := `{"dimensions":1,"words":["the","good","x1","bad","slapdash"],
	"vectors":{"the":[1,0,0],"good":[1,0,0],"x1":[1,0,0],"bad":[1,0,0],"slapdash":[1,0,0]}}`
	files := map[string]string{
		"v.json":     src,
		"words.txt":  "",
		"index.adj":  "  1 This software and database is being provided\nbad a 1 1 & 1 0 00001\nslapdash a 1 1 & 1 0 00002\nwell_known a 1 1 & 1 0 00003\n",
		"index.adv":  "",
		"index.verb": "x1 v 1 1 & 1 0 00004\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "v.bin")
	if err := run([]string{"-vectors", filepath.Join(dir, "v.json"), "-o", out, "-top", "1", "-words", filepath.Join(dir, "words.txt"), "-wordnet", dir, "-wordnet-rank", "4"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	for i, n := 13, binary.LittleEndian.Uint32(b[7:]); n > 0; n-- {
		l := int(b[i])
		words = append(words, string(b[i+1:i+1+l]))
		i += 1 + l + 4 + 1
	}
	if len(words) != 2 || words[0] != "bad" || words[1] != "the" {
		t.Errorf("words %q, want bad (a WordNet adjective of rank 3) and the (the most frequent word)", words)
	}
}
