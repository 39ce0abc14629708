package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/fakeclock"
	"github.com/fcnotify/fcnotify/internal/fixtures"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/process"
	"github.com/fcnotify/fcnotify/notifier/render"
	"github.com/fcnotify/fcnotify/notifier/rules"
	"github.com/fcnotify/fcnotify/notifier/store"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// sitesNow is the clock of `fcnotify sites` in these tests: the trial of
// trial1.example.com ends six days later.
var sitesNow = time.Date(2026, 8, 22, 12, 0, 0, 0, time.UTC)

// newSitesState writes a configuration whose state file holds the
// inventory of a few fixtures, processed as the server does, and
// returns the configuration's path.
func newSitesState(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cfgPath, statePath := filepath.Join(dir, "fcnotify.yaml"), filepath.Join(dir, "fcnotify.db")
	text := fmt.Sprintf("state: {path: %q}\ntime: {display_zone: Europe/Berlin}\n", statePath)
	if err := os.WriteFile(cfgPath, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}

	st, err := store.Open(statePath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	proc := newProcessor(t, st)
	archived := archivedVariant(t)
	bodies := [][]byte{
		fixtures.Read("site-status-pending-created.json"),
		fixtures.Read("site-status-active.json"),
		fixtures.Read("site-plan-change-upgrade.json"),
		fixtures.Read("site-status-flap-2-broken.json"),
		fixtures.Read("site-status-trial-active.json"),
		fixtures.Read("deploy-success.json"),
		fixtures.Read("bench-status-installing.json"),
		archived,
	}
	ctx := context.Background()
	at := time.Date(2026, 8, 21, 10, 0, 0, 0, time.UTC)
	for i, body := range bodies {
		item := store.InboxItem{Digest: fmt.Sprint(i), Body: body, Received: at.Add(time.Duration(i) * time.Minute)}
		id, _, err := st.Accept(ctx, item)
		if err != nil {
			t.Fatal(err)
		}
		item.ID = id
		if err := proc.Process(ctx, item); err != nil {
			t.Fatal(err)
		}
	}
	return cfgPath
}

// archivedVariant is site5 renamed with .archived, as Frappe Cloud
// archives a site.
func archivedVariant(t *testing.T) []byte {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(fixtures.Read("site-status-unicode.json"), &body); err != nil {
		t.Fatal(err)
	}
	body["data"].(map[string]any)["name"] = "site5.example.com.archived"
	out, _ := json.Marshal(body)
	return out
}

func newProcessor(t *testing.T, st *store.SQLite) *process.Processor {
	t.Helper()
	engine, err := rules.Compile(&config.Config{})
	if err != nil {
		t.Fatal(err)
	}
	renderer, err := render.New(nil, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return process.New(process.Options{
		Store: st, Inventory: st, Rules: engine, Renderer: renderer,
		Clock: fakeclock.New(sitesNow),
	})
}

// runSitesCommand runs `fcnotify sites` with args at sitesNow.
func runSitesCommand(cfgPath string, args ...string) (string, string, error) {
	var out, errOut bytes.Buffer
	cmd := newSitesCommand(&globalFlags{config: cfgPath}, func() time.Time { return sitesNow })
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	// cobra reads os.Args when the arguments are nil.
	cmd.SetArgs(append([]string{}, args...))
	err := cmd.Execute()
	return out.String(), errOut.String(), err
}

func TestSitesCommandFormats(t *testing.T) {
	cfgPath := newSitesState(t)
	tests := []struct {
		golden string
		args   []string
	}{
		{"sites.txt", nil},
		{"sites.json", []string{"--json"}},
		{"sites-all-kinds.txt", []string{"--kind", "all", "--all"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			out, errOut, err := runSitesCommand(cfgPath, tt.args...)
			if err != nil {
				t.Fatalf("sites %v: %v (%s)", tt.args, err, errOut)
			}
			golden(t, tt.golden, out)
		})
	}
}

func TestSitesCommandFilters(t *testing.T) {
	cfgPath := newSitesState(t)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"active sites", nil, []string{"site1.example.com", "site2.example.com", "trial1.example.com"}},
		{"team", []string{"--team", "team-4e9d"}, []string{"trial1.example.com"}},
		{"status", []string{"--status", "Broken"}, []string{"site2.example.com"}},
		{"status in any case", []string{"--status", "broken"}, []string{"site2.example.com"}},
		{"trial within a week", []string{"--trial-ending-within", "7d"}, []string{"trial1.example.com"}},
		{"trial within three days", []string{"--trial-ending-within", "72h"}, nil},
		{"archived too", []string{"--all"}, []string{"site1.example.com", "site2.example.com", "site5.example.com.archived", "trial1.example.com"}},
		{"benches", []string{"--kind", "bench"}, []string{"bench-0142-000213-f8"}},
		{"deploys", []string{"--kind", "deploy", "--team", "team-b21c"}, []string{"c4n7w2h5ub"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, err := runSitesCommand(cfgPath, append(tt.args, "--json")...)
			if err != nil {
				t.Fatalf("sites %v: %v (%s)", tt.args, err, errOut)
			}
			var entries []struct {
				Name string `json:"name"`
			}
			if err := json.Unmarshal([]byte(out), &entries); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, out)
			}
			var got []string
			for _, e := range entries {
				got = append(got, e.Name)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("names = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSitesCommandRejectsBadFlags(t *testing.T) {
	cfgPath := newSitesState(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--kind", "server"}, `invalid --kind "server": use site, bench, group, deploy, all`},
		{[]string{"--trial-ending-within", "a week"}, `invalid --trial-ending-within "a week": write a duration such as "7d" or "36h"`},
		{[]string{"--trial-ending-within", "-2d"}, `invalid --trial-ending-within "-2d": write a duration such as "7d" or "36h"`},
		{[]string{"extra"}, `unknown command "extra" for "sites"`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			_, _, err := runSitesCommand(cfgPath, tt.args...)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestSitesCommandRegistered(t *testing.T) {
	cfgPath := newSitesState(t)
	out, errOut, err := run("sites", "--config", cfgPath, "--status", "Broken")
	if err != nil {
		t.Fatalf("fcnotify sites: %v (%s)", err, errOut)
	}
	rows := cells(out)
	if len(rows) != 2 {
		t.Fatalf("table rows = %d, want a header and site2:\n%s", len(rows), out)
	}
	if rows[1][0] != "site2.example.com" || rows[1][1] != "Broken" {
		t.Errorf("row = %q, want site2.example.com Broken", rows[1])
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
