package server

import (
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/render"
)

// TestCheckRendersStuckTemplate checks that `fcnotify check` renders a
// rule with for: with the template its alerts use.
func TestCheckRendersStuckTemplate(t *testing.T) {
	const text = `
channels:
  ops: {console: {}}
templates:
  stuck-state:
    title: "{{ .data.nope }}"
rules:
  - name: deploy-failed
    match: {event: Bench Deploy Status Update, to: Failure}
    notify: [ops]
  - name: deploy-stuck
    match: {event: Bench Deploy Status Update, to: Running}
    for: 45m
    notify: [ops]
`
	cfg, err := config.Parse([]byte(text), "check.yaml")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	compiled, err := Compile(cfg, render.Options{})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}

	problems := compiled.CheckRendering(time.Date(2026, 8, 30, 12, 0, 0, 0, time.UTC))
	if len(problems) != 1 {
		t.Fatalf("problems = %d, want 1: %v", len(problems), problems)
	}
	if got := problems[0].Error(); !strings.Contains(got, `rule "deploy-stuck" with a sample "Bench Deploy Status Update" event`) {
		t.Errorf("problem = %s, want one about deploy-stuck", got)
	}
}
