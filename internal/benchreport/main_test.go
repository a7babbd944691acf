package main

import (
	"bytes"
	"strings"
	"testing"
)

const sample = `goos: linux
cpu: Test CPU
BenchmarkNoteCreateFullStack/sqlite-2         	    1041	   1500000 ns/op	   0.81 MB/s	   24962 B/op	     423 allocs/op
BenchmarkNoteCreateFullStack/sqlite-2         	    1041	   1000000 ns/op	   0.81 MB/s	   24962 B/op	     423 allocs/op
BenchmarkNoteCreateFullStack/sqlite-2         	    1041	   1100000 ns/op	   0.81 MB/s	   24962 B/op	     423 allocs/op
--- SKIP: BenchmarkNoteCreateFullStack/postgres
    sqlstoretest.go:73: sqlstoretest: PostgreSQL is unreachable
BenchmarkNoteCreateBareInsert/sqlite-2        	    1722	    500000 ns/op	   1.52 MB/s	    1244 B/op	      27 allocs/op
BenchmarkNoteCreateParallel/sqlite/grouped-2  	    2000	    800000 ns/op	   1.28 MB/s	   21.00 ops/commit
BenchmarkNoteCreateParallel/sqlite/alone-2    	    1000	   2400000 ns/op	   0.43 MB/s
--- SKIP: BenchmarkNoteCreateParallel/postgres
    sqlstoretest.go:73: sqlstoretest: PostgreSQL is unreachable
BenchmarkAuthorize-2   	   59416	     20000 ns/op	     50000 decisions/s
BenchmarkSealOpen1KiB-2   	  152404	      7000 ns/op	 146.29 MB/s	    4352 B/op	       6 allocs/op
BenchmarkVerifyChain-2      	     199	   6687448 ns/op	   1500000 events/s
BenchmarkRawSHA256Chain-2   	     259	   4667857 ns/op	   3000000 events/s
BenchmarkCheck/letter-2     	    2000	    480000 ns/op	   0.84 MB/s
BenchmarkCheck/16KiB-2      	      20	  17000000 ns/op	   0.85 MB/s
BenchmarkCorpus-2           	       8	  40660449 ns/op	         0 dev-clean-flagged-%	       100.0 dev-judgement-precision-%	       100.0 dev-judgement-recall-%	       100.0 dev-kept-precision-%	       100.0 dev-kept-recall-%	       301.0 dev-statements	        10.00 fresh-clean-flagged-%	        96.30 fresh-judgement-precision-%	        86.67 fresh-judgement-recall-%	        86.96 fresh-kept-precision-%	       100.0 fresh-kept-recall-%	         1.852 test-clean-flagged-%	       100.0 test-judgement-precision-%	        97.73 test-judgement-recall-%	        96.77 test-kept-precision-%	       100.0 test-kept-recall-%	       128.0 test-statements	        92.31 blind6-judgement-recall-%	        8.696 blind5-clean-flagged-%
PASS
`

func TestParseAndReport(t *testing.T) {
	res := parse(strings.NewReader(sample))
	if res.cpu != "Test CPU" {
		t.Errorf("cpu = %q", res.cpu)
	}
	best, med, spread, ok := res.stats(createFull+"/sqlite", "ns/op")
	if !ok || best != 1000000 || med != 1100000 || spread < 0.45 || spread > 0.46 {
		t.Errorf("best = %v, median = %v, spread %v, %v", best, med, spread, ok)
	}
	if best, _, _, _ := res.stats(authorize, "decisions/s"); best != 50000 {
		t.Errorf("best decisions/s = %v", best)
	}
	if got := res.skipped[createFull+"/postgres"]; !strings.Contains(got, "unreachable") {
		t.Errorf("skip reason = %q", got)
	}
	var b bytes.Buffer
	report(&b, res, "1s", 3)
	out := b.String()
	for _, want := range []string{"2.00×  OVER   (medians 2.20×)", "postgres  skipped: sqlstoretest.go:73", "50,000 decisions/s",
		"7.00 µs per KiB", "2.00× raw chaining", "read", "sqlite    skipped: did not run",
		"create sqlite    grouped  800.0 µs", "3.00× faster (medians 3.00×)   21.0 ops/commit",
		"create postgres  skipped: sqlstoretest.go:73", "read   sqlite    skipped: did not run",
		"letter   480.0 µs (± 0%)  PASS", "16KiB    17.00 ms", "development, 301", "test (targets ≥95% / ≥90% / ≤5%), 128",
		" 97.7%", "  1.9%", " 86.7%", "blind 5 (looked at since)", "blind 6 (looked at since)", "blind 7 (looked at since)", "blind 16a–c (independent, read since)", "blind 12a–c (independent, read since)", " 92.3%", "  8.7%"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}
