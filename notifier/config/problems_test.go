package config

import (
	"errors"
	"strings"
	"testing"
)

// env is a fake environment for parse.
type env map[string]string

func (e env) lookup(name string) (string, bool) {
	v, ok := e[name]
	return v, ok
}

// yamlText joins lines into a YAML document, so tests can name lines.
func yamlText(lines ...string) []byte {
	return []byte(strings.Join(lines, "\n") + "\n")
}

// parseText parses lines as "config.yaml" in the fake environment.
func parseText(t *testing.T, environment env, lines ...string) (*Config, error) {
	t.Helper()
	return parse(yamlText(lines...), "config.yaml", environment.lookup)
}

const opsWebhook = "https://hooks.slack.com/services/T000/B000/opsSECRET"

func TestParseReportsProblem(t *testing.T) {
	t.Parallel()
	opsChannel := []string{
		"channels:",
		"  ops:",
		"    slack: {webhook_url: " + opsWebhook + "}",
		"  devs:",
		"    discord: {webhook_url: https://discord.com/api/webhooks/1/devsSECRET}",
	}
	withOps := func(lines ...string) []string { return append(append([]string{}, opsChannel...), lines...) }

	tests := []struct {
		name  string
		lines []string
		env   env
		want  string
	}{
		{
			name:  "unknown top-level key",
			lines: []string{"listen: \":8080\"", "chanels: {}"},
			want:  `config.yaml:2: unknown key "chanels" (known keys: listen, dashboard_url, time, webhook, state, delivery, schedule, names, channels, templates, rules)`,
		},
		{
			name:  "unknown key in match",
			lines: withOps("rules:", "  - name: r", "    match:", "      too: Broken", "    notify: [ops]"),
			want:  `config.yaml:9: rules[0].match: unknown key "too" (known keys: event, doctype, team, from, to, fields, when, repeats, stale)`,
		},
		{
			name:  "unknown channel in notify",
			lines: withOps("rules:", "  - name: r", "    notify: [ops, opz]"),
			want:  `config.yaml:8: rules[0].notify[1]: unknown channel "opz" (hint: defined channels are ops, devs)`,
		},
		{
			name:  "duplicate rule name",
			lines: withOps("rules:", "  - name: broken", "    notify: [ops]", "  - name: broken", "    notify: [devs]"),
			want:  `config.yaml:9: rules[1].name: duplicate rule name "broken" (first defined on line 7) (hint: give each rule a unique name)`,
		},
		{
			name: "channel with slack and discord",
			lines: []string{
				"channels:",
				"  ops:",
				"    slack: {webhook_url: " + opsWebhook + "}",
				"    discord: {webhook_url: https://discord.com/api/webhooks/1/x}",
			},
			want: `config.yaml:2: channels.ops: channel sets both slack and discord (hint: set exactly one of slack, discord, console, and define one channel per destination)`,
		},
		{
			name:  "slack with neither form",
			lines: []string{"channels:", "  ops:", "    slack: {api_url: https://slack.example/api}"},
			want:  `config.yaml:3: channels.ops.slack: missing webhook_url or token (hint: set webhook_url, or token and channel for a bot)`,
		},
		{
			name:  "bad duration",
			lines: []string{"delivery:", "  max_age: 24h", "  timeout: 10x"},
			want:  `config.yaml:3: delivery.timeout: invalid duration "10x" (hint: write a number and a unit, such as "45s", "2m", "24h" or "7d")`,
		},
		{
			name:  "negative duration",
			lines: []string{"delivery: {max_age: -2h}"},
			want:  `config.yaml:1: delivery.max_age: negative duration "-2h" (hint: write a number and a unit, such as "45s", "2m", "24h" or "7d")`,
		},
		{
			name:  "missing env var",
			lines: []string{"webhook:", "  secrets:", "    - value: ${FC_SECRET}"},
			want:  `config.yaml:3: webhook.secrets[0].value: environment variable "FC_SECRET" is not set (hint: set it, or give a default with ${FC_SECRET:-default})`,
		},
		{
			name:  "bad zone",
			lines: []string{"time:", "  source_zone: UTC", "  display_zone: Mars/Olympus"},
			want:  `config.yaml:3: time.display_zone: unknown time zone "Mars/Olympus" (hint: write an IANA name like Europe/Berlin, or UTC)`,
		},
		{
			name:  "bad template reference",
			lines: withOps("templates:", "  short: {title: Hi}", "rules:", "  - name: r", "    notify: [ops]", "    template: deploy"),
			want:  `config.yaml:11: rules[0].template: unknown template "deploy" (hint: known templates are short, site-status, site-plan-change, deploy-status, bench-status, generic, site-trial-expiry, stuck-state)`,
		},
		{
			name:  "bad mention",
			lines: withOps("rules:", "  - name: r", "    notify: [ops]", "    mention: [user:U1, \"@here\"]"),
			want:  `config.yaml:9: rules[0].mention[1]: invalid mention "@here" (hint: write user:ID, group:ID or role:ID, such as user:U0123ABCD)`,
		},
		{
			name:  "invalid webhook URL",
			lines: []string{"channels:", "  ops:", "    slack:", "      webhook_url: hooks.slack.com/services/T0/B0/rawSECRET"},
			want:  `config.yaml:4: channels.ops.slack.webhook_url: invalid URL (hint: write the absolute https URL that the platform shows for the webhook)`,
		},
		{
			name:  "token without channel",
			lines: []string{"channels:", "  bot:", "    slack: {token: xoxb-SECRET}"},
			want:  `config.yaml:3: channels.bot.slack.channel: missing channel (hint: write a channel ID such as C0123456789, or a name such as #ops)`,
		},
		{
			name:  "discord channel id not numeric",
			lines: []string{"channels:", "  bot:", "    discord: {token: SECRET, channel_id: general}"},
			want:  `config.yaml:3: channels.bot.discord.channel_id: invalid channel_id "general" (hint: write the numeric channel ID, which Copy Channel ID shows in Discord's developer mode)`,
		},
		{
			name:  "webhook and token together",
			lines: []string{"channels:", "  ops:", "    discord: {webhook_url: https://d.example/w, token: SECRET}"},
			want:  `config.yaml:3: channels.ops.discord: both webhook_url and token are set (hint: set webhook_url, or token and channel_id for a bot, not both)`,
		},
		{
			name:  "channel without kind",
			lines: []string{"channels:", "  ops: {max_age: 1h}"},
			want:  `config.yaml:2: channels.ops: channel sets none of slack, discord, console (hint: set exactly one of slack, discord, console)`,
		},
		{
			name:  "empty secret",
			lines: []string{"webhook:", "  secrets:", "    - teams: [a]"},
			want:  `config.yaml:3: webhook.secrets[0].value: missing secret value (hint: set value or value_file, or remove the entry to accept requests without a secret)`,
		},
		{
			name:  "endpoint with slash",
			lines: []string{"webhook:", "  secrets:", "    - value: s", "      endpoint: team/a"},
			want:  `config.yaml:4: webhook.secrets[0].endpoint: invalid endpoint name "team/a" (hint: use only letters, digits, _, . and -; the endpoint is served at /webhook/NAME)`,
		},
		{
			name:  "webhook path with final slash",
			lines: []string{"webhook: {path: /hooks/}"},
			want:  `config.yaml:1: webhook.path: path "/hooks/" ends with / (hint: write a path such as "/webhook", without a final slash, so requests are never redirected)`,
		},
		{
			name:  "unsupported state driver",
			lines: []string{"state: {driver: postgres}"},
			want:  `config.yaml:1: state.driver: unsupported driver "postgres" (hint: the only driver is "sqlite")`,
		},
		{
			name:  "backoff limits reversed",
			lines: []string{"delivery:", "  initial_backoff: 10m", "  max_backoff: 1m"},
			want:  `config.yaml:3: delivery.max_backoff: max_backoff 1m is shorter than initial_backoff 10m (hint: raise max_backoff or lower initial_backoff)`,
		},
		{
			name:  "bad size",
			lines: []string{"webhook: {max_body: 1MiBs}"},
			want:  `config.yaml:1: webhook.max_body: invalid size "1MiBs" (hint: write a number of bytes or a size such as "512KiB", "1MiB" or "1MB")`,
		},
		{
			name:  "pace window without count",
			lines: []string{"channels:", "  ops:", "    console: {}", "    pace:", "      - {count: 20, per: 1s}", "      - {per: 1m}"},
			want:  `config.yaml:6: channels.ops.pace[1].count: missing or invalid count (hint: write the number of messages allowed per period, such as 20)`,
		},
		{
			name:  "number expected",
			lines: []string{"delivery: {max_backlog: lots}"},
			want:  `config.yaml:1: delivery.max_backlog: expected a whole number`,
		},
		{
			name:  "list expected",
			lines: withOps("rules:", "  - name: r", "    notify: ops"),
			want:  `config.yaml:8: rules[0].notify: expected a list, found a scalar (hint: write a list, such as [a, b], even for one item)`,
		},
		{
			name:  "alias of the wrong kind",
			lines: withOps("listen: &addr \":1\"", "rules:", "  - name: r", "    notify: *addr"),
			want:  `config.yaml:9: rules[0].notify: expected a list, found a scalar (hint: write a list, such as [a, b], even for one item)`,
		},
		{
			name:  "duplicate key",
			lines: []string{"listen: \":1\"", "listen: \":2\""},
			want:  `config.yaml:2: listen: duplicate key "listen" (first written on line 1)`,
		},
		{
			name:  "matcher with two keys",
			lines: withOps("rules:", "  - name: r", "    notify: [ops]", "    match:", "      fields:", "        site: {regex: ^a, equals: b}"),
			want:  `config.yaml:11: rules[0].match.fields.site: matcher sets regex and equals (hint: set exactly one of equals, one_of, regex, not, present)`,
		},
		{
			name:  "nested matcher unknown key",
			lines: withOps("rules:", "  - name: r", "    notify: [ops]", "    match:", "      fields:", "        site:", "          not: {regexp: ^a}"),
			want:  `config.yaml:12: rules[0].match.fields.site.not: unknown key "regexp" (known keys: equals, one_of, regex, not, present)`,
		},
		{
			name:  "null matcher",
			lines: withOps("rules:", "  - name: r", "    notify: [ops]", "    match:", "      fields:", "        site: ~"),
			want:  `config.yaml:11: rules[0].match.fields.site: empty matcher (hint: write a value, a list, or a mapping; write "" to match an empty value)`,
		},
		{
			name:  "template without title",
			lines: []string{"templates:", "  short:", "    text: body"},
			want:  `config.yaml:2: templates.short.title: missing title (hint: every template needs a title)`,
		},
		{
			name:  "template file with inline parts",
			lines: []string{"templates:", "  short:", "    file: short.yaml", "    title: Hi"},
			want:  `config.yaml:3: templates.short.file: file is set with inline parts (title) (hint: move the parts into the file, or remove file)`,
		},
		{
			name:  "rule without notify",
			lines: withOps("rules:", "  - name: r"),
			want:  `config.yaml:7: rules[0].notify: missing notify (hint: list the channels to send to, such as [ops])`,
		},
		{
			name:  "syntax error",
			lines: []string{"listen: \":8080\"", "rules:", "  - name: a", " notify: [x]"},
			want:  `config.yaml:3: invalid YAML: did not find expected key (hint: check the indentation and quoting around this line)`,
		},
		{
			name:  "two documents",
			lines: []string{"listen: \":1\"", "---", "listen: \":2\""},
			want:  `config.yaml:2: the file holds more than one YAML document (hint: remove the --- separator and merge the documents)`,
		},
		{
			name:  "unterminated reference",
			lines: []string{"listen: \":8080\"", "dashboard_url: ${DASH"},
			want:  `config.yaml:2: dashboard_url: unterminated environment variable reference (hint: write ${NAME} or ${NAME:-default}, and $$ for a literal $)`,
		},
		{
			name:  "alias inside its own anchor",
			lines: []string{"names: &n", "  teams: *n"},
			want:  `config.yaml:2: alias "*n" is used inside its own anchor (hint: an anchor cannot contain itself)`,
		},
		{
			name:  "top level not a mapping",
			lines: []string{"- listen"},
			want:  `config.yaml:1: expected a mapping, found a list`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := parseText(t, tc.env, tc.lines...)
			if cfg != nil {
				t.Errorf("config = %+v, want nil", cfg)
			}
			var problems Problems
			if !errors.As(err, &problems) {
				t.Fatalf("error = %v, want Problems", err)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("error =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestParseReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := parseText(t, nil,
		"listen: nowhere",
		"delivery: {timeout: soon}",
		"channels:",
		"  ops: {slack: {}}",
		"rules:",
		"  - name: a",
		"    notify: [opz]",
		"    mention: [bob]",
	)
	want := strings.Join([]string{
		`config.yaml:1: listen: invalid listen address "nowhere" (hint: write host:port, such as ":8080" or "127.0.0.1:8080")`,
		`config.yaml:2: delivery.timeout: invalid duration "soon" (hint: write a number and a unit, such as "45s", "2m", "24h" or "7d")`,
		`config.yaml:4: channels.ops.slack: missing webhook_url or token (hint: set webhook_url, or token and channel for a bot)`,
		`config.yaml:7: rules[0].notify[0]: unknown channel "opz" (hint: defined channels are ops)`,
		`config.yaml:8: rules[0].mention[0]: invalid mention "bob" (hint: write user:ID, group:ID or role:ID, such as user:U0123ABCD)`,
	}, "\n")
	if err == nil || err.Error() != want {
		t.Errorf("error =\n%v\nwant\n%s", err, want)
	}
}

func TestParseNeverShowsWebhookURL(t *testing.T) {
	t.Parallel()
	secret := "https//hooks.slack.com/services/T0/B0/leakedSECRET"
	_, err := parseText(t, env{"HOOK": secret},
		"channels:",
		"  ops: {slack: {webhook_url: \"${HOOK}\"}}",
		"  bot: {slack: {webhook_url: \"${HOOK}\", channel: x}}",
		"  dev: {discord: {webhook_url: \"${HOOK}\", api_url: \"${HOOK}\"}}",
	)
	if err == nil {
		t.Fatal("error = nil, want problems")
	}
	if strings.Contains(err.Error(), "leakedSECRET") {
		t.Errorf("error shows the webhook URL:\n%v", err)
	}
}

func TestProblemsUnwrap(t *testing.T) {
	t.Parallel()
	_, err := parseText(t, nil, "listen: nowhere")
	var problem Problem
	if !errors.As(err, &problem) {
		t.Fatalf("errors.As(%v, *Problem) = false", err)
	}
	if problem.Path != "listen" {
		t.Errorf("path = %q, want listen", problem.Path)
	}
	if problem.Line != 1 {
		t.Errorf("line = %d, want 1", problem.Line)
	}
}

func TestProblemError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		problem Problem
		want    string
	}{
		{"all parts", Problem{File: "c.yaml", Line: 3, Path: "listen", Message: "bad", Hint: "fix"}, "c.yaml:3: listen: bad (hint: fix)"},
		{"no line", Problem{File: "c.yaml", Path: "listen", Message: "bad"}, "c.yaml: listen: bad"},
		{"no file", Problem{Line: 3, Path: "not.regex", Message: "bad"}, "line 3: not.regex: bad"},
		{"message only", Problem{Message: "bad"}, "bad"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.problem.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestConfigProblemUsesNearestLine(t *testing.T) {
	t.Parallel()
	cfg, err := parseText(t, nil,
		"channels:",
		"  ops:",
		"    slack: {webhook_url: "+opsWebhook+"}",
		"rules:",
		"  - name: a",
		"    notify: [ops]",
		"    match:",
		"      when: site.status == 'Broken'",
	)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	tests := []struct {
		path string
		want string
	}{
		{"rules[0].match.when", `config.yaml:8: rules[0].match.when: bad (hint: fix)`},
		{"rules[0].template", `config.yaml:5: rules[0].template: bad (hint: fix)`},
		{"rules[3]", `config.yaml:4: rules[3]: bad (hint: fix)`},
		{"templates.x", `config.yaml: templates.x: bad (hint: fix)`},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			if got := cfg.Problem(tc.path, "bad", "fix").Error(); got != tc.want {
				t.Errorf("Problem = %q, want %q", got, tc.want)
			}
		})
	}
	if got := cfg.Line("rules[0].notify[0]"); got != 6 {
		t.Errorf("Line(rules[0].notify[0]) = %d, want 6", got)
	}
}
