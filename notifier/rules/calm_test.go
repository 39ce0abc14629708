package rules

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/notifier/config"
)

func TestCompileCalmOptions(t *testing.T) {
	quiet := &config.QuietHours{Zone: "UTC", Location: time.UTC, Days: [7]bool{time.Sunday: true}}
	tests := []struct {
		name string
		rule config.Rule
		want *Calm
	}{
		{
			name: "none",
			rule: notifyRule("r", config.Match{}),
			want: nil,
		},
		{
			name: "group with default template",
			rule: withCalm(notifyRule("r", config.Match{}), func(r *config.Rule) {
				r.Group = &config.Group{
					By:   config.StringList{"group", "names.group", "data.cluster"},
					Wait: config.Duration(30 * time.Second), MaxWait: config.Duration(2 * time.Minute),
				}
			}),
			want: &Calm{Group: &Grouping{
				By:   []string{"group", "names.group", "data.cluster"},
				Wait: 30 * time.Second, MaxWait: 2 * time.Minute, Template: "group",
			}},
		},
		{
			name: "every other option",
			rule: withCalm(notifyRule("r", config.Match{}), func(r *config.Rule) {
				r.RepeatAfter = config.Duration(4 * time.Hour)
				r.Settle = config.Duration(2 * time.Minute)
				r.Thread = true
				r.Quiet = quiet
				r.Urgent = true
			}),
			want: &Calm{RepeatAfter: 4 * time.Hour, Settle: 2 * time.Minute, Living: LivingThread, Quiet: quiet, Urgent: true},
		},
		{
			name: "update alone",
			rule: withCalm(notifyRule("r", config.Match{}), func(r *config.Rule) { r.Update = true }),
			want: &Calm{Living: LivingUpdate},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustCompile(t, tc.rule)
			info, _ := e.Rule("r")
			if !reflect.DeepEqual(info.Calm, tc.want) {
				t.Errorf("RuleInfo.Calm = %+v, want %+v", info.Calm, tc.want)
			}
			ev, tr := benchEvent("Broken"), change("Active", "Broken")
			matches, _ := e.Match(ev, tr, env(ev, tr))
			if len(matches) != 1 {
				t.Fatalf("matches = %d, want 1", len(matches))
			}
			if matches[0].Calm != info.Calm {
				t.Errorf("Match.Calm = %p, want the RuleInfo's %p", matches[0].Calm, info.Calm)
			}
		})
	}
}

func TestCompileCalmUnknownGroupKey(t *testing.T) {
	rule := withCalm(notifyRule("r", config.Match{}), func(r *config.Rule) {
		r.Group = &config.Group{By: config.StringList{"group", "stauts", "names.release", "data.", "team.name"}}
	})
	_, err := Compile(&config.Config{Rules: []config.Rule{rule}})
	var problems config.Problems
	if !errors.As(err, &problems) {
		t.Fatalf("error = %v, want Problems", err)
	}

	hint := "name a template data key: " + sampleKeys + ", or a payload field under data, such as data.cluster"
	want := []config.Problem{
		{Path: "rules[0].group.by[1]", Message: `unknown group key "stauts"`, Hint: hint},
		{Path: "rules[0].group.by[2]", Message: `unknown group key "names.release"`, Hint: hint},
		{Path: "rules[0].group.by[3]", Message: `unknown group key "data."`, Hint: hint},
		{Path: "rules[0].group.by[4]", Message: `unknown group key "team.name"`, Hint: hint},
	}
	if len(problems) != len(want) {
		t.Fatalf("problems = %v, want %d", problems, len(want))
	}
	for i := range want {
		if problems[i] != want[i] {
			t.Errorf("problem %d =\n%+v\nwant\n%+v", i, problems[i], want[i])
		}
	}
}

const sampleKeys = "bench, changed, cluster, data, deploy, doctype, document, endpoint, event, from, group, history, kind, links, modified, names, new_plan, now, previous_plan, received, repeat_since, repeats, server, site, site_was_trial, status, team, team_name, to"

func withCalm(r config.Rule, set func(*config.Rule)) config.Rule {
	set(&r)
	return r
}
