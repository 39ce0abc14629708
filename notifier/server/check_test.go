package server

import (
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/render"
)

func TestCheckRenderingFindsFirstSightingFailure(t *testing.T) {
	const yaml = `
templates:
  picky:
    title: "{{ if .from }}{{ .from }} → {{ .to }}{{ else }}{{ .nope }}{{ end }}"
rules:
  - name: benches
    match: {event: Bench Status Update}
    notify: [console]
    template: picky
`
	cfg, err := config.Parse([]byte(yaml), "check.yaml")
	if err != nil {
		t.Fatal(err)
	}
	compiled, err := Compile(cfg, render.Options{})
	if err != nil {
		t.Fatal(err)
	}

	problems := compiled.CheckRendering(time.Date(2026, 8, 30, 12, 0, 0, 0, time.UTC))
	want := `check.yaml:9: rules[0].template: rule "benches" with a sample "Bench Status Update" event (first): ` +
		`template "picky" title for slack: line 1:52: at <.nope>: map has no entry for key "nope" ` +
		"(hint: see `fcnotify render --data` for the fields a template can use)"
	if len(problems) != 1 {
		t.Fatalf("problems = %d, want 1: %v", len(problems), problems)
	}
	if problems[0].Error() != want {
		t.Errorf("problem:\n got %s\nwant %s", problems[0].Error(), want)
	}
}

func TestCheckRenderingRunsConditions(t *testing.T) {
	const yaml = `
rules:
  - name: retries
    match:
      event: Bench Deploy Status Update
      when: data.retry_count
    notify: [console]
`
	cfg, err := config.Parse([]byte(yaml), "check.yaml")
	if err != nil {
		t.Fatal(err)
	}
	compiled, err := Compile(cfg, render.Options{})
	if err != nil {
		t.Fatal(err)
	}

	problems := compiled.CheckRendering(time.Date(2026, 8, 30, 12, 0, 0, 0, time.UTC))
	want := `check.yaml:6: rules[0].match.when: when condition fails on a sample "Bench Deploy Status Update" ` +
		`event (first): invalid operation: bool(int64) at line 1, column 1 ` +
		`(hint: a condition must return true or false for every event the rule can receive)`
	if len(problems) != 1 || problems[0].Error() != want {
		t.Errorf("problems = %v\nwant %s", problems, want)
	}
}
