// Command benchhttp measures mentorvault over HTTP against a bare net/http +
// SQLite server in the same run: note read, note create, the relationship
// page (signed in with a session cookie) and the directory. Both servers run
// in this process on loopback, on SQLite with the same driver and the same
// durability (WAL, synchronous=FULL); a Go load generator drives each with
// concurrent clients for a fixed time, mentorvault and bare interleaved
// round after round, and the report gives requests per second, the ratio to
// the bare server, and how many transactions each mentorvault request ran.
// `make bench-http` runs it; docs/performance.md records the figures.
//
// The servers run in a child process (this program with -serve), so that
// the load generator's goroutines do not compete with the servers' inside
// one Go scheduler, as wrk in its own process would not.
//
// The bare server does the least a server can do for the same request: a
// read is one SELECT of the stored body by ID (no transaction, a pool of
// readers), a create one INSERT of a body the size of a sealed 1 KiB note
// in one IMMEDIATE transaction on one writer connection, committed per
// request. Pages and the directory are compared with its read.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/mentorvault/mentorvault/internal/sqlstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "benchhttp:", err)
		os.Exit(1)
	}
}

// noteBody is a 1 KiB note, as in the Go benchmarks.
var noteBody = strings.Repeat("Notes from today's session: goals, blockers, next steps. ", 20)[:1024]

type options struct {
	clients    int
	duration   time.Duration
	rounds     int
	cpuprofile string
	profile    string
	only       string
	groupOps   int
	groupDelay time.Duration
	serve      bool
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("benchhttp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.IntVar(&o.clients, "clients", 32, "concurrent clients")
	fs.DurationVar(&o.duration, "duration", 3*time.Second, "how long each measurement runs")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds; each measures every scenario on both servers, interleaved; the report takes the median")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the server process during mentorvault's last run of -profile to this file")
	fs.StringVar(&o.profile, "profile", "read", "scenario to profile (read, create, page, directory)")
	fs.StringVar(&o.only, "only", "", "comma-separated scenarios to run (default all)")
	fs.IntVar(&o.groupOps, "group-ops", sqlstore.DefaultGroupCommit.MaxOps, "group commit: most operations per transaction (1: off)")
	fs.DurationVar(&o.groupDelay, "group-delay", sqlstore.DefaultGroupCommit.MaxDelay, "group commit: most time a batch waits for more")
	fs.BoolVar(&o.serve, "serve", false, "run the servers and print their endpoints (the child process)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.serve {
		return runServe(ctx, o, os.Stdin, stdout)
	}
	if o.clients < 1 || o.rounds < 1 || o.duration <= 0 {
		return errors.New("-clients, -rounds and -duration must be positive")
	}
	child, ep, err := startChild(ctx, o, stderr)
	if err != nil {
		return err
	}
	defer child.stop()

	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 2 * o.clients, MaxIdleConnsPerHost: 2 * o.clients, DisableCompression: true}}
	mv := mvClient{ep}
	bare := bareClient{ep}
	for _, r := range []request{mv.readNote, mv.relationshipPage, mv.directory, mv.createNote, bare.readNote, bare.createNote} {
		if err := r(ctx, hc); err != nil { // a broken request fails here, clearly
			return err
		}
	}

	scenarios := []scenario{
		{name: "read", what: "note read (GET, audited)", bareName: "read",
			mv: mv.readNote, bare: bare.readNote},
		{name: "create", what: "note create (POST, 1 KiB)", bareName: "insert",
			mv: mv.createNote, bare: bare.createNote},
		{name: "page", what: "relationship page (cookie)", bareName: "read",
			mv: mv.relationshipPage, bare: bare.readNote},
		{name: "directory", what: "directory page (cookie)", bareName: "read",
			mv: mv.directory, bare: bare.readNote},
	}
	if o.only != "" {
		keep := strings.Split(o.only, ",")
		scenarios = slices.DeleteFunc(scenarios, func(s scenario) bool { return !slices.Contains(keep, s.name) })
		if len(scenarios) == 0 {
			return fmt.Errorf("-only %q names no scenario", o.only)
		}
	}

	fmt.Fprintf(stdout, "benchhttp: %d clients, %s per measurement, %d rounds, GOMAXPROCS %d, group commit %d ops / %s\n",
		o.clients, o.duration, o.rounds, runtime.GOMAXPROCS(0), o.groupOps, o.groupDelay)
	stats0, err := ep.stats(ctx, hc)
	if err != nil {
		return err
	}
	for round := 1; round <= o.rounds; round++ {
		for i := range scenarios {
			s := &scenarios[i]
			profile := o.cpuprofile != "" && round == o.rounds && s.name == o.profile
			// Alternate which server goes first, so neither always
			// meets the other's leftovers (a checkpoint, a warm cache).
			first, second := "bare", "mentorvault"
			if round%2 == 0 {
				first, second = second, first
			}
			for _, who := range []string{first, second} {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if who == "bare" {
					r, err := load(ctx, hc, o.clients, o.duration, s.bare)
					if err != nil {
						return fmt.Errorf("bare %s: %w", s.bareName, err)
					}
					s.bareRuns = append(s.bareRuns, r)
					continue
				}
				before, err := ep.stats(ctx, hc)
				if err != nil {
					return err
				}
				if profile {
					if err := ep.control(ctx, hc, "/profile/start?path="+url.QueryEscape(o.cpuprofile)); err != nil {
						return err
					}
				}
				r, err := load(ctx, hc, o.clients, o.duration, s.mv)
				if profile {
					if perr := ep.control(ctx, hc, "/profile/stop"); perr != nil {
						return perr
					}
				}
				if err != nil {
					return fmt.Errorf("mentorvault %s: %w", s.name, err)
				}
				after, err := ep.stats(ctx, hc)
				if err != nil {
					return err
				}
				r.txs = float64(after.Ops-before.Ops) / float64(r.n)
				if s.name == "create" {
					if err := ep.control(ctx, hc, "/reset"); err != nil {
						return err
					}
				}
				s.mvRuns = append(s.mvRuns, r)
			}
			fmt.Fprintf(stderr, "round %d %-9s mentorvault %8.0f req/s  bare %-6s %8.0f req/s\n", round, s.name,
				s.mvRuns[len(s.mvRuns)-1].rate(), s.bareName, s.bareRuns[len(s.bareRuns)-1].rate())
		}
	}
	stats1, err := ep.stats(ctx, hc)
	if err != nil {
		return err
	}

	fmt.Fprintln(stdout)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tmentorvault req/s\tbare\tbare req/s\tratio\ttx/request\tmv p50\tmv p99\t")
	for _, s := range scenarios {
		m, b := median(s.mvRuns), median(s.bareRuns)
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%.0f\t%.2f×\t%.2f\t%s\t%s\t\n", s.what, m.rate(), s.bareName, b.rate(), m.rate()/b.rate(),
			m.txs, m.p50.Round(10*time.Microsecond), m.p99.Round(10*time.Microsecond))
	}
	tw.Flush()
	if c := stats1.Commits - stats0.Commits; c > 0 {
		ops := stats1.Ops - stats0.Ops
		fmt.Fprintf(stdout, "\nmentorvault group commit: %d operations in %d commits (%.1f per commit)\n", ops, c, float64(ops)/float64(c))
	}
	fmt.Fprintln(stdout, "targets: audited note read ≥ 0.50× bare read; note create ≥ 1.50× bare insert (medians of the rounds)")
	return nil
}

// scenario is one kind of request measured on both servers.
type scenario struct {
	name, what, bareName string
	mv, bare             request
	mvRuns, bareRuns     []result
}

// request makes one request and reports an error for anything but success.
type request func(ctx context.Context, hc *http.Client) error

type result struct {
	n        int
	elapsed  time.Duration
	p50, p99 time.Duration
	txs      float64
}

func (r result) rate() float64 { return float64(r.n) / r.elapsed.Seconds() }

func median(rs []result) result {
	s := slices.Clone(rs)
	slices.SortFunc(s, func(a, b result) int {
		switch {
		case a.rate() < b.rate():
			return -1
		case a.rate() > b.rate():
			return 1
		}
		return 0
	})
	return s[len(s)/2]
}

// load runs clients goroutines making req back to back for d and counts
// the requests that succeeded. Any failure ends the measurement with it.
func load(ctx context.Context, hc *http.Client, clients int, d time.Duration, req request) (result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		n        atomic.Int64
		mu       sync.Mutex
		firstErr error
		lat      = make([][]time.Duration, clients)
		wg       sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(d)
	for c := range clients {
		wg.Go(func() {
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t := time.Now()
				if err := req(ctx, hc); err != nil {
					if ctx.Err() == nil {
						mu.Lock()
						if firstErr == nil {
							firstErr = err
						}
						mu.Unlock()
						cancel()
					}
					return
				}
				lat[c] = append(lat[c], time.Since(t))
				n.Add(1)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return result{}, firstErr
	}
	if n.Load() == 0 {
		return result{}, errors.New("no request completed")
	}
	all := slices.Concat(lat...)
	slices.Sort(all)
	return result{n: int(n.Load()), elapsed: elapsed, p50: all[len(all)/2], p99: all[len(all)*99/100]}, nil
}

// do sends req and checks its status, draining the body so that the
// connection is reused.
func do(hc *http.Client, req *http.Request, want int) ([]byte, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		if len(body) > 300 {
			body = body[:300]
		}
		return nil, fmt.Errorf("%s %s: status %d, want %d: %s", req.Method, req.URL.Path, resp.StatusCode, want, body)
	}
	return body, nil
}
