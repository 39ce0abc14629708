package server

import (
	"testing"

	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/render"
)

func TestVocabularyWarnings(t *testing.T) {
	tests := []struct {
		name  string
		match string
		want  string
	}{
		{"known event and status", `{event: Bench Status Update, to: Broken}`, ""},
		{"first sighting", `{event: Site Status Update, from: [""], to: Active}`, ""},
		{"every event", `{event: "*", to: Whatever}`, ""},
		{
			"misspelled event", `{event: Bench Status Updates}`,
			`w.yaml:4: rules[0].match.event[0]: "Bench Status Updates" is not an event Frappe Cloud sends today: ` +
				`the rule matches it only if it arrives (hint: known events are Bench Deploy Status Update, ` +
				`Bench Status Update, Site Plan Change, Site Status Update, Site Trial Expiry)`,
		},
		{
			"misspelled status", `{event: [Bench Status Update], to: Brokn}`,
			`w.yaml:4: rules[0].match.to[0]: no event of this rule has the status "Brokn", so it never matches ` +
				`(hint: statuses are Active, Archived, Broken, Installing, Pending, Updating)`,
		},
		{
			"status on plan changes", `{event: Site Plan Change, from: Trial}`,
			`w.yaml:4: rules[0].match.from[0]: no event of this rule has the status "Trial", so it never matches ` +
				`(hint: these events carry no status: match a field instead, such as fields: {type: Upgrade})`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yaml := "rules:\n  - name: r\n    notify: [console]\n    match: " + tt.match + "\n"
			cfg, err := config.Parse([]byte(yaml), "w.yaml")
			if err != nil {
				t.Fatal(err)
			}
			compiled, err := Compile(cfg, render.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := compiled.VocabularyWarnings()
			switch {
			case tt.want == "" && len(got) != 0:
				t.Errorf("warnings = %v, want none", got)
			case tt.want != "" && (len(got) != 1 || got[0].Error() != tt.want):
				t.Errorf("warnings = %v\nwant %s", got, tt.want)
			}
		})
	}
}
