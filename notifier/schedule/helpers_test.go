package schedule

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/fakeclock"
	"github.com/fcnotify/fcnotify/internal/fixtures"
	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/inventory"
	"github.com/fcnotify/fcnotify/notifier/payload"
	"github.com/fcnotify/fcnotify/notifier/rules"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// env is a scheduler over a real store, with a fake clock and a log the
// test can read.
type env struct {
	t     *testing.T
	path  string
	store *store.SQLite
	clock *fakeclock.Clock
	sched *Scheduler
	opts  Options
	logs  *bytes.Buffer
	woken int
	// seen is the highest inbox id that events() has returned.
	seen int64
}

// newEnv opens a store in a temporary directory and a scheduler whose
// rules come from rulesYAML, a `rules:` section.
func newEnv(t *testing.T, start time.Time, zone *time.Location, rulesYAML string) *env {
	t.Helper()
	e := &env{t: t, path: filepath.Join(t.TempDir(), "fcnotify.db"), logs: &bytes.Buffer{}}
	e.opts = Options{
		Rules:        compileRules(t, rulesYAML),
		ReminderDays: []int{7, 3, 1, 0},
		ReminderTime: 9 * time.Hour,
		DisplayZone:  zone,
		SourceZone:   time.UTC,
		Logger:       slog.New(slog.NewTextHandler(e.logs, nil)),
		Wake:         func() { e.woken++ },
	}
	e.restart(start)
	return e
}

// restart closes the store and the scheduler and opens new ones over the
// same file, with a clock at now: what a process restart does.
func (e *env) restart(now time.Time) {
	e.t.Helper()
	if e.store != nil {
		if err := e.store.Close(); err != nil {
			e.t.Fatal(err)
		}
	}
	st, err := store.Open(e.path)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { st.Close() })
	e.store = st
	e.clock = fakeclock.New(now)
	opts := e.opts
	opts.Store, opts.Clock = st, e.clock
	e.sched = New(opts)
}

func compileRules(t testing.TB, rulesYAML string) *rules.Engine {
	t.Helper()
	cfg, err := config.Parse([]byte("channels:\n  ops: {console: {}}\n"+rulesYAML), "test.yaml")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	engine, err := rules.Compile(cfg)
	if err != nil {
		t.Fatalf("rules: %v", err)
	}
	return engine
}

// tick runs one tick at the clock's time.
func (e *env) tick() {
	e.t.Helper()
	if err := e.sched.Tick(context.Background()); err != nil {
		e.t.Fatalf("Tick at %v: %v", e.clock.Now(), err)
	}
}

// tickUntil advances the clock by step and ticks, until it reaches end.
func (e *env) tickUntil(end time.Time, step time.Duration) {
	e.t.Helper()
	for e.clock.Now().Before(end) {
		e.clock.Advance(step)
		e.tick()
	}
}

// receive records a webhook fixture, optionally with data fields
// replaced, as received now: its inventory rows, as the processor
// writes them. team fills in the team of events that carry none.
func (e *env) receive(name, team string, fields map[string]any) {
	e.t.Helper()
	raw := fixtureWith(e.t, name, fields)
	ev, err := payload.Parse(raw, time.UTC)
	if err != nil {
		e.t.Fatal(err)
	}
	ev.Received = e.clock.Now()
	if ev.Team == "" {
		ev.Team = team
	}
	ctx := context.Background()

	tr := notifier.Transition{Kind: notifier.KindFirst, To: ev.Status}
	if prev, known, _ := e.store.Snapshot(ctx, ev.Doctype, ev.Document); known {
		tr = notifier.Transition{Kind: notifier.KindUpdate, From: prev.Status, To: ev.Status}
		if prev.Status != ev.Status {
			tr.Kind = notifier.KindChange
		}
	}
	data, err := inventory.DataOf(raw)
	if err != nil {
		e.t.Fatal(err)
	}
	lookup := func(doctype, name string) (store.InventoryRow, bool, error) {
		return e.store.Snapshot(ctx, doctype, name)
	}
	rows, err := inventory.Rows(ev, tr, data, lookup)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.store.Complete(ctx, store.Completion{Inventory: rows, At: ev.Received}); err != nil {
		e.t.Fatal(err)
	}
}

func fixtureWith(t *testing.T, name string, fields map[string]any) []byte {
	t.Helper()
	raw := fixtures.Read(name)
	if raw == nil {
		t.Fatalf("no fixture %q", name)
	}
	if len(fields) == 0 {
		return raw
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatal(err)
	}
	data := body["data"].(map[string]any)
	for k, v := range fields {
		data[k] = v
	}
	out, _ := json.Marshal(body)
	return out
}

// scheduled is a synthetic event found in the inbox.
type scheduled struct {
	at   time.Time
	what string
	ev   *notifier.Event
}

// events returns the scheduled events accepted since the last call, as
// "trial SITE DAYS" or "stuck RULE DOCUMENT".
func (e *env) events() []scheduled {
	e.t.Helper()
	items, err := e.store.PendingInbox(context.Background(), e.seen, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []scheduled
	for _, it := range items {
		e.seen = it.ID
		if it.Endpoint != inventory.ScheduledEndpoint {
			e.t.Errorf("inbox row %d has endpoint %q", it.ID, it.Endpoint)
		}
		s, err := inventory.ParseScheduled(it.Body)
		if err != nil {
			e.t.Fatal(err)
		}
		ev, err := payload.Parse(it.Body, time.UTC)
		if err != nil {
			e.t.Fatal(err)
		}
		what := "trial " + s.Site + " " + strconv.Itoa(s.Days)
		if s.Kind == inventory.ScheduledStuck {
			what = "stuck " + s.Rule + " " + s.Name
		}
		out = append(out, scheduled{at: it.Received, what: what, ev: ev})
	}
	return out
}

// whats lists the descriptions of events with the time each was
// accepted, as "2006-01-02 15:04 what".
func whats(events []scheduled, zone *time.Location) []string {
	var out []string
	for _, ev := range events {
		out = append(out, ev.at.In(zone).Format("2006-01-02 15:04")+" "+ev.what)
	}
	return out
}
