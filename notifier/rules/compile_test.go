package rules

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
)

const unknownNameHint = ". Conditions can use bench, changed, cluster, data, deploy, doctype, document, endpoint, event, from, group, history, kind, links, modified, names, new_plan, now, previous_plan, received, repeat_since, repeats, server, site, site_was_trial, status, team, team_name, to, and payload fields under data, such as data.retry_count"

func TestCompileProblems(t *testing.T) {
	cases := []struct {
		name string
		rule config.Rule
		want []config.Problem
	}{
		{
			name: "when syntax error",
			rule: notifyRule("r", config.Match{When: "to =="}),
			want: []config.Problem{{Path: "rules[0].match.when", Message: "invalid when condition", Hint: "unexpected token EOF at line 1, column 5"}},
		},
		{
			name: "when unknown name",
			rule: notifyRule("r", config.Match{When: `stauts == "Broken"`}),
			want: []config.Problem{{Path: "rules[0].match.when", Message: "invalid when condition", Hint: "unknown name stauts at line 1, column 1" + unknownNameHint}},
		},
		{
			name: "when unknown name on line two",
			rule: notifyRule("r", config.Match{When: "to == \"Broken\" &&\n  tem == \"team-7f3a\""}),
			want: []config.Problem{{Path: "rules[0].match.when", Message: "invalid when condition", Hint: "unknown name tem at line 2, column 3" + unknownNameHint}},
		},
		{
			name: "when not bool",
			rule: notifyRule("r", config.Match{When: "1 + 1"}),
			want: []config.Problem{{Path: "rules[0].match.when", Message: "invalid when condition", Hint: "expected bool, but got int"}},
		},
		{
			name: "when mismatched types",
			rule: notifyRule("r", config.Match{When: `event + 1 == "x"`}),
			want: []config.Problem{{Path: "rules[0].match.when", Message: "invalid when condition", Hint: "invalid operation: + (mismatched types string and int) at line 1, column 7"}},
		},
		{
			name: "regex invalid",
			rule: notifyRule("r", config.Match{Fields: map[string]config.FieldMatcher{"host_name": {Regex: "(prod"}}}),
			want: []config.Problem{{Path: "rules[0].match.fields.host_name.regex", Message: `invalid regex "(prod"`, Hint: "error parsing regexp: missing closing ): `(prod`"}},
		},
		{
			name: "regex invalid under not",
			rule: notifyRule("r", config.Match{Fields: map[string]config.FieldMatcher{"label": {Not: &config.FieldMatcher{Regex: "a**"}}}}),
			want: []config.Problem{{Path: "rules[0].match.fields.label.not.regex", Message: `invalid regex "a**"`, Hint: "error parsing regexp: invalid nested repetition operator: `**`"}},
		},
		{
			name: "matcher empty",
			rule: notifyRule("r", config.Match{Fields: map[string]config.FieldMatcher{"plan": {}}}),
			want: []config.Problem{{Path: "rules[0].match.fields.plan", Message: "empty matcher", Hint: matcherHint}},
		},
		{
			name: "mention problems",
			rule: config.Rule{Name: "r", Notify: []string{"ops"}, Mention: []string{"user:U1", "usr:U2", "role:", "user:<!everyone>", "U3"}},
			want: []config.Problem{
				{Path: "rules[0].mention[1]", Message: `invalid mention "usr:U2"`, Hint: mentionHint},
				{Path: "rules[0].mention[2]", Message: `invalid mention "role:"`, Hint: mentionHint},
				{Path: "rules[0].mention[3]", Message: `invalid mention "user:<!everyone>"`, Hint: mentionHint},
				{Path: "rules[0].mention[4]", Message: `invalid mention "U3"`, Hint: mentionHint},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Compile(&config.Config{Rules: []config.Rule{tc.rule}})
			if e != nil {
				t.Errorf("Compile returned an engine, want nil")
			}
			var problems config.Problems
			if !errors.As(err, &problems) {
				t.Fatalf("error = %#v, want config.Problems", err)
			}
			if !reflect.DeepEqual([]config.Problem(problems), tc.want) {
				t.Errorf("problems =\n%#v\nwant\n%#v", problems, tc.want)
			}
		})
	}
}

func TestCompileCollectsAllProblems(t *testing.T) {
	cfg := &config.Config{
		File: "fcnotify.yaml",
		Rules: []config.Rule{
			notifyRule("ok", config.Match{To: list("Broken")}),
			notifyRule("bad-when", config.Match{When: "to =="}),
			{
				Name:    "bad-both",
				Notify:  []string{"ops"},
				Mention: []string{"here"},
				Match: config.Match{
					When:   "data.x >",
					Fields: map[string]config.FieldMatcher{"b": {Regex: "["}, "a": {Regex: "("}},
				},
			},
		},
	}

	_, err := Compile(cfg)
	var problems config.Problems
	if !errors.As(err, &problems) {
		t.Fatalf("error = %#v, want config.Problems", err)
	}
	var paths []string
	for _, p := range problems {
		paths = append(paths, p.Path)
	}
	want := []string{
		"rules[1].match.when",
		"rules[2].mention[0]",
		"rules[2].match.fields.a.regex",
		"rules[2].match.fields.b.regex",
		"rules[2].match.when",
	}
	if !slices.Equal(paths, want) {
		t.Errorf("problem paths = %q, want %q", paths, want)
	}

	firstLine := strings.SplitN(err.Error(), "\n", 2)[0]
	wantLine := "fcnotify.yaml: rules[1].match.when: invalid when condition (hint: unexpected token EOF at line 1, column 5)"
	if firstLine != wantLine {
		t.Errorf("first error line = %q, want %q", firstLine, wantLine)
	}
}

func TestCompileRuleInfo(t *testing.T) {
	e := mustCompile(t,
		config.Rule{
			Name:     "deploy-failed",
			Match:    config.Match{Event: list(notifier.EventDeployStatus), Doctype: list("Deploy Candidate Build"), To: list("Failure")},
			Notify:   []string{"devs"},
			Template: "deploy",
			Mention:  []string{"role:42"},
		},
		notifyRule("everything", config.Match{Event: list(notifier.EventSiteStatus, "*")}),
		notifyRule("no-list", config.Match{}),
	)

	if got, want := e.Rules(), []string{"deploy-failed", "everything", "no-list"}; !slices.Equal(got, want) {
		t.Errorf("Rules() = %q, want %q", got, want)
	}

	cases := []struct {
		name string
		want RuleInfo
		ok   bool
	}{
		{"deploy-failed", RuleInfo{
			Name: "deploy-failed", Index: 0,
			Events:   []string{notifier.EventDeployStatus},
			Doctypes: []string{"Deploy Candidate Build"},
			Channels: []string{"devs"}, Template: "deploy",
			Mentions: []notifier.Mention{{Kind: notifier.MentionRole, ID: "42"}},
			To:       []string{"Failure"},
		}, true},
		{"everything", RuleInfo{Name: "everything", Index: 1, Channels: []string{"ops"}}, true},
		{"no-list", RuleInfo{Name: "no-list", Index: 2, Channels: []string{"ops"}}, true},
		{"missing", RuleInfo{}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := e.Rule(tc.name)
			if ok != tc.ok {
				t.Errorf("Rule(%q) found = %v, want %v", tc.name, ok, tc.ok)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Rule(%q) = %+v, want %+v", tc.name, got, tc.want)
			}
		})
	}
}

func TestCompileEmptyConfig(t *testing.T) {
	e, err := Compile(&config.Config{})
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	if got := e.Rules(); len(got) != 0 {
		t.Errorf("Rules() = %q, want none", got)
	}
}

func TestCompileProblemLines(t *testing.T) {
	const file = "fcnotify.yaml"
	yaml := `channels:
  ops: {console: {}}
rules:
  - name: bench-broken
    match: {event: Bench Status Update, to: Broken}
    notify: [ops]
  - name: prod-broken
    match:
      event: "*"
      when: 'stauts == "Broken"'
      fields:
        host_name: {regex: "(prod"}
    notify: [ops]
`
	cfg, err := config.Parse([]byte(yaml), file)
	if err != nil {
		t.Fatalf("config.Parse: %v", err)
	}

	_, err = Compile(cfg)
	var problems config.Problems
	if !errors.As(err, &problems) {
		t.Fatalf("error = %#v, want config.Problems", err)
	}
	want := []config.Problem{
		{File: file, Line: 10, Path: "rules[1].match.when", Message: "invalid when condition", Hint: "unknown name stauts at line 1, column 1" + unknownNameHint},
		{File: file, Line: 12, Path: "rules[1].match.fields.host_name.regex", Message: `invalid regex "(prod"`, Hint: "error parsing regexp: missing closing ): `(prod`"},
	}
	if !reflect.DeepEqual([]config.Problem(problems), want) {
		t.Errorf("problems =\n%#v\nwant\n%#v", problems, want)
	}
}
