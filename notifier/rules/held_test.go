package rules

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/view"
)

func heldRule(name string, m config.Match, d time.Duration) config.Rule {
	r := notifyRule(name, m)
	r.For = config.Duration(d)
	return r
}

func TestMatchSkipsHeldRules(t *testing.T) {
	e := mustCompile(t,
		heldRule("bench-stuck", config.Match{Event: list(notifier.EventBenchStatus), To: list("Installing")}, 20*time.Minute),
		notifyRule("bench-any", config.Match{Event: list(notifier.EventBenchStatus)}))
	ev := benchEvent("Installing")
	tr := change("Pending", "Installing")

	matches, errs := e.Match(ev, tr, view.Build(ev, tr, view.Options{}))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	var got []string
	for _, m := range matches {
		got = append(got, m.Rule)
	}
	if !reflect.DeepEqual(got, []string{"bench-any"}) {
		t.Errorf("matches = %v, want [bench-any]", got)
	}

	held := e.HeldRules()
	if len(held) != 1 {
		t.Fatalf("held rules = %d, want 1", len(held))
	}
	if held[0].Name != "bench-stuck" {
		t.Errorf("held rule = %q, want bench-stuck", held[0].Name)
	}
	if held[0].For != 20*time.Minute {
		t.Errorf("for = %v, want 20m", held[0].For)
	}
	if !reflect.DeepEqual(held[0].To, []string{"Installing"}) {
		t.Errorf("to = %v, want [Installing]", held[0].To)
	}
}

func TestMatchHeld(t *testing.T) {
	e := mustCompile(t,
		heldRule("site-stuck", config.Match{
			Event: list(notifier.EventSiteStatus), To: list("Pending", "Updating"), Team: list("team-7f3a"),
			When: `data.plan != "Trial"`,
		}, 30*time.Minute),
		heldRule("broken-condition", config.Match{To: list("Pending"), When: `data.plan + 1 > 0`}, time.Minute),
		notifyRule("site-any", config.Match{Event: list(notifier.EventSiteStatus)}))

	tests := []struct {
		name   string
		rule   string
		ev     *notifier.Event
		tr     notifier.Transition
		fires  bool
		errHas string
	}{
		{"pending", "site-stuck", siteEvent("Pending", nil), change("Active", "Pending"), true, ""},
		{"first sighting", "site-stuck", siteEvent("Updating", nil), first("Updating"), true, ""},
		{"other status", "site-stuck", siteEvent("Active", nil), change("Pending", "Active"), false, ""},
		{"other team", "site-stuck", siteEvent("Pending", map[string]any{"team": "team-b21c"}), change("Active", "Pending"), false, ""},
		{"condition false", "site-stuck", siteEvent("Pending", map[string]any{"plan": "Trial"}), change("Active", "Pending"), false, ""},
		{"other event", "site-stuck", benchEvent("Pending"), change("Active", "Pending"), false, ""},
		{"condition error", "broken-condition", siteEvent("Pending", nil), change("Active", "Pending"), false, `rule "broken-condition": when condition failed`},
		{"rule without for", "site-any", siteEvent("Pending", nil), change("Active", "Pending"), false, `rule "site-any" with for: not found`},
		{"unknown rule", "nope", siteEvent("Pending", nil), change("Active", "Pending"), false, `rule "nope" with for: not found`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.ev.Team, _ = tt.ev.Fields["team"].(string)
			m, ok, err := e.MatchHeld(tt.rule, tt.ev, tt.tr, view.Build(tt.ev, tt.tr, view.Options{}))
			if ok != tt.fires {
				t.Errorf("fires = %v, want %v", ok, tt.fires)
			}
			if ok && m.Rule != tt.rule {
				t.Errorf("match rule = %q, want %q", m.Rule, tt.rule)
			}
			switch {
			case tt.errHas == "" && err != nil:
				t.Errorf("error = %v, want none", err)
			case tt.errHas != "" && (err == nil || !strings.Contains(err.Error(), tt.errHas)):
				t.Errorf("error = %v, want one containing %q", err, tt.errHas)
			}
		})
	}
}
