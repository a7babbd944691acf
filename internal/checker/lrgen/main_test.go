package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// The embedded model is what lrgen trains from the committed data: running
// it again writes the same table (training is deterministic, and nobody
// edited the weights by hand).
func TestReproducesEmbeddedModel(t *testing.T) {
	if testing.Short() {
		t.Skip("trains the model (seconds)")
	}
	if err := os.Chdir(".."); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "model.txt.gz")
	var log bytes.Buffer
	if err := run([]string{"-o", out}, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	t.Log(log.String())
	got, want := unzip(t, out), unzip(t, "lexicon/judgement-model.txt.gz")
	if !bytes.Equal(got, want) {
		t.Errorf("lrgen writes a different model (%d bytes) from the embedded one (%d bytes): run go generate ./internal/checker", len(got), len(want))
	}
}

func unzip(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
