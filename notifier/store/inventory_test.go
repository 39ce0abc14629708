package store

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// siteRow returns an active site row with the given name, team, status
// and trial end.
func siteRow(name, team, status, trialEnd string) InventoryRow {
	return InventoryRow{
		Doctype: "Site", Name: name, Kind: "site", Status: status, StatusSince: t0,
		Team: team, Plan: "Trial", PlanAt: t0, TrialEnd: trialEnd, TrialSince: t0,
		Group: "bench-0007", Event: "Site Status Update", Data: json.RawMessage(`{"name":"` + name + `"}`),
		Modified: t0, LastSeen: t0,
	}
}

func writeRows(t *testing.T, s *SQLite, rows ...InventoryRow) {
	t.Helper()
	if _, err := s.Complete(context.Background(), Completion{Inventory: rows, At: t0}); err != nil {
		t.Fatalf("Complete: %v", err)
	}
}

func TestInventorySnapshotRoundTrip(t *testing.T) {
	s, path := openTemp(t)
	want := siteRow("trial1.example.com", "team-4e9d", "Active", "2026-08-28")
	want.PreviousStatus = "Installing"
	want.Cluster, want.Bench, want.Server = "Default", "bench-0007-000311-f5", "f5.example.com"
	writeRows(t, s, want)
	s.Close()

	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, ok, err := s2.Snapshot(context.Background(), "Site", "trial1.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatal("snapshot not found after reopen")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("snapshot = %+v\nwant       %+v", got, want)
	}

	_, ok, err = s2.Snapshot(context.Background(), "Site", "unknown.example.com")
	if err != nil {
		t.Fatal(err)
	}
	if ok {
		t.Error("unknown site reported as found")
	}
}

func TestListInventoryFilters(t *testing.T) {
	s, _ := openTemp(t)
	archived := siteRow("old.example.com", "team-4e9d", "Archived", "")
	archived.Archived = true
	bench := InventoryRow{
		Doctype: "Bench", Name: "bench-0007-000311-f5", Kind: "bench",
		Status: "Active", Team: "team-4e9d", StatusSince: t0, LastSeen: t0,
	}
	writeRows(t, s,
		siteRow("a.example.com", "team-4e9d", "Active", "2026-08-28"),
		siteRow("b.example.com", "team-7f3a", "Pending", "2026-09-20"),
		siteRow("c.example.com", "team-7f3a", "Active", ""),
		archived, bench)

	tests := []struct {
		name   string
		filter InventoryFilter
		want   []string
	}{
		{"sites", InventoryFilter{Kind: "site"}, []string{"a.example.com", "b.example.com", "c.example.com"}},
		{
			"with archived",
			InventoryFilter{Kind: "site", Archived: true},
			[]string{"a.example.com", "b.example.com", "c.example.com", "old.example.com"},
		},
		{"every kind", InventoryFilter{}, []string{"bench-0007-000311-f5", "a.example.com", "b.example.com", "c.example.com"}},
		{"team", InventoryFilter{Kind: "site", Team: "team-7f3a"}, []string{"b.example.com", "c.example.com"}},
		{"status", InventoryFilter{Kind: "site", Status: "Active"}, []string{"a.example.com", "c.example.com"}},
		{"trial range", InventoryFilter{Kind: "site", TrialEndFrom: "2026-08-21", TrialEndTo: "2026-08-28"}, []string{"a.example.com"}},
		{"trial from only", InventoryFilter{Kind: "site", TrialEndFrom: "2026-08-29"}, []string{"b.example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := s.ListInventory(context.Background(), tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rows {
				got = append(got, r.Name)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("names = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCompleteWritesInventoryWithInboxRow(t *testing.T) {
	s, _ := openTemp(t)
	id, _ := accept(t, s, `{"event":"x"}`)
	row := siteRow("a.example.com", "team-4e9d", "Active", "")
	if _, err := s.Complete(context.Background(), Completion{InboxID: id, Inventory: []InventoryRow{row}, At: t0}); err != nil {
		t.Fatalf("Complete: %v", err)
	}

	pending, err := s.PendingInbox(context.Background(), 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 0 {
		t.Errorf("pending inbox rows = %d, want 0", len(pending))
	}
	if _, ok, _ := s.Snapshot(context.Background(), "Site", "a.example.com"); !ok {
		t.Error("inventory row missing after Complete")
	}
}

// TestNewStayForgetsStuckAlerts checks that rewriting a row with a new
// status_since drops the alerts of the old stay, and keeps them for the
// same stay.
func TestNewStayForgetsStuckAlerts(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	row := siteRow("a.example.com", "team-4e9d", "Pending", "")
	writeRows(t, s, row)
	alert := StuckAlert{
		Doctype: "Site", Name: row.Name, StatusSince: t0, Rule: "site-stuck", At: t0,
		Event: InboxItem{Digest: "stuck-1", Endpoint: "@scheduler", Body: []byte(`{}`), Received: t0},
	}
	if n, err := s.QueueStuckAlerts(ctx, []StuckAlert{alert}); err != nil || n != 1 {
		t.Fatalf("QueueStuckAlerts = %d, %v; want 1, nil", n, err)
	}

	row.LastSeen = t0.Add(time.Minute)
	writeRows(t, s, row)
	if got := countRows(t, s, "stuck_alerts"); got != 1 {
		t.Errorf("alerts after an update of the same stay = %d, want 1", got)
	}

	row.Status, row.StatusSince = "Active", t0.Add(2*time.Minute)
	writeRows(t, s, row)
	if got := countRows(t, s, "stuck_alerts"); got != 0 {
		t.Errorf("alerts after a new stay = %d, want 0", got)
	}
}

func countRows(t *testing.T, s *SQLite, table string) int {
	t.Helper()
	var n int
	if err := s.read.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
