package server

import (
	"testing"

	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/render"
)

func TestCompileReportsFileAndLine(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{
			name: "template that does not parse",
			yaml: `
templates:
  short:
    title: "{{ .document "
rules:
  - name: r
    match: {event: "*"}
    notify: [console]
    template: short
`,
			want: `test.yaml:4: templates.short.title: line 1: unclosed action (hint: fix the template syntax; see docs/templates.md)`,
		},
		{
			name: "template calling an unknown function",
			yaml: `
templates:
  short:
    title: "{{ shout .document }}"
rules:
  - name: r
    match: {event: "*"}
    notify: [console]
    template: short
`,
			want: `test.yaml:4: templates.short.title: line 1: function "shout" not defined (hint: fix the template syntax; see docs/templates.md)`,
		},
		{
			name: "when that does not compile",
			yaml: `
rules:
  - name: r
    match:
      event: "*"
      when: to ==
    notify: [console]
`,
			want: `test.yaml:6: rules[0].match.when: invalid when condition (hint: unexpected token EOF at line 1, column 5)`,
		},
		{
			name: "regex that does not compile",
			yaml: `
rules:
  - name: r
    match:
      event: "*"
      fields:
        name: {regex: "site("}
    notify: [console]
`,
			want: "test.yaml:7: rules[0].match.fields.name.regex: invalid regex \"site(\" (hint: error parsing regexp: missing closing ): `site(`)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(tt.yaml), "test.yaml")
			if err != nil {
				t.Fatalf("config.Parse: %v", err)
			}
			_, err = Compile(cfg, render.Options{})
			if err == nil {
				t.Fatal("Compile returned no error")
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got %s\nwant %s", err, tt.want)
			}
		})
	}
}
