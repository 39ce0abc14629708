package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/notifier/config"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"zero concurrency", []string{"--concurrency", "0"}, "invalid --concurrency 0: use 1 or more"},
		{"negative rate", []string{"--rate", "-1"}, "--requests, --duration, --rate and --drain must not be negative"},
		{"too many channels", []string{"--channels", "1001"}, "invalid --channels 1001: use 1 to 1000"},
		{"unknown sink", []string{"--sink", "email"}, `invalid --sink "email": use chat or console`},
		{"argument", []string{"extra"}, `unexpected argument "extra": fcload takes flags only`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseFlags(tt.args, io.Discard)
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestParseFlagsDefaultDuration(t *testing.T) {
	o, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.duration != 10*time.Second {
		t.Errorf("duration = %s, want 10s", o.duration)
	}

	o, err = parseFlags([]string{"--requests", "100"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.duration != 0 {
		t.Errorf("duration with --requests = %s, want 0", o.duration)
	}
}

func TestWriteConfigLoads(t *testing.T) {
	tests := []struct {
		name         string
		setup        setup
		wantChannels []string
		wantRules    int
	}{
		{
			"chat one shard",
			setup{shards: 1, sink: sinkChat},
			[]string{"discord-000", "slack-000"},
			1,
		},
		{
			"chat three shards",
			setup{shards: 3, sink: sinkChat},
			[]string{"discord-000", "discord-001", "discord-002", "slack-000", "slack-001", "slack-002"},
			3,
		},
		{
			"console two shards",
			setup{shards: 2, sink: sinkConsole},
			[]string{"console-000", "console-001"},
			2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			s := tt.setup
			s.listen, s.dbPath = "127.0.0.1:1", filepath.Join(dir, "state.db")
			s.slackURL, s.discordURL = "http://127.0.0.1:2/services/T/B/x", "http://127.0.0.1:3/api/webhooks/1/y"
			path := filepath.Join(dir, "fcnotify.yaml")
			if err := writeConfig(path, s); err != nil {
				t.Fatal(err)
			}

			cfg, err := config.Load(path)
			if err != nil {
				t.Fatalf("config.Load: %v", err)
			}
			got := slices.Sorted(maps.Keys(cfg.Channels))
			if !slices.Equal(got, tt.wantChannels) {
				t.Errorf("channels = %q, want %q", got, tt.wantChannels)
			}
			if len(cfg.Rules) != tt.wantRules {
				t.Fatalf("rules = %d, want %d", len(cfg.Rules), tt.wantRules)
			}
			rule := cfg.Rules[len(cfg.Rules)-1]
			if !rule.Match.Repeats {
				t.Errorf("rule %q does not match repeats", rule.Name)
			}
			if _, sharded := rule.Match.Fields["load_shard"]; sharded != (s.shards > 1) {
				t.Errorf("rule %q matches load_shard = %v, want %v", rule.Name, sharded, s.shards > 1)
			}
			if cfg.Listen != s.listen {
				t.Errorf("listen = %q, want %q", cfg.Listen, s.listen)
			}
		})
	}
}

// TestRunEndToEnd builds fcnotify and runs the tool against it with both
// sinks. Each chat channel gets at most two events, so the server's pace
// does not hold up the drain.
func TestRunEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts fcnotify")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	bin, err := buildBinary(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		args      []string
		platforms []string
	}{
		{
			"chat closed loop",
			[]string{"--concurrency", "4", "--requests", "60", "--channels", "30"},
			[]string{platformDiscord, platformSlack},
		},
		{
			"console open loop",
			[]string{"--rate", "200", "--requests", "60", "--sink", "console"},
			[]string{platformConsole},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--bin", bin, "--json", "--drain", "30s"}, tt.args...)
			o, err := parseFlags(args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := run(ctx, o, &out, io.Discard); err != nil {
				t.Fatalf("run: %v", err)
			}
			var r Report
			if err := json.Unmarshal(out.Bytes(), &r); err != nil {
				t.Fatalf("decode report: %v\n%s", err, out.String())
			}
			checkReport(t, r, tt.platforms)
		})
	}
}

func checkReport(t *testing.T, r Report, platforms []string) {
	t.Helper()
	if r.Accepted != 60 {
		t.Errorf("accepted = %d, want 60 (first failure: %s)", r.Accepted, r.FirstError)
	}
	if !r.Drained {
		t.Errorf("drained = false, want true")
	}
	if r.PeakRSS <= 0 {
		t.Errorf("peak RSS = %d KiB, want more than 0", r.PeakRSS)
	}
	for _, platform := range platforms {
		d := r.Platforms[platform]
		if d.Posted != 60 {
			t.Errorf("%s posted = %d, want 60", platform, d.Posted)
		}
		if d.Lost != 0 {
			t.Errorf("%s lost = %d, want 0", platform, d.Lost)
		}
		if d.Duplicates != 0 {
			t.Errorf("%s duplicates = %d, want 0", platform, d.Duplicates)
		}
		if d.Unexpected != 0 {
			t.Errorf("%s unexpected = %d, want 0", platform, d.Unexpected)
		}
	}
}
