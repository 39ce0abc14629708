package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseExpandsEnvironment(t *testing.T) {
	t.Parallel()
	environment := env{
		"LISTEN":  ":9090",
		"SECRET":  "s3cret: #not a comment",
		"BACKLOG": "250",
		"EMPTY":   "",
		"NULLISH": "null",
		"TEAM":    "team-7f3a",
	}
	cfg, err := parseText(t, environment,
		"listen: ${LISTEN}",
		"dashboard_url: ${DASHBOARD:-https://fc.example/dash/}",
		"state: {path: \"${STATE_DIR:-/var/lib}/fc.db\"}",
		"delivery: {max_backlog: ${BACKLOG}}",
		"# ${UNSET_IN_COMMENT} is never looked up, and ${ ${1X} are no problem",
		"webhook:",
		"  secrets:",
		"    - {value: ${SECRET}, teams: [\"${TEAM}\"]}",
		"    - value: ${NULLISH}",
		"    - value: \"costs $$5 ${EMPTY:-and more}\"",
		"    - value: $${NOT_A_VAR}",
	)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}

	checks := []struct {
		name, got, want string
	}{
		{"listen", cfg.Listen, ":9090"},
		{"default with slash trimmed", cfg.DashboardURL, "https://fc.example/dash"},
		{"default inside quotes", cfg.State.Path, "/var/lib/fc.db"},
		{"special characters stay one value", cfg.Webhook.Secrets[0].Value.Reveal(), "s3cret: #not a comment"},
		{"flow list", cfg.Webhook.Secrets[0].Teams[0], "team-7f3a"},
		{"value null stays a string", cfg.Webhook.Secrets[1].Value.Reveal(), "null"},
		{"escape and empty default", cfg.Webhook.Secrets[2].Value.Reveal(), "costs $5 and more"},
		{"escaped reference", cfg.Webhook.Secrets[3].Value.Reveal(), "${NOT_A_VAR}"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if cfg.Delivery.MaxBacklog != 250 {
		t.Errorf("max_backlog = %d, want 250", cfg.Delivery.MaxBacklog)
	}
}

func TestParseReadsProcessEnvironment(t *testing.T) {
	t.Setenv("FCNOTIFY_TEST_LISTEN", "127.0.0.1:7070")
	cfg, err := Parse([]byte("listen: ${FCNOTIFY_TEST_LISTEN}\n"), "config.yaml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if cfg.Listen != "127.0.0.1:7070" {
		t.Errorf("listen = %q, want %q", cfg.Listen, "127.0.0.1:7070")
	}
}

func TestParseReportsEnvironmentProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{
			name:  "missing in a key",
			lines: []string{"names:", "  teams:", "    ${TEAM_ID}: Acme"},
			want:  `config.yaml:3: names.teams: environment variable "TEAM_ID" is not set (hint: set it, or give a default with ${TEAM_ID:-default})`,
		},
		{
			name:  "invalid name",
			lines: []string{"listen: \":1\"", "dashboard_url: https://x.example/${1ST}"},
			want:  `config.yaml:2: dashboard_url: invalid environment variable name "1ST" (hint: write ${NAME} or ${NAME:-default}, and $$ for a literal $)`,
		},
		{
			name:  "missing inside a block scalar",
			lines: []string{"templates:", "  t:", "    title: |", "      first", "      ${WHO}"},
			want:  `config.yaml:5: templates.t.title: environment variable "WHO" is not set (hint: set it, or give a default with ${WHO:-default})`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseText(t, nil, tc.lines...)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error =\n%v\nwant\n%s", err, tc.want)
			}
		})
	}
}

func TestParseReadsFileForms(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{
		"secret.txt":       "webhook-secret\n",
		"slack-url":        "https://hooks.slack.com/services/T1/B1/fileSECRET\r\n",
		"discord-token":    "discord-bot-token",
		"sub/slack-token":  "xoxb-file-token\n\n",
		"templates/t.yaml": "title: \"{{ .Site }} is {{ $.Status }}\"\ntext: body\n",
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	data := yamlText(
		"webhook:",
		"  secrets:",
		"    - value_file: secret.txt",
		"channels:",
		"  ops: {slack: {webhook_url_file: slack-url}}",
		"  bot: {slack: {token_file: sub/slack-token, channel: C1}}",
		"  dev: {discord: {token_file: "+filepath.Join(dir, "discord-token")+", channel_id: \"123\"}}",
		"templates:",
		"  t: {file: templates/t.yaml}",
	)
	cfg, err := Parse(data, filepath.Join(dir, "config.yaml"))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}

	checks := []struct {
		name, got, want string
	}{
		{"value_file", cfg.Webhook.Secrets[0].Value.Reveal(), "webhook-secret"},
		{"webhook_url_file", cfg.Channels["ops"].Slack.WebhookURL.Reveal(), "https://hooks.slack.com/services/T1/B1/fileSECRET"},
		{"token_file in a subdirectory", cfg.Channels["bot"].Slack.Token.Reveal(), "xoxb-file-token\n"},
		{"absolute token_file", cfg.Channels["dev"].Discord.Token.Reveal(), "discord-bot-token"},
		{"template title without expansion", cfg.Templates["t"].Title, "{{ .Site }} is {{ $.Status }}"},
		{"template text", cfg.Templates["t"].Text, "body"},
		{"template file kept", cfg.Templates["t"].File, "templates/t.yaml"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	problem := cfg.Problem("templates.t.text", "bad", "")
	if want := filepath.Join(dir, "templates/t.yaml") + ":2: templates.t.text: bad"; problem.Error() != want {
		t.Errorf("template problem = %q, want %q", problem.Error(), want)
	}
	problem = cfg.Problem("templates.t.file", "bad", "")
	if want := filepath.Join(dir, "config.yaml") + ":9: templates.t.file: bad"; problem.Error() != want {
		t.Errorf("template file problem = %q, want %q", problem.Error(), want)
	}
}

func TestParseReportsFileFormProblems(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "empty"), []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"t.yaml": "text: body\ncolour: red\n",
		"u.yaml": "text: no title\n",
		"huge":   strings.Repeat("x", maxSecretFile+1),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	data := yamlText(
		"webhook:",
		"  secrets:",
		"    - {value: inline, value_file: empty}",
		"    - value_file: empty",
		"    - value_file: missing",
		"    - value_file: .",
		"    - value_file: huge",
		"templates:",
		"  t: {file: t.yaml}",
		"  gone: {file: gone.yaml}",
		"  u: {file: u.yaml}",
	)
	_, err := Parse(data, filepath.Join(dir, "config.yaml"))
	config, tmpl := filepath.Join(dir, "config.yaml"), filepath.Join(dir, "t.yaml")
	want := config + `:3: webhook.secrets[0].value_file: both value and value_file are set (hint: set only one of them)` + "\n" +
		config + `:4: webhook.secrets[1].value_file: file "` + filepath.Join(dir, "empty") + `" is empty` + "\n" +
		config + `:5: webhook.secrets[2].value_file: cannot read file "` + filepath.Join(dir, "missing") + `": no such file or directory` + "\n" +
		config + `:6: webhook.secrets[3].value_file: "` + dir + `" is not a regular file` + "\n" +
		config + `:7: webhook.secrets[4].value_file: file "` + filepath.Join(dir, "huge") + `" is larger than 65536 bytes` + "\n" +
		config + `:10: templates.gone.file: cannot read file "` + filepath.Join(dir, "gone.yaml") + `": no such file or directory` + "\n" +
		tmpl + `:2: templates.t: unknown key "colour" (known keys: file, title, url, text, fields, color, footer, links)` + "\n" +
		filepath.Join(dir, "u.yaml") + `:1: templates.u.title: missing title (hint: every template needs a title)`
	if err == nil || err.Error() != want {
		t.Errorf("error =\n%v\nwant\n%s", err, want)
	}
}
