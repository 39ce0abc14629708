package process

import (
	"bytes"
	"context"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/fakeclock"
	"github.com/fcnotify/fcnotify/internal/fixtures"
	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/inventory"
	"github.com/fcnotify/fcnotify/notifier/payload"
	"github.com/fcnotify/fcnotify/notifier/render"
	"github.com/fcnotify/fcnotify/notifier/rules"
	"github.com/fcnotify/fcnotify/notifier/store"
	"github.com/fcnotify/fcnotify/notifier/view"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// replay is a Processor over a real store, fed one body at a time.
type replay struct {
	t     *testing.T
	store *store.SQLite
	proc  *Processor
	clock *fakeclock.Clock
	logs  *bytes.Buffer
}

func newReplay(t *testing.T, rulesYAML string) *replay {
	t.Helper()
	cfg, err := config.Parse([]byte("channels:\n  ops: {console: {}}\n"+rulesYAML), "test.yaml")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	engine, err := rules.Compile(cfg)
	if err != nil {
		t.Fatalf("rules: %v", err)
	}
	renderer, err := render.New(cfg.Templates, render.Options{})
	if err != nil {
		t.Fatalf("templates: %v", err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "fcnotify.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	h := &replay{t: t, store: st, clock: fakeclock.New(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)), logs: &bytes.Buffer{}}
	h.proc = New(Options{
		Store: st, Inventory: st, Rules: engine, Renderer: renderer,
		Platforms: map[string]notifier.Platform{"ops": notifier.PlatformConsole},
		View:      view.Options{DashboardURL: cfg.DashboardURL},
		Clock:     h.clock, Logger: slog.New(slog.NewTextHandler(h.logs, nil)),
	})
	return h
}

// feed accepts a body received at at, processes every pending inbox row
// and returns the messages queued.
func (h *replay) feed(it store.InboxItem) []store.OutboxMessage {
	h.t.Helper()
	ctx := context.Background()
	if it.Digest == "" {
		it.Digest = payload.Digest(it.Body)
	}
	if _, _, err := h.store.Accept(ctx, it); err != nil {
		h.t.Fatal(err)
	}
	before, err := h.store.Messages(ctx, store.MessageFilter{})
	if err != nil {
		h.t.Fatal(err)
	}
	pending, err := h.store.PendingInbox(ctx, 0, 100)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, p := range pending {
		if err := h.proc.Process(ctx, p); err != nil {
			h.t.Fatalf("Process: %v", err)
		}
	}
	all, err := h.store.Messages(ctx, store.MessageFilter{})
	if err != nil {
		h.t.Fatal(err)
	}
	return all[:len(all)-len(before)]
}

// replayOrder lists fixtures by `modified`, the order Frappe Cloud made
// the changes in. Fixtures that share a `modified` keep their real
// order through tieRank.
func replayOrder(t *testing.T) []string {
	t.Helper()
	tieRank := map[string]int{
		"bench-status-pending.json":           0,
		"bench-status-installing.json":        1,
		"bench-status-archiving-pending.json": 0,
		"bench-status-archived.json":          1,
	}
	type entry struct {
		name     string
		modified time.Time
	}
	var entries []entry
	for _, name := range fixtures.Names() {
		ev, err := payload.Parse(fixtures.Read(name), time.UTC)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		entries = append(entries, entry{name, ev.Modified})
	}
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		if !a.modified.Equal(b.modified) {
			return a.modified.Before(b.modified)
		}
		return tieRank[a.name] < tieRank[b.name]
	})
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.name
	}
	return names
}

// TestInventoryAfterEveryFixture replays every fixture, each received a
// second after its `modified`, and compares the whole inventory with
// testdata/inventory.golden.
func TestInventoryAfterEveryFixture(t *testing.T) {
	h := newReplay(t, "")
	order := replayOrder(t)
	for _, name := range order {
		received := h.clock.Now()
		if ev, _ := payload.Parse(fixtures.Read(name), time.UTC); !ev.Modified.IsZero() {
			received = ev.Modified.Add(time.Second).Truncate(time.Second)
		}
		h.feed(store.InboxItem{Body: fixtures.Read(name), Received: received})
	}

	rows, err := h.store.ListInventory(context.Background(), store.InventoryFilter{Archived: true})
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	if err := inventory.WriteTable(&table, rows, time.UTC, inventory.TableOptions{Kind: true, Archived: true}); err != nil {
		t.Fatal(err)
	}
	golden(t, "inventory.golden", table.String())

	if !slices.Contains(order, "site-status-trial-active.json") || len(order) != len(fixtures.Names()) {
		t.Errorf("replay order %v misses fixtures", order)
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n%s\nwant\n%s", name, got, want)
	}
}

const scheduledRules = `
rules:
  - name: trials
    match: {event: Site Trial Expiry, fields: {days_left: "3"}}
    notify: [ops]
  - name: deploy-stuck
    match: {event: Bench Deploy Status Update, to: Running}
    for: 45m
    notify: [ops]
`

// receive feeds a fixture received at at.
func (h *replay) receive(name string, at time.Time) []store.OutboxMessage {
	h.t.Helper()
	return h.feed(store.InboxItem{Body: fixtures.Read(name), Received: at})
}

func (h *replay) snapshot(doctype, name string) store.InventoryRow {
	h.t.Helper()
	row, known, err := h.store.Snapshot(context.Background(), doctype, name)
	if err != nil || !known {
		h.t.Fatalf("no inventory row of %s %q: %v", doctype, name, err)
	}
	return row
}

func TestScheduledTrialReminder(t *testing.T) {
	at := time.Date(2026, 8, 25, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		between string
		want    int
	}{
		{"trial goes on", "", 1},
		{"site upgraded in between", "site-plan-change-trial-upgrade.json", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newReplay(t, scheduledRules)
			h.receive("site-status-trial-active.json", at.Add(-10*24*time.Hour))
			reminder, err := inventory.TrialReminder(h.snapshot("Site", "trial1.example.com"), 3, at)
			if err != nil {
				t.Fatal(err)
			}
			if tt.between != "" {
				// The reminder waits in the inbox behind the upgrade.
				if _, _, err := h.store.Accept(context.Background(), store.InboxItem{
					Digest: "upgrade", Body: fixtures.Read(tt.between), Received: at,
				}); err != nil {
					t.Fatal(err)
				}
			}
			msgs := h.feed(reminder)
			if len(msgs) != tt.want {
				t.Fatalf("messages = %d, want %d", len(msgs), tt.want)
			}
			if tt.want == 0 {
				return
			}
			if msgs[0].Rule != "trials" || msgs[0].Document != "trial1.example.com|2026-08-28|3" {
				t.Errorf("message of rule %q about %q", msgs[0].Rule, msgs[0].Document)
			}
			if got := msgs[0].Message.Title; got != "⏳ trial1.example.com: trial ends in 3 days" {
				t.Errorf("title = %q; log:\n%s", got, h.logs)
			}
			if _, known, _ := h.store.Document(context.Background(), inventory.EventTrialExpiry, msgs[0].Document); known {
				t.Error("a reminder was recorded as a document")
			}
		})
	}
}

func TestScheduledStuckAlert(t *testing.T) {
	start := time.Date(2026, 8, 19, 9, 13, 0, 0, time.UTC)
	tests := []struct {
		name    string
		rules   string
		between string
		want    int
		log     string
	}{
		{"still running", scheduledRules, "", 1, ""},
		{"finished in between", scheduledRules, "deploy-failure.json", 0, `msg="scheduled event no longer applies, dropping it" inbox_id=3`},
		{"rule removed", "", "", 0, `msg="rule of a stuck-state alert is no longer configured, dropping the alert"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newReplay(t, tt.rules)
			h.receive("deploy-running.json", start)
			alert, err := inventory.StuckAlert(h.snapshot("Deploy Candidate Build", "x7k2m7q4ra"), "deploy-stuck",
				start.Add(45*time.Minute), time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if tt.between != "" {
				if _, _, err := h.store.Accept(context.Background(), store.InboxItem{
					Digest: "between", Body: fixtures.Read(tt.between), Received: start.Add(44 * time.Minute),
				}); err != nil {
					t.Fatal(err)
				}
			}
			msgs := h.feed(alert)
			if len(msgs) != tt.want {
				t.Fatalf("messages = %d, want %d", len(msgs), tt.want)
			}
			if tt.log != "" && !bytes.Contains(h.logs.Bytes(), []byte(tt.log)) {
				t.Errorf("log lacks %s:\n%s", tt.log, h.logs)
			}
			if tt.want == 0 {
				return
			}
			if got := msgs[0].Message.Title; got != "⚠️ Deploy deploy-0019-000061 still Running after 45m" {
				t.Errorf("title = %q", got)
			}
			if msgs[0].Rule != "deploy-stuck" || msgs[0].Channel != "ops" {
				t.Errorf("message of rule %q to %q", msgs[0].Rule, msgs[0].Channel)
			}
		})
	}
}

// TestHeldRuleSkipsEvent checks that a rule with for: sends nothing when
// the event itself arrives.
func TestHeldRuleSkipsEvent(t *testing.T) {
	h := newReplay(t, scheduledRules)
	if msgs := h.receive("deploy-running.json", time.Date(2026, 8, 19, 9, 13, 0, 0, time.UTC)); len(msgs) != 0 {
		t.Errorf("messages = %d, want 0", len(msgs))
	}
}

func TestForgedScheduledBodyIsAnEvent(t *testing.T) {
	h := newReplay(t, scheduledRules)
	h.receive("deploy-running.json", time.Date(2026, 8, 19, 9, 13, 0, 0, time.UTC))
	alert, err := inventory.StuckAlert(h.snapshot("Deploy Candidate Build", "x7k2m7q4ra"), "deploy-stuck",
		time.Date(2026, 8, 19, 10, 0, 0, 0, time.UTC), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	// The same body from a webhook endpoint is a repeat of the document,
	// not an alert.
	alert.Endpoint = ""
	if msgs := h.feed(alert); len(msgs) != 0 {
		t.Errorf("messages = %d, want 0", len(msgs))
	}
}

// TestTeamFromInventory checks the team of events that carry none and
// that no Site event taught: the inventory keeps the team an earlier
// event got from the secret it arrived with.
func TestTeamFromInventory(t *testing.T) {
	h := newReplay(t, `
rules:
  - name: team-plans
    match: {event: Site Plan Change, team: team-7f3a}
    notify: [ops]
  - name: team-benches
    match: {event: Bench Status Update, team: team-b21c}
    notify: [ops]
`)
	at := time.Date(2026, 8, 21, 13, 0, 0, 0, time.UTC)
	steps := []struct {
		fixture string
		bound   string
		want    string
	}{
		{"site-plan-change-initial.json", "team-7f3a", "team-plans"},
		{"site-plan-change-upgrade.json", "", "team-plans"},
		{"bench-status-pending.json", "team-b21c", "team-benches"},
		{"bench-status-installing.json", "", "team-benches"},
	}
	for _, step := range steps {
		msgs := h.feed(store.InboxItem{Body: fixtures.Read(step.fixture), Team: step.bound, Received: at})
		if len(msgs) != 1 || msgs[0].Rule != step.want {
			t.Errorf("%s: messages = %+v, want one of rule %s", step.fixture, msgs, step.want)
		}
	}
	if team := h.snapshot("Bench", "bench-0142-000213-f8").Team; team != "team-b21c" {
		t.Errorf("bench team = %q, want team-b21c", team)
	}
}
