package schedule

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/fakeclock"
	"github.com/fcnotify/fcnotify/internal/fixtures"
	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/inventory"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// Size of the benchmark inventory: 100,000 sites, of which 10,000 are
// on a trial ending within the next 30 days and 1,000 are Pending or
// Updating, half of them for longer than the rule allows.
const (
	benchSites   = 100_000
	benchTrials  = 10_000
	benchPending = 1_000
	benchSpan    = 30
)

var benchStart = time.Date(2026, 9, 1, 9, 30, 0, 0, time.UTC)

const benchRules = `
rules:
  - name: site-stuck
    match: {event: Site Status Update, to: [Pending, Updating]}
    for: 30m
    notify: [ops]
  - name: deploy-stuck
    match: {event: Bench Deploy Status Update, to: Running}
    for: 45m
    notify: [ops]
  - name: bench-stuck
    match: {event: Bench Status Update, to: Installing}
    for: 20m
    notify: [ops]
`

// benchInventory opens a store holding the benchmark inventory.
func benchInventory(b *testing.B) *store.SQLite {
	b.Helper()
	st, err := store.Open(filepath.Join(b.TempDir(), "fcnotify.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })

	// Every row carries the data of a real Site event, about 1.3 KB.
	data, err := inventory.DataOf(fixtures.Read("site-status-trial-active.json"))
	if err != nil {
		b.Fatal(err)
	}
	const chunk = 5_000
	for first := 0; first < benchSites; first += chunk {
		rows := make([]store.InventoryRow, 0, chunk)
		for i := first; i < first+chunk; i++ {
			rows = append(rows, benchSite(i, data))
		}
		if _, err := st.Complete(context.Background(), store.Completion{Inventory: rows, At: benchStart}); err != nil {
			b.Fatal(err)
		}
	}
	return st
}

func benchSite(i int, data json.RawMessage) store.InventoryRow {
	r := store.InventoryRow{
		Doctype: "Site", Name: fmt.Sprintf("site%06d.example.com", i), Kind: "site",
		Status: "Active", StatusSince: benchStart.Add(-30 * 24 * time.Hour),
		Team: fmt.Sprintf("team-%03d", i%500), Plan: "USD 10", Group: fmt.Sprintf("bench-%04d", i%2000),
		Event: notifier.EventSiteStatus, Data: data, LastSeen: benchStart.Add(-time.Hour),
	}
	if i < benchTrials {
		r.Plan = "Trial"
		r.TrialEnd = benchStart.AddDate(0, 0, i%benchSpan).Format(notifier.DateLayout)
		r.TrialSince = benchStart.Add(-7 * 24 * time.Hour)
	}
	if i >= benchSites-benchPending {
		r.Status = "Pending"
		// Half have been Pending for over 30 minutes.
		r.StatusSince = benchStart.Add(-time.Duration(i%60) * time.Minute)
	}
	return r
}

func benchScheduler(b *testing.B, st *store.SQLite, clock notifier.Clock) *Scheduler {
	return New(Options{
		Store: st, Rules: compileRules(b, benchRules),
		ReminderDays: []int{7, 3, 1, 0}, ReminderTime: 9 * time.Hour,
		Clock: clock, Logger: slog.New(slog.DiscardHandler),
	})
}

// BenchmarkTickSteady measures the tick that runs every minute: the
// inventory is large, and everything due was queued by an earlier tick.
func BenchmarkTickSteady(b *testing.B) {
	st := benchInventory(b)
	clock := fakeclock.New(benchStart)
	s := benchScheduler(b, st, clock)
	ctx := context.Background()
	if err := s.Tick(ctx); err != nil {
		b.Fatal(err)
	}

	b.ResetTimer()
	for range b.N {
		clock.Advance(time.Second)
		if err := s.Tick(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTickNewDay measures the first tick after the reminder time of
// a day: it queues that day's reminders, about benchTrials/benchSpan for
// each of the four reminder days. Each iteration is the next day.
func BenchmarkTickNewDay(b *testing.B) {
	st := benchInventory(b)
	clock := fakeclock.New(benchStart.Add(-24 * time.Hour))
	s := benchScheduler(b, st, clock)
	ctx := context.Background()
	if err := s.Tick(ctx); err != nil {
		b.Fatal(err)
	}
	if b.N > benchSpan-7 {
		b.Fatalf("the inventory has reminders for %d days; run with -benchtime=%dx or less", benchSpan-7, benchSpan-7)
	}

	before := inboxSize(b, st)
	b.ResetTimer()
	for range b.N {
		clock.Advance(24 * time.Hour)
		if err := s.Tick(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(inboxSize(b, st)-before)/float64(b.N), "events/tick")
}

func inboxSize(b *testing.B, st *store.SQLite) int {
	b.Helper()
	items, err := st.PendingInbox(context.Background(), 0, 1_000_000)
	if err != nil {
		b.Fatal(err)
	}
	return len(items)
}
