package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mentorvault/mentorvault"
	"github.com/mentorvault/mentorvault/internal/audit"
	"github.com/mentorvault/mentorvault/internal/demo"
	"github.com/mentorvault/mentorvault/internal/mail"
	"github.com/mentorvault/mentorvault/internal/seal"
	"github.com/mentorvault/mentorvault/internal/server"
	"github.com/mentorvault/mentorvault/internal/service"
	"github.com/mentorvault/mentorvault/internal/sqlstore"
)

func cmdServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var (
		c          storeConfig
		addr       string
		withDemo   bool
		trustProxy bool
		tlsCert    string
		tlsKey     string
	)
	fs := newFlagSet("serve", "serve [flags]", stdout)
	c.register(fs)
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	fs.BoolVar(&withDemo, "demo", false, "seed the demo organisation if the database is empty, and print how to sign in")
	fs.BoolVar(&trustProxy, "trust-proxy", false, "trust X-Forwarded-Proto/For from a reverse proxy in front")
	fs.StringVar(&tlsCert, "tls-cert", "", "TLS certificate file (serve HTTPS directly)")
	fs.StringVar(&tlsKey, "tls-key", "", "TLS key file")
	var smtpURL, mailFrom, baseURL string
	fs.StringVar(&smtpURL, "smtp-url", "", "SMTP server to send email through: smtp://user:pass@host:port (STARTTLS), smtps://… (TLS), smtp://localhost:25?starttls=off (no TLS); empty turns email off")
	fs.StringVar(&mailFrom, "mail-from", "", "the address email is sent from (required with --smtp-url)")
	fs.StringVar(&baseURL, "base-url", "", "the address people reach mentorvault at, for links in email (default: the address it listens on)")
	var jobEvery time.Duration
	fs.DurationVar(&jobEvery, "job-interval", 5*time.Second, "how often to look for due scheduled work (disclosures after their notice)")
	gc := sqlstore.DefaultGroupCommit
	fs.IntVar(&gc.MaxOps, "group-commit-ops", gc.MaxOps, "most concurrent operations committed in one transaction (1 turns group commit off)")
	fs.DurationVar(&gc.MaxDelay, "group-commit-delay", gc.MaxDelay, "most time a group commit waits for more operations when requests are concurrent")
	if err := parse(fs, args, getenv); err != nil {
		return helpOK(err)
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	var sender *mail.Sender
	if smtpURL != "" {
		mc, err := mail.ParseURL(smtpURL, mailFrom)
		if err != nil {
			return fmt.Errorf("--smtp-url: %w", err)
		}
		if baseURL != "" && !strings.HasPrefix(baseURL, "https://") && !strings.HasPrefix(baseURL, "http://") {
			return errors.New("--base-url must start with https:// or http://")
		}
		sender = mail.NewSender(mc)
		// The base URL is known once listening when it is not given.
		c.Mail = &service.MailOptions{BaseURL: strings.TrimSuffix(baseURL, "/"), From: mc.From}
	}
	a, err := openApp(ctx, c, getenv, log)
	if err != nil {
		return err
	}
	// Closing drains the store's writer: operations already queued are
	// committed and answered first (the HTTP server has stopped taking
	// requests by then).
	defer a.Close()
	a.db.SetGroupCommit(gc)
	if a.created {
		log.Warn(masterKeyMessage(c))
		fmt.Fprintln(stdout, masterKeyMessage(c))
	}
	// Before listening: keys made before party bindings get theirs, so that
	// from now on a key without one can only have lost it outside mentorvault.
	if n, err := a.svc.BindLegacyParties(ctx); err != nil {
		return fmt.Errorf("bind relationship keys to their parties: %w", err)
	} else if n > 0 {
		log.Info("bound relationship keys to their parties", "relationships", n)
	}
	seeded := false
	if withDemo {
		if seeded, err = demo.Seed(ctx, a.svc); err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
	}
	// Content written before it was sealed (migration 0008) is sealed once,
	// before anyone can read it.
	if n, err := a.svc.SealLeftovers(ctx); err != nil {
		return fmt.Errorf("seal leftover plain fields: %w", err)
	} else if n > 0 {
		log.Info("sealed leftover plain fields", "records", n)
	}

	cp := &checkpointer{path: c.checkpointPath(), store: a.db, log: log}
	srv, err := server.New(server.Config{Service: a.svc, Logger: log, TrustProxy: trustProxy, Checkpoint: cp.String})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	scheme := "http"
	if tlsCert != "" {
		scheme = "https"
	}
	url := fmt.Sprintf("%s://%s", scheme, ln.Addr().String())
	if c.Mail != nil && c.Mail.BaseURL == "" {
		c.Mail.BaseURL = url
	}
	if sender != nil {
		log.Info("email on", "smtp", sender.Config().String())
	} else {
		log.Warn("email is off: no --smtp-url; people see notifications only when they sign in")
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}

	errc := make(chan error, 1)
	go func() {
		if tlsCert != "" {
			errc <- hs.ServeTLS(ln, tlsCert, tlsKey)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	log.Info("mentorvault serving", "url", url, "database", a.db.Dialect(), "version", mentorvault.Version)
	fmt.Fprintf(stdout, "mentorvault is running at %s (database: %s)\n", url, a.db.Dialect())
	if withDemo {
		if !seeded {
			fmt.Fprintln(stdout, "The database already has data; the demo was not seeded again.")
		}
		fmt.Fprint(stdout, demo.LoginHelp(url))
	}
	fmt.Fprintln(stdout, "Press Ctrl-C to stop.")

	var wg sync.WaitGroup
	cpCtx, stopCP := context.WithCancel(context.Background())
	wg.Add(3)
	go func() { defer wg.Done(); cp.loop(cpCtx, 10*time.Second) }()
	go func() { defer wg.Done(); watchMasterKey(cpCtx, c.keyPath(), a.keys, log, 30*time.Second) }()
	go func() { defer wg.Done(); runJobs(cpCtx, a.svc, sender, log, jobEvery) }()

	select {
	case err = <-errc:
	case <-ctx.Done():
		log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		err = hs.Shutdown(sctx)
		cancel()
	}
	stopCP()
	wg.Wait()
	cp.write(context.Background())
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	log.Info("stopped")
	return err
}

// runJobs runs due durable jobs now and then until ctx ends. Jobs live in
// the database, so work scheduled before a restart runs after it, once.
// With a mail sender it also sends the queued email.
func runJobs(ctx context.Context, svc *service.Service, sender *mail.Sender, log *slog.Logger, every time.Duration) {
	if err := svc.SchedulePurge(ctx); err != nil && ctx.Err() == nil {
		log.Error("scheduling the purge job failed", "err", err.Error())
	}
	if err := svc.ScheduleReminders(ctx); err != nil && ctx.Err() == nil {
		log.Error("scheduling the reminders job failed", "err", err.Error())
	}
	if err := svc.ScheduleRetention(ctx); err != nil && ctx.Err() == nil {
		log.Error("scheduling the retention job failed", "err", err.Error())
	}
	if err := svc.ScheduleExpiry(ctx); err != nil && ctx.Err() == nil {
		log.Error("scheduling the proposal expiry job failed", "err", err.Error())
	}
	if sender != nil {
		if err := svc.ScheduleDigest(ctx); err != nil && ctx.Err() == nil {
			log.Error("scheduling the digest job failed", "err", err.Error())
		}
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := svc.RunDueJobs(ctx); err != nil && ctx.Err() == nil {
			log.Error("scheduled work failed", "err", err.Error())
		} else if n > 0 {
			log.Info("scheduled work done", "jobs", n)
		}
		if sender != nil {
			if n, err := svc.SendMail(ctx, sender); err != nil && ctx.Err() == nil {
				log.Error("sending mail failed", "err", err.Error())
			} else if n > 0 {
				log.Info("mail sent", "messages", n)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// helpOK turns a --help request into success.
func helpOK(err error) error {
	if err != nil && err.Error() == "flag: help requested" {
		return nil
	}
	return err
}

// checkpointer writes the audit chain's head to a file outside the database
// now and then, so that truncating the log's tail is detectable.
type checkpointer struct {
	path  string
	store mentorvault.Store
	log   *slog.Logger
	mu    sync.Mutex
	last  audit.Checkpoint
}

func (c *checkpointer) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last.Seq == 0 {
		if cp, err := audit.ReadCheckpoint(c.path); err == nil {
			c.last = *cp
		}
	}
	if c.last.Seq == 0 {
		return ""
	}
	return c.last.String()
}

func (c *checkpointer) loop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	c.write(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			c.write(ctx)
		}
	}
}

func (c *checkpointer) write(ctx context.Context) {
	head, err := chainHead(ctx, c.store)
	if err != nil {
		c.log.Error("audit checkpoint: read head", "err", err.Error())
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if head.Seq == 0 || head.Seq == c.last.Seq {
		return
	}
	cp := audit.Checkpoint{Seq: head.Seq, Hash: head.Hash, At: time.Now().UTC()}
	if err := audit.WriteCheckpoint(c.path, cp); err != nil {
		c.log.Error("audit checkpoint: write", "err", err.Error())
		return
	}
	c.last = cp
}

// chainHead returns the last audit event's sequence number and hash.
func chainHead(ctx context.Context, s mentorvault.Store) (mentorvault.AuditHead, error) {
	tx, err := s.BeginTx(ctx)
	if err != nil {
		return mentorvault.AuditHead{}, err
	}
	defer tx.Rollback()
	evs, err := tx.FindAuditEvents(ctx, mentorvault.AuditFilter{Descending: true, Limit: 1})
	if err != nil || len(evs) == 0 {
		return mentorvault.AuditHead{}, err
	}
	return mentorvault.AuditHead{Seq: evs[0].Seq, Hash: evs[0].Hash}, nil
}

// watchMasterKey reads the master key file again whenever it changes (a
// `mentorvault keys rotate` or `retire`), checked every interval, so that
// new data keys are wrapped by the newest version and a retired version is
// dropped from memory too.
func watchMasterKey(ctx context.Context, path string, keys *seal.Keyring, log *slog.Logger, every time.Duration) {
	stamp := func() (time.Time, int64) {
		fi, err := os.Stat(path)
		if err != nil {
			return time.Time{}, -1
		}
		return fi.ModTime(), fi.Size()
	}
	mod, size := stamp()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		m, n := stamp()
		if n < 0 || (m.Equal(mod) && n == size) {
			continue
		}
		master, err := seal.LoadMasterKey(path)
		if err != nil {
			log.Error("the master key file changed but cannot be read; keeping the key in memory", "err", err)
			continue
		}
		keys.SetMaster(master)
		mod, size = m, n
		log.Info("master key reloaded")
	}
}
