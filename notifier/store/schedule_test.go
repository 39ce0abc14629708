package store

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
)

func reminder(site, end string, days int, digest string) TrialReminder {
	r := TrialReminder{Site: site, TrialEnd: end, Days: days, At: t0}
	if digest != "" {
		r.Event = &InboxItem{Digest: digest, Endpoint: "@scheduler", Body: []byte(`{"d":"` + digest + `"}`), Received: t0}
	}
	return r
}

func names(rows []InventoryRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.Name)
	}
	return out
}

func TestQueueRemindersOnce(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	writeRows(t, s,
		siteRow("a.example.com", "team-4e9d", "Active", "2026-08-28"),
		siteRow("b.example.com", "team-4e9d", "Active", "2026-08-28"))

	due, err := s.TrialsEndingOn(ctx, "2026-08-28", 3, 100)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(due); !reflect.DeepEqual(got, []string{"a.example.com", "b.example.com"}) {
		t.Fatalf("due before queueing = %v", got)
	}

	steps := []struct {
		name      string
		reminders []TrialReminder
		accepted  int
	}{
		{"first", []TrialReminder{reminder("a.example.com", "2026-08-28", 3, "a3")}, 1},
		{"again", []TrialReminder{reminder("a.example.com", "2026-08-28", 3, "a3")}, 0},
		{"same digest under a new record", []TrialReminder{reminder("a.example.com", "2026-08-28", 1, "a3")}, 0},
		{"skipped", []TrialReminder{reminder("b.example.com", "2026-08-28", 3, "")}, 0},
		{"skipped one sent later", []TrialReminder{reminder("b.example.com", "2026-08-28", 3, "b3")}, 0},
		{"unknown site", []TrialReminder{reminder("c.example.com", "2026-08-28", 3, "c3")}, 0},
		{"other end date", []TrialReminder{reminder("a.example.com", "2026-09-01", 3, "a3-new")}, 0},
	}
	for _, step := range steps {
		n, err := s.QueueReminders(ctx, step.reminders)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if n != step.accepted {
			t.Errorf("%s: accepted = %d, want %d", step.name, n, step.accepted)
		}
	}

	if got := countRows(t, s, "inbox"); got != 1 {
		t.Errorf("inbox rows = %d, want 1", got)
	}
	due, err = s.TrialsEndingOn(ctx, "2026-08-28", 3, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 0 {
		t.Errorf("due after queueing = %v, want none", names(due))
	}
	due, err = s.TrialsEndingOn(ctx, "2026-08-28", 7, 100)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(due); !reflect.DeepEqual(got, []string{"a.example.com", "b.example.com"}) {
		t.Errorf("due for another offset = %v", got)
	}
}

func TestTrialsEndingOnLeavesOutEndedTrials(t *testing.T) {
	s, _ := openTemp(t)
	paid := siteRow("paid.example.com", "team-4e9d", "Active", "")
	archived := siteRow("gone.example.com", "team-4e9d", "Archived", "2026-08-28")
	archived.Archived = true
	bench := siteRow("bench-1", "team-4e9d", "Active", "2026-08-28")
	bench.Doctype, bench.Kind = "Bench", "bench"
	writeRows(t, s, paid, archived, bench, siteRow("trial.example.com", "team-4e9d", "Active", "2026-08-28"))

	due, err := s.TrialsEndingOn(context.Background(), "2026-08-28", 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(due); !reflect.DeepEqual(got, []string{"trial.example.com"}) {
		t.Errorf("due = %v, want [trial.example.com]", got)
	}
}

func TestQueueRemindersSkipsCancelledTrial(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	row := siteRow("a.example.com", "team-4e9d", "Active", "2026-08-28")
	writeRows(t, s, row)

	// The site upgraded between the scheduler's read and its write.
	row.Plan, row.TrialEnd = "USD 10", ""
	writeRows(t, s, row)
	n, err := s.QueueReminders(ctx, []TrialReminder{reminder("a.example.com", "2026-08-28", 3, "a3")})
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("accepted = %d, want 0", n)
	}
	if got := countRows(t, s, "trial_reminders"); got != 0 {
		t.Errorf("reminder records = %d, want 0", got)
	}
}

func TestStuckCandidates(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	deploy := func(name, status string, since time.Time) InventoryRow {
		return InventoryRow{
			Doctype: "Deploy Candidate Build", Name: name, Kind: "deploy", Status: status,
			StatusSince: since, Event: "Bench Deploy Status Update", LastSeen: since,
		}
	}
	writeRows(t, s,
		deploy("old", "Running", t0),
		deploy("new", "Running", t0.Add(30*time.Minute)),
		deploy("done", "Success", t0),
		siteRow("site.example.com", "team-4e9d", "Running", ""))

	q := StuckQuery{
		Rule: "deploy-stuck", Statuses: []string{"Running"}, Doctypes: []string{"Deploy Candidate Build"},
		Events: []string{"Bench Deploy Status Update"}, Before: t0.Add(15 * time.Minute),
	}
	rows, err := s.StuckCandidates(ctx, q, 100)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(rows); !reflect.DeepEqual(got, []string{"old"}) {
		t.Fatalf("candidates = %v, want [old]", got)
	}

	alert := StuckAlert{
		Doctype: "Deploy Candidate Build", Name: "old", StatusSince: t0, Rule: "deploy-stuck", At: t0,
		Event: InboxItem{Digest: "stuck-old", Endpoint: "@scheduler", Body: []byte(`{}`), Received: t0},
	}
	for i, want := range []int{1, 0} {
		n, err := s.QueueStuckAlerts(ctx, []StuckAlert{alert})
		if err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("QueueStuckAlerts call %d accepted %d, want %d", i+1, n, want)
		}
	}
	rows, err = s.StuckCandidates(ctx, q, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 0 {
		t.Errorf("candidates after the alert = %v, want none", names(rows))
	}

	q.Rule = "other-rule"
	rows, err = s.StuckCandidates(ctx, q, 100)
	if err != nil {
		t.Fatal(err)
	}
	if got := names(rows); !reflect.DeepEqual(got, []string{"old"}) {
		t.Errorf("candidates of another rule = %v, want [old]", got)
	}
}

func TestQueueStuckAlertsSkipsEndedStay(t *testing.T) {
	s, _ := openTemp(t)
	row := siteRow("a.example.com", "team-4e9d", "Pending", "")
	writeRows(t, s, row)
	row.Status, row.StatusSince = "Active", t0.Add(time.Minute)
	writeRows(t, s, row)

	alert := StuckAlert{
		Doctype: "Site", Name: row.Name, StatusSince: t0, Rule: "site-stuck", At: t0,
		Event: InboxItem{Digest: "stuck-a", Endpoint: "@scheduler", Body: []byte(`{}`), Received: t0},
	}
	n, err := s.QueueStuckAlerts(context.Background(), []StuckAlert{alert})
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("accepted = %d, want 0", n)
	}
	if got := countRows(t, s, "inbox"); got != 0 {
		t.Errorf("inbox rows = %d, want 0", got)
	}
}

func TestScheduleStateAndPrune(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	if v, err := s.ScheduleState(ctx, "trials_checked_through"); err != nil || v != "" {
		t.Fatalf("unset state = %q, %v; want empty", v, err)
	}
	for _, v := range []string{"2026-08-20", "2026-08-21"} {
		if err := s.SetScheduleState(ctx, "trials_checked_through", v); err != nil {
			t.Fatal(err)
		}
	}
	if v, _ := s.ScheduleState(ctx, "trials_checked_through"); v != "2026-08-21" {
		t.Errorf("state = %q, want 2026-08-21", v)
	}

	writeRows(t, s, siteRow("a.example.com", "", "Active", "2026-08-01"), siteRow("b.example.com", "", "Active", "2026-08-28"))
	if _, err := s.QueueReminders(ctx, []TrialReminder{
		reminder("a.example.com", "2026-08-01", 0, ""), reminder("b.example.com", "2026-08-28", 7, ""),
	}); err != nil {
		t.Fatal(err)
	}
	n, err := s.PruneReminders(ctx, "2026-08-14")
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("pruned = %d, want 1", n)
	}
	if got := countRows(t, s, "trial_reminders"); got != 1 {
		t.Errorf("records left = %d, want 1", got)
	}
}

// TestSchedulerQueriesUseIndexes checks the plans of the queries every
// scheduler tick runs: none may scan the inventory.
func TestSchedulerQueriesUseIndexes(t *testing.T) {
	s, _ := openTemp(t)
	stuck, stuckArgs := stuckQuery(StuckQuery{
		Rule: "r", Statuses: []string{"Pending", "Updating"},
		Doctypes: []string{"Site"}, Events: []string{"Site Status Update"}, Before: t0,
	}, 1000)
	next, nextArgs := stuckQuery(StuckQuery{
		Rule: "r", Statuses: []string{"Running"}, Before: t0,
		After: &StuckCursor{StatusSince: t0.Add(-time.Hour), Doctype: "Site", Name: "a"},
	}, 1000)
	queries := []struct {
		name  string
		query string
		args  []any
		index string
	}{
		{"trials", trialsEndingQuery, []any{"2026-08-28", 3, 1000}, "inventory_trial"},
		{"stuck", stuck, stuckArgs, "inventory_stay"},
		{"stuck, next batch", next, nextArgs, "inventory_stay"},
	}
	for _, q := range queries {
		t.Run(q.name, func(t *testing.T) {
			plan := queryPlan(t, s, q.query, q.args...)
			t.Logf("EXPLAIN QUERY PLAN of the %s query:\n%s", q.name, plan)
			if !strings.Contains(plan, "USING INDEX "+q.index) {
				t.Errorf("plan does not use %s:\n%s", q.index, plan)
			}
			if strings.Contains(plan, "SCAN i") || strings.Contains(plan, "SCAN inventory") {
				t.Errorf("plan scans the inventory:\n%s", plan)
			}
			if strings.Contains(plan, "SCAN r") || strings.Contains(plan, "SCAN a") {
				t.Errorf("plan scans the scheduler's records:\n%s", plan)
			}
		})
	}
}

// queryPlan returns SQLite's EXPLAIN QUERY PLAN output, one step per
// line, indented by depth.
func queryPlan(t *testing.T, s *SQLite, query string, args ...any) string {
	t.Helper()
	rows, err := s.read.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()

	depth := map[int]int{}
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		depth[id] = depth[parent] + 1
		b.WriteString(strings.Repeat("  ", depth[id]-1) + detail + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestStuckCandidatesPages(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	var rows []InventoryRow
	for _, name := range []string{"c", "a", "b", "d"} {
		rows = append(rows, InventoryRow{
			Doctype: "Bench", Name: name, Kind: "bench", Status: "Installing",
			StatusSince: t0, Event: "Bench Status Update", LastSeen: t0,
		})
	}
	rows[3].StatusSince = t0.Add(-time.Minute)
	writeRows(t, s, rows...)

	q := StuckQuery{Rule: "r", Statuses: []string{"Installing"}, Before: t0}
	var pages [][]string
	for range 4 {
		got, err := s.StuckCandidates(ctx, q, 2)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, names(got))
		if len(got) < 2 {
			break
		}
		last := got[len(got)-1]
		q.After = &StuckCursor{StatusSince: last.StatusSince, Doctype: last.Doctype, Name: last.Name}
	}
	want := [][]string{{"d", "a"}, {"b", "c"}, nil}
	if !reflect.DeepEqual(pages, want) {
		t.Errorf("pages = %q, want %q", pages, want)
	}
}
