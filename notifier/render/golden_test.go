package render

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/fixtures"
	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/payload"
	"github.com/fcnotify/fcnotify/notifier/view"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// fixtureDir holds recorded Frappe Cloud webhook bodies, one per file.
var fixtureDir = fixtures.Dir()

// testNow is the fixed clock of every test.
var testNow = time.Date(2026, 8, 22, 12, 0, 0, 0, time.UTC)

const testDashboard = "https://frappecloud.com/dashboard"

// testNames gives a few ids display names, so the golden files show both
// a named and an unnamed team and release group.
var testNames = map[string]map[string]string{
	"teams":  {"team-7f3a": "Acme Ops"},
	"groups": {"bench-0019": "Acme ERP"},
}

func newTestRenderer(tb testing.TB, configured map[string]config.Template) *Renderer {
	tb.Helper()
	r, err := New(configured, Options{DisplayZone: time.UTC, Now: func() time.Time { return testNow }})
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	return r
}

// fixtureFiles lists the recorded bodies that are events to alert on.
func fixtureFiles(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(fixtureDir, "*.json"))
	if err != nil {
		tb.Fatalf("list fixtures: %v", err)
	}
	var out []string
	for _, f := range files {
		if filepath.Base(f) == "webhook-validate.json" {
			continue
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		tb.Fatalf("no fixtures found in %s", fixtureDir)
	}
	return out
}

// fixtureData parses a recorded body and builds its template data for a
// change from Active to the body's status.
func fixtureData(tb testing.TB, file string) (event string, data map[string]any) {
	tb.Helper()
	body, err := os.ReadFile(file)
	if err != nil {
		tb.Fatalf("read fixture: %v", err)
	}
	ev, err := payload.Parse(body, time.UTC)
	if err != nil {
		tb.Fatalf("parse %s: %v", filepath.Base(file), err)
	}
	ev.Received = testNow

	tr := notifier.Transition{Kind: notifier.KindChange, From: "Active", To: ev.Status}
	return ev.Name, view.Build(ev, tr, view.Options{DashboardURL: testDashboard, Names: testNames, Now: testNow})
}

func TestRenderGolden(t *testing.T) {
	r := newTestRenderer(t, nil)
	for _, file := range fixtureFiles(t) {
		fixture := strings.TrimSuffix(filepath.Base(file), ".json")
		event, data := fixtureData(t, file)
		name := DefaultTemplateFor(event)

		for _, p := range platforms {
			t.Run(fixture+"/"+string(p), func(t *testing.T) {
				msg, err := r.Render(p, name, data, nil)
				if err != nil {
					t.Fatalf("Render(%s, %q): %v", p, name, err)
				}
				got := encodeMessage(t, msg)
				for _, bad := range []string{"<no value>", "None"} {
					if bytes.Contains(got, []byte(bad)) {
						t.Errorf("message contains %q", bad)
					}
				}
				checkGolden(t, filepath.Join("testdata", "golden", fixture+"."+string(p)+".json"), got)
			})
		}
	}
}

// encodeMessage writes a message as indented JSON, leaving <, > and &
// as they are so the golden files read as the chat text does.
func encodeMessage(t *testing.T, msg *notifier.Message) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(msg); err != nil {
		t.Fatalf("encode message: %v", err)
	}
	return buf.Bytes()
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatalf("create golden directory: %v", err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("write golden file: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gotLines, wantLines := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(gotLines) && i < len(wantLines); i++ {
		if gotLines[i] != wantLines[i] {
			t.Errorf("%s line %d differs (run go test -update to accept):\ngot:  %s\nwant: %s", path, i+1, gotLines[i], wantLines[i])
			return
		}
	}
	t.Errorf("%s differs in length: got %d lines, want %d (run go test -update to accept)", path, len(gotLines), len(wantLines))
}
