package rules

import (
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/view"
)

func text(s string) *string { return &s }

func flag(b bool) *bool { return &b }

func list(values ...string) config.StringList { return values }

func first(to string) notifier.Transition {
	return notifier.Transition{Kind: notifier.KindFirst, To: to}
}

func change(from, to string) notifier.Transition {
	return notifier.Transition{Kind: notifier.KindChange, From: from, To: to}
}

func same(kind notifier.Kind, status string) notifier.Transition {
	return notifier.Transition{Kind: kind, From: status, To: status}
}

// notifyRule returns a rule posting to the "ops" channel.
func notifyRule(name string, m config.Match) config.Rule {
	return config.Rule{Name: name, Match: m, Notify: []string{"ops"}}
}

func mustCompile(tb testing.TB, rules ...config.Rule) *Engine {
	tb.Helper()
	e, err := Compile(&config.Config{Rules: rules})
	if err != nil {
		tb.Fatalf("Compile: %v", err)
	}
	return e
}

func benchEvent(status string) *notifier.Event {
	return &notifier.Event{
		Name:     notifier.EventBenchStatus,
		Doctype:  "Bench",
		Document: "bench-0142-000213-f9",
		Status:   status,
		Modified: time.Date(2026, 8, 21, 13, 9, 55, 120934000, time.UTC),
		Fields: map[string]any{
			"doctype":            "Bench",
			"name":               "bench-0142-000213-f9",
			"group":              "bench-0142",
			"status":             status,
			"cluster":            "Frankfurt",
			"docstatus":          int64(0),
			"is_ssh_proxy_setup": false,
		},
	}
}

func siteEvent(status string, fields map[string]any) *notifier.Event {
	all := map[string]any{
		"doctype":   "Site",
		"name":      "site2.example.com",
		"status":    status,
		"team":      "team-7f3a",
		"plan":      "USD 25",
		"host_name": "site2.example.com",
	}
	for k, v := range fields {
		if v == nil {
			delete(all, k)
			continue
		}
		all[k] = v
	}
	return &notifier.Event{
		Name:     notifier.EventSiteStatus,
		Doctype:  "Site",
		Document: "site2.example.com",
		Team:     "team-7f3a",
		Status:   status,
		Fields:   all,
	}
}

func deployEvent(status, team string, retries int64) *notifier.Event {
	return &notifier.Event{
		Name:     notifier.EventDeployStatus,
		Doctype:  "Deploy Candidate Build",
		Document: "x7k2m7q4ra",
		Team:     team,
		Status:   status,
		Fields: map[string]any{
			"status":           status,
			"team":             team,
			"group":            "bench-0019",
			"retry_count":      retries,
			"deploy_candidate": "deploy-0019-000061",
		},
	}
}

func planEvent(fields map[string]any) *notifier.Event {
	return &notifier.Event{
		Name:     notifier.EventSitePlanChange,
		Doctype:  "Site Plan Change",
		Document: "d5x3c7v2bn",
		Fields:   fields,
	}
}

func env(ev *notifier.Event, tr notifier.Transition) map[string]any {
	return view.Build(ev, tr, view.Options{Now: time.Date(2026, 8, 30, 0, 0, 0, 0, time.UTC)})
}

func ruleNames(matches []Match) []string {
	names := make([]string, len(matches))
	for i, m := range matches {
		names[i] = m.Rule
	}
	return names
}

func errorTexts(errs []error) []string {
	texts := make([]string, len(errs))
	for i, err := range errs {
		texts[i] = err.Error()
	}
	return texts
}
