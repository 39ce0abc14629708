package rules

import (
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
)

type matchCase struct {
	name  string
	rules []config.Rule
	ev    *notifier.Event
	tr    notifier.Transition
	want  []string
	errs  []string
}

func TestMatch(t *testing.T) {
	var cases []matchCase
	cases = append(cases, eventCases()...)
	cases = append(cases, transitionCases()...)
	cases = append(cases, fieldCases()...)
	cases = append(cases, conditionCases()...)
	cases = append(cases, flowCases()...)

	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := mustCompile(t, tc.rules...)
			matches, errs := e.Match(tc.ev, tc.tr, env(tc.ev, tc.tr))

			if got := ruleNames(matches); !slices.Equal(got, tc.want) {
				t.Errorf("matched rules = %q, want %q", got, tc.want)
			}
			if got := errorTexts(errs); !slices.Equal(got, tc.errs) {
				t.Errorf("errors = %q, want %q", got, tc.errs)
			}
		})
	}
}

func eventCases() []matchCase {
	bench := list(notifier.EventBenchStatus)
	return []matchCase{
		{
			name:  "event exact name",
			rules: []config.Rule{notifyRule("r", config.Match{Event: bench})},
			ev:    benchEvent("Broken"), tr: change("Active", "Broken"),
			want: []string{"r"},
		},
		{
			name:  "event name is case-sensitive",
			rules: []config.Rule{notifyRule("r", config.Match{Event: list("bench status update")})},
			ev:    benchEvent("Broken"), tr: change("Active", "Broken"),
			want: []string{},
		},
		{
			name:  "event in list",
			rules: []config.Rule{notifyRule("r", config.Match{Event: list(notifier.EventSiteStatus, notifier.EventBenchStatus)})},
			ev:    benchEvent("Broken"), tr: change("Active", "Broken"),
			want: []string{"r"},
		},
		{
			name:  "event other name",
			rules: []config.Rule{notifyRule("r", config.Match{Event: list(notifier.EventSiteStatus)})},
			ev:    benchEvent("Broken"), tr: change("Active", "Broken"),
			want: []string{},
		},
		{
			name:  "event star takes unknown event",
			rules: []config.Rule{notifyRule("r", config.Match{Event: list("*")})},
			ev:    &notifier.Event{Name: "Site Backup Status Update", Doctype: "Site Backup", Status: "Success"},
			tr:    first("Success"),
			want:  []string{"r"},
		},
		{
			name:  "no event list takes any event",
			rules: []config.Rule{notifyRule("r", config.Match{})},
			ev:    planEvent(map[string]any{"type": "Upgrade"}), tr: notifier.Transition{Kind: notifier.KindFirst},
			want: []string{"r"},
		},
		{
			name:  "validate handshake matches nothing",
			rules: []config.Rule{notifyRule("r", config.Match{Event: list("*")})},
			ev:    &notifier.Event{Name: notifier.EventValidate, Fields: map[string]any{}},
			want:  []string{},
		},
		{
			name:  "test handshake matches nothing",
			rules: []config.Rule{notifyRule("r", config.Match{Event: list(notifier.EventTest)})},
			ev:    &notifier.Event{Name: notifier.EventTest, Fields: map[string]any{}},
			want:  []string{},
		},
		{
			name:  "doctype in list",
			rules: []config.Rule{notifyRule("r", config.Match{Doctype: list("Deploy Candidate Build", "Deploy Candidate")})},
			ev:    deployEvent("Failure", "team-7f3a", 0), tr: change("Running", "Failure"),
			want: []string{"r"},
		},
		{
			name:  "doctype not listed",
			rules: []config.Rule{notifyRule("r", config.Match{Doctype: list("Site")})},
			ev:    benchEvent("Broken"), tr: change("Active", "Broken"),
			want: []string{},
		},
		{
			name:  "team listed",
			rules: []config.Rule{notifyRule("r", config.Match{Team: list("team-b21c", "team-7f3a")})},
			ev:    deployEvent("Failure", "team-7f3a", 0), tr: change("Running", "Failure"),
			want: []string{"r"},
		},
		{
			name:  "team missing from event",
			rules: []config.Rule{notifyRule("r", config.Match{Team: list("team-7f3a")})},
			ev:    benchEvent("Broken"), tr: change("Active", "Broken"),
			want: []string{},
		},
	}
}

func transitionCases() []matchCase {
	site := list(notifier.EventSiteStatus)
	return []matchCase{
		{
			name:  "to scalar on change",
			rules: []config.Rule{notifyRule("r", config.Match{To: list("Broken")})},
			ev:    benchEvent("Broken"), tr: change("Active", "Broken"),
			want: []string{"r"},
		},
		{
			name:  "to list on change",
			rules: []config.Rule{notifyRule("r", config.Match{To: list("Suspended", "Broken")})},
			ev:    siteEvent("Suspended", nil), tr: change("Active", "Suspended"),
			want: []string{"r"},
		},
		{
			name:  "to not listed",
			rules: []config.Rule{notifyRule("r", config.Match{To: list("Broken")})},
			ev:    siteEvent("Active", nil), tr: change("Broken", "Active"),
			want: []string{},
		},
		{
			name:  "to on update without change",
			rules: []config.Rule{notifyRule("r", config.Match{To: list("Broken")})},
			ev:    benchEvent("Broken"), tr: same(notifier.KindUpdate, "Broken"),
			want: []string{},
		},
		{
			name:  "to on first sighting",
			rules: []config.Rule{notifyRule("r", config.Match{Event: site, To: list("Active")})},
			ev:    siteEvent("Active", nil), tr: first("Active"),
			want: []string{"r"},
		},
		{
			name:  "from empty on first sighting",
			rules: []config.Rule{notifyRule("r", config.Match{Event: site, From: list(""), To: list("Pending")})},
			ev:    siteEvent("Pending", nil), tr: first("Pending"),
			want: []string{"r"},
		},
		{
			name:  "from empty on later change",
			rules: []config.Rule{notifyRule("r", config.Match{Event: site, From: list(""), To: list("Pending")})},
			ev:    siteEvent("Pending", nil), tr: change("Active", "Pending"),
			want: []string{},
		},
		{
			name:  "from status on first sighting",
			rules: []config.Rule{notifyRule("r", config.Match{Event: site, From: list("Broken")})},
			ev:    siteEvent("Active", nil), tr: first("Active"),
			want: []string{},
		},
		{
			name:  "from list and to",
			rules: []config.Rule{notifyRule("r", config.Match{Event: site, From: list("Broken", "Suspended"), To: list("Active")})},
			ev:    siteEvent("Active", nil), tr: change("Broken", "Active"),
			want: []string{"r"},
		},
		{
			name:  "no status rules take updates",
			rules: []config.Rule{notifyRule("r", config.Match{Event: site})},
			ev:    siteEvent("Active", nil), tr: same(notifier.KindUpdate, "Active"),
			want: []string{"r"},
		},
		{
			name:  "repeat matches no default rule",
			rules: []config.Rule{notifyRule("r", config.Match{Event: site})},
			ev:    siteEvent("Active", nil), tr: same(notifier.KindRepeat, "Active"),
			want: []string{},
		},
		{
			name:  "repeat matches repeats rule",
			rules: []config.Rule{notifyRule("r", config.Match{Event: site, Repeats: true})},
			ev:    siteEvent("Active", nil), tr: same(notifier.KindRepeat, "Active"),
			want: []string{"r"},
		},
		{
			name:  "repeat never satisfies to",
			rules: []config.Rule{notifyRule("r", config.Match{Event: site, To: list("Active"), Repeats: true})},
			ev:    siteEvent("Active", nil), tr: same(notifier.KindRepeat, "Active"),
			want: []string{},
		},
		{
			name:  "stale matches no default rule",
			rules: []config.Rule{notifyRule("r", config.Match{Event: site, Repeats: true})},
			ev:    siteEvent("Broken", nil), tr: same(notifier.KindStale, "Active"),
			want: []string{},
		},
		{
			name:  "stale matches stale rule",
			rules: []config.Rule{notifyRule("r", config.Match{Event: site, Stale: true})},
			ev:    siteEvent("Broken", nil), tr: same(notifier.KindStale, "Active"),
			want: []string{"r"},
		},
	}
}

func fieldCases() []matchCase {
	plan := list(notifier.EventSitePlanChange)
	fields := func(name string, m config.FieldMatcher) config.Match {
		return config.Match{Fields: map[string]config.FieldMatcher{name: m}}
	}
	initial := planEvent(map[string]any{"from_plan": "", "to_plan": "USD 10", "type": "Initial Plan"})
	downgrade := planEvent(map[string]any{"from_plan": "USD 50", "to_plan": "USD 25", "type": "Downgrade"})
	trialSite := siteEvent("Active", map[string]any{"plan": "Trial", "trial_end_date": time.Date(2026, 8, 28, 0, 0, 0, 0, time.UTC)})
	return []matchCase{
		{
			name:  "field equals",
			rules: []config.Rule{notifyRule("r", config.Match{Event: plan, Fields: map[string]config.FieldMatcher{"type": {Equals: text("Downgrade")}}})},
			ev:    downgrade, want: []string{"r"},
		},
		{
			name:  "field equals other value",
			rules: []config.Rule{notifyRule("r", fields("type", config.FieldMatcher{Equals: text("Downgrade")}))},
			ev:    initial, want: []string{},
		},
		{
			name:  "field equals on absent",
			rules: []config.Rule{notifyRule("r", fields("label", config.FieldMatcher{Equals: text("Prod")}))},
			ev:    siteEvent("Active", nil), tr: first("Active"), want: []string{},
		},
		{
			name:  "field equals empty on absent",
			rules: []config.Rule{notifyRule("r", fields("label", config.FieldMatcher{Equals: text("")}))},
			ev:    siteEvent("Active", nil), tr: first("Active"), want: []string{"r"},
		},
		{
			name:  "field equals empty on empty",
			rules: []config.Rule{notifyRule("r", fields("from_plan", config.FieldMatcher{Equals: text("")}))},
			ev:    initial, want: []string{"r"},
		},
		{
			name:  "field one of",
			rules: []config.Rule{notifyRule("r", fields("to_plan", config.FieldMatcher{OneOf: list("USD 10", "USD 25")}))},
			ev:    downgrade, want: []string{"r"},
		},
		{
			name:  "field one of other value",
			rules: []config.Rule{notifyRule("r", fields("from_plan", config.FieldMatcher{OneOf: list("USD 10", "USD 25")}))},
			ev:    downgrade, want: []string{},
		},
		{
			name:  "field one of empty on absent",
			rules: []config.Rule{notifyRule("r", fields("label", config.FieldMatcher{OneOf: list("", "Prod")}))},
			ev:    siteEvent("Active", nil), tr: first("Active"), want: []string{"r"},
		},
		{
			name:  "field regex",
			rules: []config.Rule{notifyRule("r", fields("host_name", config.FieldMatcher{Regex: `\.example\.com$`}))},
			ev:    siteEvent("Active", nil), tr: first("Active"), want: []string{"r"},
		},
		{
			name:  "field regex no match",
			rules: []config.Rule{notifyRule("r", fields("host_name", config.FieldMatcher{Regex: "^prod-"}))},
			ev:    siteEvent("Active", nil), tr: first("Active"), want: []string{},
		},
		{
			name:  "field regex on absent",
			rules: []config.Rule{notifyRule("r", fields("label", config.FieldMatcher{Regex: "^$|x"}))},
			ev:    siteEvent("Active", nil), tr: first("Active"), want: []string{"r"},
		},
		{
			name:  "field not equals",
			rules: []config.Rule{notifyRule("r", fields("plan", config.FieldMatcher{Not: &config.FieldMatcher{Equals: text("Trial")}}))},
			ev:    siteEvent("Active", nil), tr: first("Active"), want: []string{"r"},
		},
		{
			name:  "field not equals same value",
			rules: []config.Rule{notifyRule("r", fields("plan", config.FieldMatcher{Not: &config.FieldMatcher{Equals: text("Trial")}}))},
			ev:    trialSite, tr: first("Active"), want: []string{},
		},
		{
			name:  "field not regex on absent",
			rules: []config.Rule{notifyRule("r", fields("label", config.FieldMatcher{Not: &config.FieldMatcher{Regex: "^test"}}))},
			ev:    siteEvent("Active", nil), tr: first("Active"), want: []string{"r"},
		},
		{
			name:  "field present",
			rules: []config.Rule{notifyRule("r", fields("trial_end_date", config.FieldMatcher{Present: flag(true)}))},
			ev:    trialSite, tr: first("Active"), want: []string{"r"},
		},
		{
			name:  "field present on absent",
			rules: []config.Rule{notifyRule("r", fields("trial_end_date", config.FieldMatcher{Present: flag(true)}))},
			ev:    siteEvent("Active", nil), tr: first("Active"), want: []string{},
		},
		{
			name:  "field not present on absent",
			rules: []config.Rule{notifyRule("r", fields("trial_end_date", config.FieldMatcher{Present: flag(false)}))},
			ev:    siteEvent("Active", nil), tr: first("Active"), want: []string{"r"},
		},
		{
			name:  "field date in text form",
			rules: []config.Rule{notifyRule("r", fields("trial_end_date", config.FieldMatcher{Equals: text("2026-08-28")}))},
			ev:    trialSite, tr: first("Active"), want: []string{"r"},
		},
		{
			name:  "field number in text form",
			rules: []config.Rule{notifyRule("r", fields("retry_count", config.FieldMatcher{OneOf: list("1", "2")}))},
			ev:    deployEvent("Scheduled", "team-b21c", 1), tr: first("Scheduled"), want: []string{"r"},
		},
		{
			name:  "field check in text form",
			rules: []config.Rule{notifyRule("r", fields("is_ssh_proxy_setup", config.FieldMatcher{Equals: text("0")}))},
			ev:    benchEvent("Broken"), tr: change("Active", "Broken"), want: []string{"r"},
		},
		{
			name: "every field must match",
			rules: []config.Rule{notifyRule("r", config.Match{Fields: map[string]config.FieldMatcher{
				"type":    {Equals: text("Downgrade")},
				"to_plan": {Equals: text("USD 50")},
			}})},
			ev: downgrade, want: []string{},
		},
	}
}

func conditionCases() []matchCase {
	deploy := list(notifier.EventDeployStatus)
	return []matchCase{
		{
			name:  "when reads data",
			rules: []config.Rule{notifyRule("r", config.Match{Event: deploy, When: "data.retry_count > 0"})},
			ev:    deployEvent("Scheduled", "team-b21c", 1), tr: first("Scheduled"),
			want: []string{"r"},
		},
		{
			name:  "when false",
			rules: []config.Rule{notifyRule("r", config.Match{Event: deploy, When: "data.retry_count > 0"})},
			ev:    deployEvent("Scheduled", "team-b21c", 0), tr: first("Scheduled"),
			want: []string{},
		},
		{
			name:  "when reads transition and team",
			rules: []config.Rule{notifyRule("r", config.Match{When: `to == "Broken" && team == "team-7f3a"`})},
			ev:    siteEvent("Broken", nil), tr: change("Active", "Broken"),
			want: []string{"r"},
		},
		{
			name:  "when other team",
			rules: []config.Rule{notifyRule("r", config.Match{When: `to == "Broken" && team == "team-7f3a"`})},
			ev:    deployEvent("Failure", "team-b21c", 0), tr: change("Running", "Broken"),
			want: []string{},
		},
		{
			name:  "when on time values",
			rules: []config.Rule{notifyRule("r", config.Match{When: `modified != nil && now - modified > duration("24h")`})},
			ev:    benchEvent("Broken"), tr: change("Active", "Broken"),
			want: []string{"r"},
		},
		{
			name: "when runtime error",
			rules: []config.Rule{
				notifyRule("bad", config.Match{When: "data.missing.x > 1"}),
				notifyRule("next", config.Match{}),
			},
			ev: benchEvent("Broken"), tr: change("Active", "Broken"),
			want: []string{"next"},
			errs: []string{`rule "bad": when condition failed: cannot fetch x from <nil> at line 1, column 14`},
		},
		{
			name:  "when non-bool at run time",
			rules: []config.Rule{notifyRule("bad", config.Match{When: "data.group"})},
			ev:    benchEvent("Broken"), tr: change("Active", "Broken"),
			want: []string{},
			errs: []string{`rule "bad": when condition failed: invalid operation: bool(string) at line 1, column 1`},
		},
		{
			name:  "when skipped after failed match",
			rules: []config.Rule{notifyRule("r", config.Match{Event: deploy, When: "data.missing.x > 1"})},
			ev:    benchEvent("Broken"), tr: change("Active", "Broken"),
			want: []string{},
		},
	}
}

func flowCases() []matchCase {
	stop := func(r config.Rule, cont bool) config.Rule {
		r.Continue = flag(cont)
		return r
	}
	bench := list(notifier.EventBenchStatus)
	return []matchCase{
		{
			name: "rules in configuration order",
			rules: []config.Rule{
				notifyRule("any-1", config.Match{Event: list("*")}),
				notifyRule("site", config.Match{Event: list(notifier.EventSiteStatus)}),
				notifyRule("bench", config.Match{Event: bench}),
				notifyRule("any-2", config.Match{}),
				notifyRule("bench-broken", config.Match{Event: bench, To: list("Broken")}),
			},
			ev: benchEvent("Broken"), tr: change("Active", "Broken"),
			want: []string{"any-1", "bench", "any-2", "bench-broken"},
		},
		{
			name: "unknown event reaches only star rules",
			rules: []config.Rule{
				notifyRule("bench", config.Match{Event: bench}),
				notifyRule("any", config.Match{Event: list("*")}),
			},
			ev:   &notifier.Event{Name: "Server Status Update", Doctype: "Server", Status: "Active"},
			tr:   first("Active"),
			want: []string{"any"},
		},
		{
			name: "continue false stops",
			rules: []config.Rule{
				stop(notifyRule("first", config.Match{Event: bench}), false),
				notifyRule("second", config.Match{}),
			},
			ev: benchEvent("Broken"), tr: change("Active", "Broken"),
			want: []string{"first"},
		},
		{
			name: "continue false without match",
			rules: []config.Rule{
				stop(notifyRule("first", config.Match{Event: bench, To: list("Active")}), false),
				notifyRule("second", config.Match{}),
			},
			ev: benchEvent("Broken"), tr: change("Active", "Broken"),
			want: []string{"second"},
		},
		{
			name: "continue true goes on",
			rules: []config.Rule{
				stop(notifyRule("first", config.Match{Event: bench}), true),
				notifyRule("second", config.Match{}),
			},
			ev: benchEvent("Broken"), tr: change("Active", "Broken"),
			want: []string{"first", "second"},
		},
	}
}

func TestMatchResult(t *testing.T) {
	e := mustCompile(t, config.Rule{
		Name:     "bench-broken",
		Match:    config.Match{Event: list(notifier.EventBenchStatus), To: list("Broken")},
		Notify:   []string{"ops", "devs"},
		Template: "bench-alert",
		Mention:  []string{"user:U024BE7LH", "group:SAZ94GDB8", "role:1234567890"},
	})
	ev, tr := benchEvent("Broken"), change("Active", "Broken")

	matches, errs := e.Match(ev, tr, env(ev, tr))
	if len(errs) != 0 {
		t.Errorf("errors = %v, want none", errs)
	}
	want := []Match{{
		Rule:     "bench-broken",
		Channels: []string{"ops", "devs"},
		Template: "bench-alert",
		Mentions: []notifier.Mention{
			{Kind: notifier.MentionUser, ID: "U024BE7LH"},
			{Kind: notifier.MentionGroup, ID: "SAZ94GDB8"},
			{Kind: notifier.MentionRole, ID: "1234567890"},
		},
	}}
	if !reflect.DeepEqual(matches, want) {
		t.Errorf("matches = %+v, want %+v", matches, want)
	}
}

func TestMatchZeroEngine(t *testing.T) {
	var e Engine
	ev, tr := benchEvent("Broken"), change("Active", "Broken")
	matches, errs := e.Match(ev, tr, env(ev, tr))
	if len(matches) != 0 {
		t.Errorf("matches = %v, want none", matches)
	}
	if len(errs) != 0 {
		t.Errorf("errors = %v, want none", errs)
	}
}

// TestMatchConcurrent runs conditions from many goroutines, which share
// the engine's pool of expr machines. Run it with -race.
func TestMatchConcurrent(t *testing.T) {
	e := mustCompile(t,
		notifyRule("retry", config.Match{When: "data.retry_count > 0"}),
		notifyRule("failure", config.Match{When: `to == "Failure"`}),
	)

	var wg sync.WaitGroup
	results := make([]string, 16)
	for i := range results {
		wg.Go(func() {
			ev := deployEvent("Failure", "team-7f3a", int64(i%2))
			tr := change("Running", "Failure")
			matches, errs := e.Match(ev, tr, env(ev, tr))
			results[i] = fmt.Sprint(ruleNames(matches), len(errs))
		})
	}
	wg.Wait()

	for i, got := range results {
		want := "[failure] 0"
		if i%2 == 1 {
			want = "[retry failure] 0"
		}
		if got != want {
			t.Errorf("goroutine %d: result = %q, want %q", i, got, want)
		}
	}
}
