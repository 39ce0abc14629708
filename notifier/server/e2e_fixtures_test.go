package server

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFixturesEndToEnd posts every fixture to a fresh server, so each is
// the first sighting of its document, and compares what reached the
// Slack and Discord fakes with golden files.
func TestFixturesEndToEnd(t *testing.T) {
	names, err := filepath.Glob(filepath.Join(fixtureDir, "*.json"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no fixtures in %s: %v", fixtureDir, err)
	}
	for _, path := range names {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			t.Parallel()
			s := startStack(t, rulesYAML, "", nil, nil)
			status, resp := s.post(fixture(t, name))
			if status != 200 {
				t.Fatalf("status = %d (%s), want 200", status, resp)
			}
			s.settle()

			got := map[string]any{
				"slack":   bodies(s.slack.Requests()),
				"discord": bodies(s.discord.Requests()),
			}
			wantPosts := 1
			if name == "webhook-validate.json" {
				wantPosts = 0
			}
			if n := len(s.slack.Requests()); n != wantPosts {
				t.Errorf("Slack posts = %d, want %d", n, wantPosts)
			}
			if n := len(s.discord.Requests()); n != wantPosts {
				t.Errorf("Discord posts = %d, want %d", n, wantPosts)
			}
			compareGolden(t, filepath.Join("testdata", "e2e", name), got)
		})
	}
}

// TestUnknownEventUsesGenericRuleOnly checks the rule that fired for the
// unknown event from the outbox record.
func TestUnknownEventUsesGenericRuleOnly(t *testing.T) {
	s := startStack(t, rulesYAML, "", nil, nil)
	s.post(fixture(t, "event-unknown-future.json"))
	s.settle()

	msgs := s.sent()
	if len(msgs) != 2 {
		t.Fatalf("sent messages = %d, want 2", len(msgs))
	}
	for _, m := range msgs {
		if m.Rule != "other-events" {
			t.Errorf("channel %s got a message from rule %q, want other-events", m.Channel, m.Rule)
		}
	}
}

func compareGolden(t *testing.T, path string, got any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(got); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("%s differs from the golden file:\ngot:\n%s\nwant:\n%s", path, b, want)
	}
}
