package config

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fullEnv holds the secrets that testdata/full.yaml reads. Each contains
// "SECRET" so leak tests can search for it.
var fullEnv = env{
	"FC_SECRET":           "fc-SECRET-value",
	"SLACK_OPS_WEBHOOK":   "https://hooks.slack.com/services/T0/B0/opsSECRET",
	"SLACK_TOKEN":         "xoxb-SECRET-token",
	"DISCORD_DEV_WEBHOOK": "https://discord.com/api/webhooks/1/devSECRET",
}

func loadFull(t *testing.T) *Config {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := parse(data, "testdata/full.yaml", fullEnv.lookup)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return cfg
}

func TestParseFillsDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := parseText(t, nil, "")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	yes := true
	checks := []struct {
		name      string
		got, want any
	}{
		{"listen", cfg.Listen, ":8080"},
		{"dashboard_url", cfg.DashboardURL, "https://frappecloud.com/dashboard"},
		{"source zone", cfg.Time.Source, "UTC"},
		{"display zone", cfg.Time.Display, "UTC"},
		{"source location", cfg.Time.SourceLocation, time.UTC},
		{"display location", cfg.Time.DisplayLocation, time.UTC},
		{"webhook path", cfg.Webhook.Path, "/webhook"},
		{"max_body", cfg.Webhook.MaxBody, ByteSize(1 << 20)},
		{"secrets", len(cfg.Webhook.Secrets), 0},
		{"state driver", cfg.State.Driver, "sqlite"},
		{"state path", cfg.State.Path, "./data/fcnotify.db"},
		{"initial_backoff", cfg.Delivery.InitialBackoff, Duration(time.Second)},
		{"max_backoff", cfg.Delivery.MaxBackoff, Duration(5 * time.Minute)},
		{"max_age", cfg.Delivery.MaxAge, Duration(24 * time.Hour)},
		{"timeout", cfg.Delivery.Timeout, Duration(10 * time.Second)},
		{"max_backlog", cfg.Delivery.MaxBacklog, 100_000},
		{"shutdown_grace", cfg.Delivery.ShutdownGrace, Duration(10 * time.Second)},
		{"channels", cfg.Channels, map[string]Channel{"console": {Console: &ConsoleChannel{}, MaxAge: Duration(24 * time.Hour), MaxBacklog: 100_000}}},
		{"channel order", cfg.ChannelOrder, []string{"console"}},
		{"rules", cfg.Rules, []Rule{{Name: "default", Match: Match{Event: StringList{"*"}}, Notify: []string{"console"}, Continue: &yes}}},
		{"file", cfg.File, "config.yaml"},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

func TestParseKeepsSetValues(t *testing.T) {
	t.Parallel()
	cfg := loadFull(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	no := false
	checks := []struct {
		name      string
		got, want any
	}{
		{"listen", cfg.Listen, "127.0.0.1:8081"},
		{"dashboard_url without final slash", cfg.DashboardURL, "https://fc.example/dashboard"},
		{"display location", cfg.Time.DisplayLocation.String(), berlin.String()},
		{"source location", cfg.Time.SourceLocation.String(), "Asia/Kolkata"},
		{"webhook path", cfg.Webhook.Path, "/hooks/frappe"},
		{"max_body", cfg.Webhook.MaxBody, ByteSize(512 << 10)},
		{"endpoint", cfg.Webhook.Secrets[0].Endpoint, "acme"},
		{"state path", cfg.State.Path, "/var/lib/fcnotify/state.db"},
		{"max_age in days", cfg.Delivery.MaxAge, Duration(48 * time.Hour)},
		{"channel order", cfg.ChannelOrder, []string{"ops", "bot", "devs", "stdout"}},
		{"channel max_age", cfg.Channels["ops"].MaxAge, Duration(6 * time.Hour)},
		{"channel max_age through alias", cfg.Channels["devs"].MaxAge, Duration(6 * time.Hour)},
		{"channel max_age from delivery", cfg.Channels["bot"].MaxAge, Duration(48 * time.Hour)},
		{"channel max_backlog", cfg.Channels["bot"].MaxBacklog, 10},
		{"channel max_backlog from delivery", cfg.Channels["ops"].MaxBacklog, 5000},
		{"api_url with final slash", cfg.Channels["bot"].Slack.APIURL, "http://127.0.0.1:9999/api/"},
		{"webhook api_url stays empty", cfg.Channels["ops"].Slack.APIURL, ""},
		{"from with first sighting", cfg.Rules[1].Match.From, StringList{"", "Running"}},
		{"continue", cfg.Rules[1].Continue, &no},
		{"names", cfg.Names.Teams, map[string]string{"team-7f3a": "Acme"}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

func TestParseReadsChannelPace(t *testing.T) {
	t.Parallel()
	cfg, err := parseText(t, nil,
		"channels:",
		"  fast:",
		"    slack: {webhook_url: "+opsWebhook+"}",
		"    pace: [{count: 20, per: 1s}, {count: 600, per: 1m}]",
		"  default:",
		"    discord: {webhook_url: https://discord.com/api/webhooks/1/devsSECRET}",
	)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	want := []PaceWindow{{Count: 20, Per: Duration(time.Second)}, {Count: 600, Per: Duration(time.Minute)}}
	if got := cfg.Channels["fast"].Pace; !reflect.DeepEqual(got, want) {
		t.Errorf("fast pace = %#v, want %#v", got, want)
	}
	if got := cfg.Channels["default"].Pace; got != nil {
		t.Errorf("default pace = %#v, want nil", got)
	}
}

func TestParseFillsAPIURLDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := parseText(t, nil,
		"channels:",
		"  slack: {slack: {token: t, channel: C1}}",
		"  discord: {discord: {token: t, channel_id: \"1\"}}",
	)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if got := cfg.Channels["slack"].Slack.APIURL; got != "https://slack.com/api/" {
		t.Errorf("slack api_url = %q, want %q", got, "https://slack.com/api/")
	}
	if got := cfg.Channels["discord"].Discord.APIURL; got != "https://discord.com/api/v10/" {
		t.Errorf("discord api_url = %q, want %q", got, "https://discord.com/api/v10/")
	}
	if got := cfg.ChannelOrder; !reflect.DeepEqual(got, []string{"slack", "discord", "console"}) {
		t.Errorf("channel order = %q, want the console channel added for the default rule", got)
	}
}

func TestParseEmptyKeySetsPart(t *testing.T) {
	t.Parallel()
	cfg, err := parseText(t, nil, "channels:", "  out:", "    console:")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if cfg.Channels["out"].Console == nil {
		t.Errorf("console = nil, want a console channel for a key without a value")
	}
	if got := cfg.Rules[0].Notify; !reflect.DeepEqual(got, []string{"console"}) {
		t.Errorf("default rule notify = %q, want [console]", got)
	}
}

func TestParseMergesMappings(t *testing.T) {
	t.Parallel()
	cfg, err := parseText(t, nil,
		"channels:",
		"  ops: &chat",
		"    slack: {webhook_url: "+opsWebhook+"}",
		"    max_age: 1h",
		"  ops-slow:",
		"    <<: *chat",
		"    max_age: 3d",
		"rules:",
		"  - name: r",
		"    notify: [ops, ops-slow]",
	)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if got := cfg.Channels["ops-slow"].MaxAge; got != Duration(72*time.Hour) {
		t.Errorf("own max_age = %v, want 3d", got)
	}
	if got := cfg.Channels["ops-slow"].Slack.WebhookURL.Reveal(); got != opsWebhook {
		t.Errorf("merged webhook_url = %q, want %q", got, opsWebhook)
	}
	if got := cfg.Line("channels.ops-slow.slack"); got != 5 {
		t.Errorf("line of a merged key = %d, want 5 (its mapping)", got)
	}
}

func TestParseRejectsAliasBomb(t *testing.T) {
	t.Parallel()
	lines := []string{"names:", "  teams: {a: x}", "x0: &a0 [y, y, y, y, y, y, y, y, y, y]"}
	for i := 1; i <= 6; i++ {
		prev := "*a" + string(rune('0'+i-1))
		lines = append(lines, "x"+string(rune('0'+i))+": &a"+string(rune('0'+i))+" ["+prev+", "+prev+", "+prev+", "+prev+", "+prev+", "+prev+", "+prev+", "+prev+", "+prev+", "+prev+"]")
	}
	_, err := parseText(t, nil, lines...)
	want := `config.yaml:1: the document expands to more than 100000 values through aliases (hint: use fewer nested aliases)`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "fcnotify.yaml")
	if err := os.WriteFile(path, []byte("listen: \":9000\"\nwebhook: {path: nowhere}\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	_, err := Load(path)
	want := path + `:2: webhook.path: path "nowhere" does not start with / (hint: write a path such as "/webhook", without a final slash, so requests are never redirected)`
	if err == nil || err.Error() != want {
		t.Errorf("Load error = %v, want %s", err, want)
	}

	_, err = Load(filepath.Join(dir, "missing.yaml"))
	if !os.IsNotExist(unwrapAll(err)) {
		t.Errorf("Load of a missing file = %v, want a not-exist error", err)
	}
}

func unwrapAll(err error) error {
	for {
		next, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		err = next.Unwrap()
	}
}

func TestRedactedGolden(t *testing.T) {
	t.Parallel()
	cfg := loadFull(t)
	got, err := cfg.Redacted()
	if err != nil {
		t.Fatalf("Redacted: %v", err)
	}
	golden := filepath.Join("testdata", "full.redacted.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Redacted() =\n%s\nwant\n%s", got, want)
	}
	if bytes.Contains(got, []byte("SECRET")) {
		t.Errorf("Redacted() shows a secret:\n%s", got)
	}
}
