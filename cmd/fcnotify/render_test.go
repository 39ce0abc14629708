package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fcnotify/fcnotify/internal/fixtures"
)

// runCommand runs fcnotify with args and returns its output and error.
func runCommand(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	root := newRootCommand(&stdout, &stderr)
	root.SetArgs(args)
	err := root.Execute()
	return stdout.String(), stderr.String(), err
}

func TestRenderUsesNamesAndKeepsMarkupReadable(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "fcnotify.yaml")
	cfg := `
names:
  teams: {team-7f3a: Acme Ltd}
channels:
  ops:
    slack: {webhook_url: "http://127.0.0.1:9/services/T1/B1/x"}
rules:
  - name: acme-broken
    match: {event: Site Status Update, to: Broken, when: 'team_name == "Acme Ltd"'}
    notify: [ops]
`
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	payload := filepath.Join(fixtures.Dir(), "site-status-flap-2-broken.json")

	out, stderr, err := runCommand(t, "render", "--config", cfgPath, payload, "--from", "Active")
	if err != nil {
		t.Fatalf("render: %v\n%s", err, stderr)
	}
	for _, want := range []string{
		`rule "acme-broken" → channel "ops" (slack, template "site-status")`,
		"Acme Ltd (`team-7f3a`)",
		"<https://frappecloud.com/dashboard/sites/site2.example.com|site2.example.com>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, `\u003c`) {
		t.Errorf("output escapes < as \\u003c:\n%s", out)
	}
}
