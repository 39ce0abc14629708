package inventory

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/payload"
	"github.com/fcnotify/fcnotify/notifier/store"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func trialSite() store.InventoryRow {
	return store.InventoryRow{
		Doctype: DoctypeSite, Name: "trial1.example.com", Kind: KindSite, Status: "Active",
		Team: "team-4e9d", Plan: "Trial", TrialEnd: "2026-08-28", Group: "bench-0007", Cluster: "Default",
	}
}

func TestTrialReminderEvent(t *testing.T) {
	at := time.Date(2026, 8, 25, 9, 0, 0, 0, time.UTC)
	it, err := TrialReminder(trialSite(), 3, at)
	if err != nil {
		t.Fatal(err)
	}
	// The hex SHA-256 of "trial|trial1.example.com|2026-08-28|3".
	if want := "a5d73d7279022512ec555f022cb343547bb7cb59de6165d2749da7fee501d57b"; it.Digest != want {
		t.Errorf("digest = %q, want %q", it.Digest, want)
	}
	again, _ := TrialReminder(trialSite(), 3, at.Add(time.Hour))
	if again.Digest != it.Digest {
		t.Error("the same reminder got another digest")
	}
	other, _ := TrialReminder(trialSite(), 1, at)
	if other.Digest == it.Digest {
		t.Error("another offset got the same digest")
	}
	if it.Endpoint != ScheduledEndpoint || it.Team != "team-4e9d" || !it.Received.Equal(at) {
		t.Errorf("item = endpoint %q, team %q, received %v", it.Endpoint, it.Team, it.Received)
	}

	ev, err := payload.Parse(it.Body, time.UTC)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	checks := []struct{ name, got, want string }{
		{"event", ev.Name, EventTrialExpiry},
		{"doctype", ev.Doctype, EventTrialExpiry},
		{"document", ev.Document, "trial1.example.com|2026-08-28|3"},
		{"team", ev.Team, "team-4e9d"},
		{"status", ev.Status, ""},
		{"site", ev.Text("site"), "trial1.example.com"},
		{"plan", ev.Text("plan"), "Trial"},
		{"trial_end_date", ev.Text("trial_end_date"), "2026-08-28"},
		{"days_left", ev.Text("days_left"), "3"},
		{"site_status", ev.Text("site_status"), "Active"},
		{"cluster", ev.Text("cluster"), "Default"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if _, ok := ev.Fields["bench"]; ok {
		t.Error("unknown bench is in the data")
	}

	s, err := ParseScheduled(it.Body)
	if err != nil {
		t.Fatal(err)
	}
	if s != (Scheduled{Kind: ScheduledTrial, Site: "trial1.example.com", TrialEnd: "2026-08-28", Days: 3}) {
		t.Errorf("scheduled = %+v", s)
	}
}

func TestStuckAlertEvent(t *testing.T) {
	since := time.Date(2026, 8, 19, 9, 12, 40, 0, time.UTC)
	now := since.Add(45*time.Minute + 700*time.Millisecond)
	kolkata, _ := time.LoadLocation("Asia/Kolkata")
	raw := fixture(t, "deploy-running.json")
	data, _ := DataOf([]byte(raw))
	doc := store.InventoryRow{
		Doctype: "Deploy Candidate Build", Name: "x7k2m7q4ra", Kind: KindDeploy,
		Status: "Running", PreviousStatus: "Preparing", StatusSince: since, Team: "team-7f3a",
		Event: notifier.EventDeployStatus, Data: data,
	}

	it, err := StuckAlert(doc, "deploy-stuck", now, kolkata)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := payload.Parse(it.Body, kolkata)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if ev.Name != notifier.EventDeployStatus || ev.Document != "x7k2m7q4ra" || ev.Status != "Running" {
		t.Errorf("event = %q %q %q", ev.Name, ev.Document, ev.Status)
	}
	if got := ev.Fields["stuck_for"]; got != 45*time.Minute {
		t.Errorf("stuck_for = %v, want 45m0s", got)
	}
	if got, _ := ev.Fields["since"].(time.Time); !got.Equal(since) {
		t.Errorf("since = %v, want %v", got, since)
	}
	if ev.Text("deploy_candidate") != "deploy-0019-000061" {
		t.Errorf("last event data lost: deploy_candidate = %q", ev.Text("deploy_candidate"))
	}

	s, err := ParseScheduled(it.Body)
	if err != nil {
		t.Fatal(err)
	}
	want := Scheduled{
		Kind: ScheduledStuck, Rule: "deploy-stuck", Doctype: "Deploy Candidate Build",
		Name: "x7k2m7q4ra", StatusSince: since.UnixNano(), From: "Preparing",
	}
	if s != want {
		t.Errorf("scheduled = %+v, want %+v", s, want)
	}

	later, _ := StuckAlert(doc, "deploy-stuck", now.Add(time.Hour), kolkata)
	if later.Digest != it.Digest {
		t.Error("the same stay got another digest")
	}
	doc.StatusSince = since.Add(time.Second)
	next, _ := StuckAlert(doc, "deploy-stuck", now, kolkata)
	if next.Digest == it.Digest {
		t.Error("a new stay got the same digest")
	}
}

func TestStuckAlertAddsInferredTeam(t *testing.T) {
	raw := fixture(t, "bench-status-installing.json")
	data, _ := DataOf([]byte(raw))
	doc := store.InventoryRow{
		Doctype: DoctypeBench, Name: "bench-0142-000213-f8", Status: "Installing",
		StatusSince: t0, Team: "team-b21c", Event: notifier.EventBenchStatus, Data: data,
	}
	it, err := StuckAlert(doc, "bench-stuck", t0.Add(20*time.Minute), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	ev, _ := payload.Parse(it.Body, time.UTC)
	if ev.Team != "team-b21c" {
		t.Errorf("team = %q, want the inventory's team-b21c", ev.Team)
	}
}

func TestParseScheduledRejects(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"not JSON", `{`, "read scheduled event: unexpected end of JSON input"},
		{"webhook body", fixture(t, "deploy-running.json"), "read scheduled event: scheduled is missing"},
		{"unknown kind", `{"event":"x","data":{},"scheduled":{"kind":"later"}}`, `read scheduled event: unknown kind "later"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseScheduled([]byte(tt.body))
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestDataOf(t *testing.T) {
	wrapped, err := DataOf([]byte(`{"event": "Site Status Update", "data": {"name": "a"}}`))
	if err != nil || string(wrapped) != `{"name": "a"}` {
		t.Errorf("wrapped = %s, %v", wrapped, err)
	}
	flat, err := DataOf([]byte(`{"doctype": "Site", "name": "a"}`))
	if err != nil || string(flat) != `{"doctype": "Site", "name": "a"}` {
		t.Errorf("flat = %s, %v", flat, err)
	}
	if _, err := DataOf([]byte(`[1]`)); err == nil {
		t.Error("array body read without error")
	}
}

func TestEnrichPlanChange(t *testing.T) {
	tests := []struct {
		name     string
		fixture  string
		site     store.InventoryRow
		known    bool
		previous string
		wasTrial bool
	}{
		{"trial upgrade", "site-plan-change-trial-upgrade.json", trialSite(), true, "Trial", true},
		{"upgrade of a paid site", "site-plan-change-upgrade.json", store.InventoryRow{Plan: "USD 10"}, true, "USD 10", false},
		{"site unknown", "site-plan-change-upgrade.json", store.InventoryRow{}, false, "USD 10", false},
		{"initial plan", "site-plan-change-initial.json", store.InventoryRow{Plan: "USD 10"}, true, "", false},
		{"trial end without trial plan name", "site-plan-change-downgrade.json", store.InventoryRow{Plan: "USD 50", TrialEnd: "2026-08-28"}, true, "USD 50", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := payload.Parse([]byte(fixture(t, tt.fixture)), time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			data := map[string]any{}
			Enrich(data, ev, tt.site, tt.known)
			if data[KeyPreviousPlan] != tt.previous {
				t.Errorf("previous_plan = %v, want %q", data[KeyPreviousPlan], tt.previous)
			}
			if data[KeyNewPlan] != ev.Text("to_plan") {
				t.Errorf("new_plan = %v, want %q", data[KeyNewPlan], ev.Text("to_plan"))
			}
			if data[KeySiteWasTrial] != tt.wasTrial {
				t.Errorf("site_was_trial = %v, want %v", data[KeySiteWasTrial], tt.wasTrial)
			}
		})
	}

	ev, _ := payload.Parse([]byte(fixture(t, "site-status-trial-active.json")), time.UTC)
	data := map[string]any{}
	Enrich(data, ev, trialSite(), true)
	if len(data) != 0 {
		t.Errorf("a Site event got plan keys: %v", data)
	}
}

func TestOutputGolden(t *testing.T) {
	archived := trialSite()
	archived.Name, archived.Status, archived.Archived, archived.TrialEnd = "old.example.com", "Archived", true, ""
	site := trialSite()
	site.StatusSince, site.LastSeen, site.Modified = t0, t0.Add(time.Hour), t0.Add(-time.Minute)
	site.Event = notifier.EventSiteStatus
	rows := []store.InventoryRow{
		{Doctype: DoctypeBench, Name: "bench-0142-000213-f8", Kind: KindBench, Status: "Installing", StatusSince: t0, Team: "team-b21c", Group: "bench-0142"},
		archived, site,
	}
	berlin, _ := time.LoadLocation("Europe/Berlin")

	var table, all, js bytes.Buffer
	if err := WriteTable(&table, rows[2:], berlin, TableOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteTable(&all, rows, berlin, TableOptions{Kind: true, Archived: true}); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, rows[2:], berlin); err != nil {
		t.Fatal(err)
	}
	golden(t, "sites.txt", table.String())
	golden(t, "inventory-all.txt", all.String())
	golden(t, "sites.json", js.String())

	var empty bytes.Buffer
	if err := WriteJSON(&empty, nil, berlin); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(empty.String()) != "[]" {
		t.Errorf("empty JSON = %q, want []", empty.String())
	}
	var decoded []Entry
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil || len(decoded) != 1 || decoded[0].Name != "trial1.example.com" {
		t.Errorf("JSON does not decode back: %v %+v", err, decoded)
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
