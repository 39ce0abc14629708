package server

import (
	"reflect"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/deliver"
)

func TestBuildChannelsPace(t *testing.T) {
	cfg, err := config.Parse([]byte(`
channels:
  slack-default:
    slack: {webhook_url: "https://hooks.example/services/T1/B1/x"}
  discord-default:
    discord: {webhook_url: "https://discord.example/api/webhooks/1/x"}
  raised:
    slack: {webhook_url: "https://hooks.example/services/T1/B2/x"}
    pace: [{count: 20, per: 1s}, {count: 600, per: 1m}]
  console: {console: {}}
`), "pace.yaml")
	if err != nil {
		t.Fatalf("config: %v", err)
	}

	channels, _, err := buildChannels(cfg, Options{})
	if err != nil {
		t.Fatalf("buildChannels: %v", err)
	}
	want := map[string][]deliver.Window{
		"slack-default":   deliver.SlackPace,
		"discord-default": deliver.DiscordPace,
		"raised":          {{Count: 20, Per: time.Second}, {Count: 600, Per: time.Minute}},
		"console":         nil,
	}
	for _, ch := range channels {
		if !reflect.DeepEqual(ch.Pace, want[ch.Name]) {
			t.Errorf("channel %q pace = %v, want %v", ch.Name, ch.Pace, want[ch.Name])
		}
	}
	if len(channels) != len(want) {
		t.Errorf("channels = %d, want %d", len(channels), len(want))
	}
}
