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
// The bare server does the least a server can do for the same request: a
// read is one SELECT of the stored body by ID (no transaction, a pool of
// readers), a create one INSERT of a body the size of a sealed 1 KiB note
// in one IMMEDIATE transaction on one writer connection, committed per
// request. Pages and the directory are compared with its read.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	_ "modernc.org/sqlite"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/auth"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/policy"
	"github.com/mentorvault/mentorvault/internal/seal"
	"github.com/mentorvault/mentorvault/internal/server"
	"github.com/mentorvault/mentorvault/internal/service"
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

// bareParams are sqlstore's SQLite connection settings, spelled out: the
// bare server must be exactly as durable.
const bareParams = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_pragma=secure_delete(1)&_txlock=immediate"

type options struct {
	clients    int
	duration   time.Duration
	rounds     int
	cpuprofile string
	profile    string
	only       string
	groupOps   int
	groupDelay time.Duration
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("benchhttp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.IntVar(&o.clients, "clients", 32, "concurrent clients")
	fs.DurationVar(&o.duration, "duration", 3*time.Second, "how long each measurement runs")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds; each measures every scenario on both servers, interleaved; the report takes the median")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of mentorvault's last run of -profile to this file")
	fs.StringVar(&o.profile, "profile", "read", "scenario to profile (read, create, page, directory)")
	fs.StringVar(&o.only, "only", "", "comma-separated scenarios to run (default all)")
	fs.IntVar(&o.groupOps, "group-ops", sqlstore.DefaultGroupCommit.MaxOps, "group commit: most operations per transaction (1: off)")
	fs.DurationVar(&o.groupDelay, "group-delay", sqlstore.DefaultGroupCommit.MaxDelay, "group commit: most time a batch waits for more")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.clients < 1 || o.rounds < 1 || o.duration <= 0 {
		return errors.New("-clients, -rounds and -duration must be positive")
	}
	dir, err := os.MkdirTemp("", "benchhttp-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	mv, err := startMentorvault(ctx, dir, sqlstore.GroupCommit{MaxOps: o.groupOps, MaxDelay: o.groupDelay})
	if err != nil {
		return fmt.Errorf("mentorvault: %w", err)
	}
	defer mv.close()
	bare, err := startBare(dir)
	if err != nil {
		return fmt.Errorf("bare server: %w", err)
	}
	defer bare.close()

	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 2 * o.clients, MaxIdleConnsPerHost: 2 * o.clients, DisableCompression: true}}
	if err := mv.prepare(ctx, hc); err != nil {
		return fmt.Errorf("mentorvault: %w", err)
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
				ops0 := mv.ops()
				var stop func() error
				if profile {
					if stop, err = startProfile(o.cpuprofile); err != nil {
						return err
					}
				}
				r, err := load(ctx, hc, o.clients, o.duration, s.mv)
				if stop != nil {
					if perr := stop(); perr != nil {
						return perr
					}
				}
				if err != nil {
					return fmt.Errorf("mentorvault %s: %w", s.name, err)
				}
				r.txs = float64(mv.ops()-ops0) / float64(r.n)
				s.mvRuns = append(s.mvRuns, r)
			}
			fmt.Fprintf(stderr, "round %d %-9s mentorvault %8.0f req/s  bare %-6s %8.0f req/s\n", round, s.name,
				s.mvRuns[len(s.mvRuns)-1].rate(), s.bareName, s.bareRuns[len(s.bareRuns)-1].rate())
		}
	}

	commits, ops := mv.db.CommitStats()
	fmt.Fprintln(stdout)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tmentorvault req/s\tbare\tbare req/s\tratio\ttx/request\tmv p50\tmv p99\t")
	for _, s := range scenarios {
		m, b := median(s.mvRuns), median(s.bareRuns)
		fmt.Fprintf(tw, "%s\t%.0f\t%s\t%.0f\t%.2f×\t%.2f\t%s\t%s\t\n", s.what, m.rate(), s.bareName, b.rate(), m.rate()/b.rate(),
			m.txs, m.p50.Round(10*time.Microsecond), m.p99.Round(10*time.Microsecond))
	}
	tw.Flush()
	if commits > 0 {
		fmt.Fprintf(stdout, "\nmentorvault group commit: %d operations in %d commits (%.1f per commit)\n", ops, commits, float64(ops)/float64(commits))
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

func startProfile(path string) (func() error, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
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

// serve serves h on a loopback port.
func serve(h http.Handler) (*http.Server, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	return hs, "http://" + ln.Addr().String(), nil
}

// mvServer is the full mentorvault server, on the demo organisation.
type mvServer struct {
	db     *sqlstore.DB
	svc    *service.Service
	hs     *http.Server
	url    string
	token  string // alice's API token
	cookie string // alice's session
	relID  string // alice's active relationship
	noteID string // the note read
}

func startMentorvault(ctx context.Context, dir string, gc sqlstore.GroupCommit) (*mvServer, error) {
	master, _, err := seal.LoadOrCreateMasterKey(filepath.Join(dir, "master.key"))
	if err != nil {
		return nil, err
	}
	db, err := sqlstore.OpenSQLite(filepath.Join(dir, "mentorvault.db"))
	if err != nil {
		return nil, err
	}
	db.SetGroupCommit(gc)
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	authz, err := policy.New()
	if err != nil {
		db.Close()
		return nil, err
	}
	log := slog.New(slog.DiscardHandler)
	// Cheap password hashing: only the sign-in below hashes, and it is
	// not measured.
	svc, err := service.New(db, authz, seal.NewKeyring(master), service.Options{Logger: log, PasswordParams: auth.TestParams})
	if err != nil {
		db.Close()
		return nil, err
	}
	if _, err := demo.Seed(ctx, svc); err != nil {
		db.Close()
		return nil, fmt.Errorf("seed demo: %w", err)
	}
	srv, err := server.New(server.Config{Service: svc, Logger: log})
	if err != nil {
		db.Close()
		return nil, err
	}
	hs, url, err := serve(srv)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &mvServer{db: db, svc: svc, hs: hs, url: url}, nil
}

func (m *mvServer) close() {
	m.hs.Close()
	m.db.Close()
}

func (m *mvServer) ops() int64 {
	_, ops := m.db.CommitStats()
	return ops
}

// prepare signs alice in (a token for the API, a session for the pages),
// finds her active relationship and writes the note that is read.
func (m *mvServer) prepare(ctx context.Context, hc *http.Client) error {
	const email = "alice@northwind.example"
	tok, _, err := m.svc.OperatorCreateToken(ctx, email, "benchhttp")
	if err != nil {
		return err
	}
	m.token = tok
	login, err := m.svc.Login(ctx, email, demo.Password, "127.0.0.1")
	if err != nil {
		return err
	}
	m.cookie = "mv_session=" + login.Token

	req, _ := http.NewRequestWithContext(ctx, "GET", m.url+"/api/v1/directory", nil)
	req.Header.Set("Authorization", "Bearer "+m.token)
	body, err := do(hc, req, http.StatusOK)
	if err != nil {
		return err
	}
	var dir struct {
		Relationships []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
			Mentor struct {
				Email string `json:"email"`
			} `json:"mentor"`
		} `json:"relationships"`
	}
	if err := json.Unmarshal(body, &dir); err != nil {
		return err
	}
	for _, r := range dir.Relationships {
		if r.Status == "active" && r.Mentor.Email == email {
			m.relID = r.ID
		}
	}
	if m.relID == "" {
		return errors.New("the demo has no active relationship mentored by alice")
	}
	body, err = m.postNote(ctx, hc)
	if err != nil {
		return err
	}
	var n struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &n); err != nil || n.ID == "" {
		return fmt.Errorf("created note: %q: %v", body, err)
	}
	m.noteID = n.ID
	// Check each page once, so that a broken one fails here, clearly.
	for _, r := range []request{m.readNote, m.relationshipPage, m.directory} {
		if err := r(ctx, hc); err != nil {
			return err
		}
	}
	return nil
}

var createBody = func() []byte {
	b, _ := json.Marshal(map[string]string{"body": noteBody, "visibility": "private"})
	return b
}()

func (m *mvServer) postNote(ctx context.Context, hc *http.Client) ([]byte, error) {
	req, _ := http.NewRequestWithContext(ctx, "POST", m.url+"/api/v1/relationships/"+m.relID+"/notes", bytes.NewReader(createBody))
	req.Header.Set("Authorization", "Bearer "+m.token)
	req.Header.Set("Content-Type", "application/json")
	return do(hc, req, http.StatusCreated)
}

func (m *mvServer) createNote(ctx context.Context, hc *http.Client) error {
	_, err := m.postNote(ctx, hc)
	return err
}

func (m *mvServer) readNote(ctx context.Context, hc *http.Client) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", m.url+"/api/v1/relationships/"+m.relID+"/notes/"+m.noteID, nil)
	req.Header.Set("Authorization", "Bearer "+m.token)
	_, err := do(hc, req, http.StatusOK)
	return err
}

func (m *mvServer) page(ctx context.Context, hc *http.Client, path string) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", m.url+path, nil)
	req.Header.Set("Cookie", m.cookie)
	_, err := do(hc, req, http.StatusOK)
	return err
}

func (m *mvServer) relationshipPage(ctx context.Context, hc *http.Client) error {
	return m.page(ctx, hc, "/relationships/"+m.relID)
}

func (m *mvServer) directory(ctx context.Context, hc *http.Client) error {
	return m.page(ctx, hc, "/directory")
}

// bare is the bare server: net/http over one SQLite table.
type bare struct {
	rdb, wdb *sql.DB
	hs       *http.Server
	url      string
	noteID   string
	sealed   []byte
}

func startBare(dir string) (*bare, error) {
	dsn := filepath.Join(dir, "bare.db") + "?" + bareParams
	wdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	// One writer, as SQLite has one (and as mentorvault runs).
	wdb.SetMaxOpenConns(1)
	if _, err := wdb.Exec(`CREATE TABLE notes (id TEXT PRIMARY KEY, body BLOB NOT NULL, created_at TEXT NOT NULL)`); err != nil {
		wdb.Close()
		return nil, err
	}
	rdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		wdb.Close()
		return nil, err
	}
	rdb.SetMaxOpenConns(runtime.GOMAXPROCS(0) * 2)
	rdb.SetMaxIdleConns(runtime.GOMAXPROCS(0) * 2)
	b := &bare{rdb: rdb, wdb: wdb, noteID: mentorvault.NewID()}
	// The size of a sealed 1 KiB note (AEAD overhead and key version).
	b.sealed = make([]byte, len(noteBody)+64)
	rand.Read(b.sealed)
	if err := b.insert(context.Background(), b.noteID); err != nil {
		b.close()
		return nil, err
	}
	rstmt, err := rdb.Prepare(`SELECT body FROM notes WHERE id = ?`)
	if err != nil {
		b.close()
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /notes/{id}", func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		if err := rstmt.QueryRowContext(r.Context(), r.PathValue("id")).Scan(&body); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(body)
	})
	mux.HandleFunc("POST /notes", func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		id := mentorvault.NewID()
		if err := b.insert(r.Context(), id); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":%q}`, id)
	})
	hs, url, err := serve(mux)
	if err != nil {
		b.close()
		return nil, err
	}
	b.hs, b.url = hs, url
	return b, nil
}

// insert stores a note in a transaction of its own and commits it.
func (b *bare) insert(ctx context.Context, id string) error {
	tx, err := b.wdb.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO notes (id, body, created_at) VALUES (?, ?, ?)`,
		id, b.sealed, time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")); err != nil {
		return err
	}
	return tx.Commit()
}

func (b *bare) close() {
	if b.hs != nil {
		b.hs.Close()
	}
	b.rdb.Close()
	b.wdb.Close()
}

func (b *bare) readNote(ctx context.Context, hc *http.Client) error {
	req, _ := http.NewRequestWithContext(ctx, "GET", b.url+"/notes/"+b.noteID, nil)
	_, err := do(hc, req, http.StatusOK)
	return err
}

func (b *bare) createNote(ctx context.Context, hc *http.Client) error {
	req, _ := http.NewRequestWithContext(ctx, "POST", b.url+"/notes", bytes.NewReader(createBody))
	req.Header.Set("Content-Type", "application/json")
	_, err := do(hc, req, http.StatusCreated)
	return err
}
