package inventory

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/fixtures"
	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/payload"
	"github.com/fcnotify/fcnotify/notifier/store"
)

var t0 = time.Date(2026, 8, 14, 12, 0, 0, 0, time.UTC)

// memory is an inventory held in a map, written back after each event.
type memory map[string]store.InventoryRow

func (m memory) lookup(doctype, name string) (store.InventoryRow, bool, error) {
	r, ok := m[doctype+"/"+name]
	return r, ok, nil
}

// apply parses a body received at at, derives its rows with tr and
// stores them.
func (m memory) apply(t *testing.T, raw string, tr notifier.Transition, at time.Time) []store.InventoryRow {
	t.Helper()
	ev, err := payload.Parse([]byte(raw), time.UTC)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	ev.Received = at
	data, err := DataOf([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Rows(ev, tr, data, m.lookup)
	if err != nil {
		t.Fatalf("Rows: %v", err)
	}
	for _, r := range rows {
		m[r.Doctype+"/"+r.Name] = r
	}
	return rows
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	b := fixtures.Read(name)
	if b == nil {
		t.Fatalf("no fixture %q", name)
	}
	return string(b)
}

// edit returns a fixture with data fields replaced; a nil value deletes
// the field.
func edit(t *testing.T, name string, fields map[string]any) string {
	t.Helper()
	var b map[string]any
	if err := json.Unmarshal([]byte(fixture(t, name)), &b); err != nil {
		t.Fatal(err)
	}
	data := b["data"].(map[string]any)
	for k, v := range fields {
		if v == nil {
			delete(data, k)
			continue
		}
		data[k] = v
	}
	out, _ := json.Marshal(b)
	return string(out)
}

func first(to string) notifier.Transition {
	return notifier.Transition{Kind: notifier.KindFirst, To: to}
}

func change(from, to string) notifier.Transition {
	return notifier.Transition{Kind: notifier.KindChange, From: from, To: to}
}

func sameStatus(status string) notifier.Transition {
	return notifier.Transition{Kind: notifier.KindUpdate, From: status, To: status}
}

func TestSiteRowFollowsStatus(t *testing.T) {
	m := memory{}
	m.apply(t, fixture(t, "site-status-pending-created.json"), first("Pending"), t0)
	m.apply(t, fixture(t, "site-status-installing.json"), change("Pending", "Installing"), t0.Add(time.Minute))
	// A newer version with the same status keeps the stay.
	m.apply(t, edit(t, "site-status-installing.json", map[string]any{"modified": "2026-08-14 10:03:00.000000"}),
		sameStatus("Installing"), t0.Add(2*time.Minute))

	site := m["Site/site1.example.com"]
	checks := []struct{ name, got, want string }{
		{"kind", site.Kind, KindSite},
		{"status", site.Status, "Installing"},
		{"previous status", site.PreviousStatus, "Pending"},
		{"team", site.Team, "team-7f3a"},
		{"plan", site.Plan, "USD 10"},
		{"trial end", site.TrialEnd, ""},
		{"group", site.Group, "bench-0019"},
		{"bench", site.Bench, "bench-0019-000059-f3"},
		{"cluster", site.Cluster, "Default"},
		{"server", site.Server, "f3.example.com"},
		{"event", site.Event, notifier.EventSiteStatus},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if !site.StatusSince.Equal(t0.Add(time.Minute)) {
		t.Errorf("status since = %v, want the Installing event's receipt %v", site.StatusSince, t0.Add(time.Minute))
	}
	if !site.LastSeen.Equal(t0.Add(2 * time.Minute)) {
		t.Errorf("last seen = %v, want %v", site.LastSeen, t0.Add(2*time.Minute))
	}
	if want := time.Date(2026, 8, 14, 10, 3, 0, 0, time.UTC); !site.Modified.Equal(want) {
		t.Errorf("modified = %v, want %v", site.Modified, want)
	}

	group := m["Release Group/bench-0019"]
	if group.Kind != KindGroup || group.Team != "team-7f3a" || !group.LastSeen.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("group row = %+v", group)
	}
}

func TestRepeatsAndStaleEventsWriteNothing(t *testing.T) {
	for _, kind := range []notifier.Kind{notifier.KindRepeat, notifier.KindStale} {
		t.Run(string(kind), func(t *testing.T) {
			m := memory{}
			rows := m.apply(t, fixture(t, "site-status-active.json"), notifier.Transition{Kind: kind, From: "Active", To: "Active"}, t0)
			if len(rows) != 0 {
				t.Errorf("rows = %+v, want none", rows)
			}
		})
	}
}

func TestTrialFollowsPlan(t *testing.T) {
	m := memory{}
	m.apply(t, fixture(t, "site-status-trial-active.json"), first("Active"), t0)
	site := m["Site/trial1.example.com"]
	if site.TrialEnd != "2026-08-28" || !site.TrialSince.Equal(t0) {
		t.Fatalf("trial = %q since %v, want 2026-08-28 since %v", site.TrialEnd, site.TrialSince, t0)
	}

	// An older plan change arriving late does not replace the plan the
	// newer Site event set.
	older := edit(t, "site-plan-change-trial-upgrade.json", map[string]any{"modified": "2026-08-01 00:00:00.000000"})
	m.apply(t, older, first(""), t0.Add(time.Hour))
	if site := m["Site/trial1.example.com"]; site.Plan != "Trial" || site.TrialEnd != "2026-08-28" {
		t.Errorf("after an older plan change: plan %q, trial end %q; want Trial, 2026-08-28", site.Plan, site.TrialEnd)
	}

	m.apply(t, fixture(t, "site-plan-change-trial-upgrade.json"), first(""), t0.Add(2*time.Hour))
	site = m["Site/trial1.example.com"]
	if site.Plan != "USD 10" || site.TrialEnd != "" || !site.TrialSince.IsZero() {
		t.Errorf("after the upgrade: plan %q, trial end %q since %v; want USD 10 and no trial", site.Plan, site.TrialEnd, site.TrialSince)
	}
	if !site.LastSeen.Equal(t0.Add(2 * time.Hour)) {
		t.Errorf("last seen = %v, want the plan change's receipt", site.LastSeen)
	}
	if site.Status != "Active" || !site.StatusSince.Equal(t0) {
		t.Errorf("status = %q since %v; a plan change must not touch it", site.Status, site.StatusSince)
	}

	// A paid site whose Site event still carries the old trial end date
	// has no trial.
	newer := edit(t, "site-status-trial-active.json", map[string]any{"plan": "USD 10", "modified": "2026-08-28 00:00:00.000000"})
	m.apply(t, newer, sameStatus("Active"), t0.Add(3*time.Hour))
	if site := m["Site/trial1.example.com"]; site.TrialEnd != "" {
		t.Errorf("paid site trial end = %q, want none", site.TrialEnd)
	}
}

func TestNewTrialEndIsRelearned(t *testing.T) {
	m := memory{}
	m.apply(t, fixture(t, "site-status-trial-active.json"), first("Active"), t0)
	extended := edit(t, "site-status-trial-active.json", map[string]any{"trial_end_date": "2026-09-04", "modified": "2026-08-20 00:00:00.000000"})
	m.apply(t, extended, sameStatus("Active"), t0.Add(time.Hour))

	site := m["Site/trial1.example.com"]
	if site.TrialEnd != "2026-09-04" || !site.TrialSince.Equal(t0.Add(time.Hour)) {
		t.Errorf("trial = %q since %v, want 2026-09-04 since %v", site.TrialEnd, site.TrialSince, t0.Add(time.Hour))
	}
}

func TestPlanChangeOfUnknownSite(t *testing.T) {
	m := memory{}
	raw := fixture(t, "site-plan-change-downgrade.json")
	ev, _ := payload.Parse([]byte(raw), time.UTC)
	ev.Team, ev.Received = "team-b21c", t0
	rows, err := Rows(ev, first(""), nil, m.lookup)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("rows = %d, want 1", len(rows))
	}
	site := rows[0]
	if site.Doctype != DoctypeSite || site.Name != "site3.example.com" || site.Kind != KindSite {
		t.Errorf("row = %s %q of kind %q, want a site row for site3.example.com", site.Doctype, site.Name, site.Kind)
	}
	if site.Plan != "USD 25" || site.Team != "team-b21c" || site.Status != "" {
		t.Errorf("plan %q, team %q, status %q; want USD 25, team-b21c, no status", site.Plan, site.Team, site.Status)
	}
}

func TestArchivedSiteLeavesActiveInventory(t *testing.T) {
	tests := []struct {
		name    string
		body    func(t *testing.T) string
		archive string
	}{
		{"status Archived", func(t *testing.T) string {
			return edit(t, "site-status-active.json", map[string]any{"status": "Archived", "modified": "2026-09-01 00:00:00.000000"})
		}, "site1.example.com"},
		{"renamed", func(t *testing.T) string {
			return edit(t, "site-status-active.json", map[string]any{"name": "site1.example.com.archived", "modified": "2026-09-01 00:00:00.000000"})
		}, "site1.example.com.archived"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := memory{}
			m.apply(t, fixture(t, "site-status-active.json"), first("Active"), t0)
			m.apply(t, tt.body(t), change("Active", "Archived"), t0.Add(time.Hour))

			if row := m["Site/"+tt.archive]; !row.Archived {
				t.Errorf("row %q not archived", tt.archive)
			}
			if row := m["Site/site1.example.com"]; !row.Archived {
				t.Error("former row not archived")
			}
		})
	}
}

func TestBenchAndDeployRows(t *testing.T) {
	m := memory{}
	bench := fixture(t, "bench-status-installing.json")
	ev, _ := payload.Parse([]byte(bench), time.UTC)
	// The processor fills the team of Bench events from what it learned.
	ev.Team, ev.Received = "team-b21c", t0
	rows, err := Rows(ev, first("Installing"), json.RawMessage(`{}`), m.lookup)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("rows = %d, want the bench and its group", len(rows))
	}
	if b := rows[0]; b.Kind != KindBench || b.Team != "team-b21c" || b.Group != "bench-0142" || b.Cluster != "Frankfurt" {
		t.Errorf("bench row = %+v", b)
	}
	if g := rows[1]; g.Name != "bench-0142" || g.Team != "team-b21c" || g.Cluster != "Frankfurt" {
		t.Errorf("group row = %+v", g)
	}

	deploys := []struct{ fixture, deploy string }{
		{"deploy-running.json", "deploy-0019-000061"},
		{"deploy-legacy-deploy-candidate.json", "deploy-0019-000041"},
	}
	for _, d := range deploys {
		rows := m.apply(t, fixture(t, d.fixture), first("Running"), t0)
		if rows[0].Kind != KindDeploy || rows[0].Deploy != d.deploy {
			t.Errorf("%s: kind %q, deploy %q; want deploy %q", d.fixture, rows[0].Kind, rows[0].Deploy, d.deploy)
		}
	}
}

func TestOtherEventsWriteNothing(t *testing.T) {
	m := memory{}
	if rows := m.apply(t, fixture(t, "event-unknown-future.json"), first("Success"), t0); len(rows) != 0 {
		t.Errorf("rows = %+v, want none", rows)
	}
}
