package rules

import (
	"strconv"
	"testing"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
)

// benchRules returns n rules spread over the known event names and "*",
// with status lists, field matchers of every kind and a condition on
// every tenth rule.
func benchRules(n int) []config.Rule {
	events := []string{notifier.EventSiteStatus, notifier.EventBenchStatus, notifier.EventDeployStatus, notifier.EventSitePlanChange, "*"}
	statuses := []string{"Pending", "Installing", "Updating", "Active", "Broken", "Archived", "Failure", "Success"}
	matchers := []config.FieldMatcher{
		{Equals: text("Frankfurt")},
		{OneOf: list("bench-0142", "bench-0019")},
		{Regex: "^bench-0[0-9]+$"},
		{Not: &config.FieldMatcher{Equals: text("Default")}},
		{Present: flag(true)},
	}
	fieldNames := []string{"cluster", "group", "group", "cluster", "status"}
	conditions := []string{
		"(data.retry_count ?? 0) > 0",
		`to == "Broken" && team == "team-7f3a"`,
		`changed && group startsWith "bench-01"`,
		`kind == "change" && data.cluster in ["Frankfurt", "Mumbai"]`,
	}

	rules := make([]config.Rule, n)
	for i := range rules {
		m := config.Match{Event: list(events[(i+i/10)%len(events)])}
		if i%3 == 0 {
			m.To = list(statuses[i%len(statuses)], statuses[(i+3)%len(statuses)])
		}
		if i%4 == 1 {
			k := (i / 4) % len(matchers)
			m.Fields = map[string]config.FieldMatcher{fieldNames[k]: matchers[k]}
		}
		if i%7 == 2 {
			m.Team = list("team-7f3a", "team-b21c")
		}
		if i%10 == 9 {
			m.When = conditions[(i/10)%len(conditions)]
		}
		rules[i] = notifyRule("rule-"+strconv.Itoa(i), m)
	}
	return rules
}

func BenchmarkMatch1000Rules(b *testing.B) {
	e := mustCompile(b, benchRules(1000)...)
	ev, tr := benchEvent("Broken"), change("Active", "Broken")
	data := env(ev, tr)

	matches, errs := e.Match(ev, tr, data)
	if len(errs) != 0 {
		b.Fatalf("errors: %v", errs)
	}
	b.ReportAllocs()

	for b.Loop() {
		e.Match(ev, tr, data)
	}
	b.ReportMetric(float64(len(matches)), "matches/op")
}
