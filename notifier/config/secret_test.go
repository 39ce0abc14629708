package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestSecretFormats(t *testing.T) {
	t.Parallel()
	secret := Secret("xoxb-SECRET")
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"v", fmt.Sprintf("%v", secret), "[redacted]"},
		{"s", fmt.Sprintf("%s", secret), "[redacted]"},
		{"q", fmt.Sprintf("%q", secret), `"[redacted]"`},
		{"x", fmt.Sprintf("%x", secret), fmt.Sprintf("%x", "[redacted]")},
		{"plus v", fmt.Sprintf("%+v", secret), "[redacted]"},
		{"sharp v", fmt.Sprintf("%#v", secret), `"[redacted]"`},
		{"width", fmt.Sprintf("%12s|", secret), "  [redacted]|"},
		{"String", secret.String(), "[redacted]"},
		{"GoString", secret.GoString(), `"[redacted]"`},
		{"Reveal", secret.Reveal(), "xoxb-SECRET"},
		{"empty v", fmt.Sprintf("%v", Secret("")), ""},
		{"empty sharp v", fmt.Sprintf("%#v", Secret("")), `""`},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

func TestSecretMarshals(t *testing.T) {
	t.Parallel()
	value := struct {
		Token Secret `json:"token" yaml:"token"`
		Empty Secret `json:"empty" yaml:"empty"`
	}{Token: "xoxb-SECRET"}

	gotJSON, err := json.Marshal(value)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"token":"[redacted]","empty":""}`; string(gotJSON) != want {
		t.Errorf("json = %s, want %s", gotJSON, want)
	}
	gotYAML, err := yaml.Marshal(value)
	if err != nil {
		t.Fatal(err)
	}
	if want := "token: '[redacted]'\nempty: \"\"\n"; string(gotYAML) != want {
		t.Errorf("yaml = %q, want %q", gotYAML, want)
	}
}

// TestConfigNeverShowsSecrets prints, marshals and logs a whole loaded
// configuration and parts of it; each secret in fullEnv contains
// "SECRET", which must never appear.
func TestConfigNeverShowsSecrets(t *testing.T) {
	t.Parallel()
	cfg := loadFull(t)
	if got := cfg.Channels["ops"].Slack.WebhookURL.Reveal(); !strings.Contains(got, "SECRET") {
		t.Fatalf("test setup: ops webhook = %q, want the secret from fullEnv", got)
	}

	outputs := map[string]string{
		"fmt config":  fmt.Sprintf("%v %+v %#v", cfg, cfg, cfg),
		"fmt value":   fmt.Sprintf("%v %+v %#v", *cfg, *cfg, *cfg),
		"fmt slack":   fmt.Sprintf("%v %+v %#v", cfg.Channels["ops"].Slack, *cfg.Channels["bot"].Slack, cfg.Channels["bot"].Slack),
		"fmt discord": fmt.Sprintf("%v %+v %#v", cfg.Channels["devs"].Discord, *cfg.Channels["devs"].Discord, cfg.Channels["devs"].Discord),
		"fmt secrets": fmt.Sprintf("%v %+v %#v", cfg.Webhook, cfg.Webhook.Secrets, cfg.Webhook.Secrets[0]),
	}
	data, err := json.Marshal(cfg)
	if err != nil {
		t.Fatalf("json: %v", err)
	}
	outputs["json"] = string(data)
	redactedYAML, err := cfg.Redacted()
	if err != nil {
		t.Fatalf("Redacted: %v", err)
	}
	outputs["redacted"] = string(redactedYAML)

	for name, handler := range map[string]func(*bytes.Buffer) slog.Handler{
		"slog text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"slog json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var buf bytes.Buffer
		logger := slog.New(handler(&buf))
		logger.Info("loaded", "config", cfg, "webhook", cfg.Webhook, "secret", cfg.Webhook.Secrets[0].Value)
		logger.Info("channel", "slack", cfg.Channels["bot"].Slack, "discord", *cfg.Channels["devs"].Discord)
		outputs[name] = buf.String()
	}

	for name, out := range outputs {
		if strings.Contains(out, "SECRET") {
			t.Errorf("%s shows a secret:\n%s", name, out)
		}
	}
	if !strings.Contains(outputs["slog json"], `"secret":"[redacted]"`) {
		t.Errorf("slog json = %s, want the secret attribute as [redacted]", outputs["slog json"])
	}
	if !strings.Contains(outputs["slog text"], "secret=[redacted]") {
		t.Errorf("slog text = %s, want secret=[redacted]", outputs["slog text"])
	}
}
