package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// muteNow is the clock of the mute command tests.
var muteNow = time.Date(2026, 8, 25, 12, 0, 0, 0, time.UTC)

func newMuteConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "fcnotify.yaml")
	cfg := fmt.Sprintf("state: {path: %q}\n", filepath.Join(dir, "fcnotify.db"))
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// runMute runs a mute command built by newCommand at the given time.
func runMute(newCommand func(*globalFlags, func() time.Time) *cobra.Command, cfgPath string, at time.Time, args ...string) (string, error) {
	var out, errOut bytes.Buffer
	cmd := newCommand(&globalFlags{config: cfgPath}, func() time.Time { return at })
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(append([]string{}, args...))
	err := cmd.Execute()
	return out.String(), err
}

func TestMuteCommandsAddListRemove(t *testing.T) {
	cfg := newMuteConfig(t)
	steps := []struct {
		command func(*globalFlags, func() time.Time) *cobra.Command
		at      time.Time
		args    []string
		want    string
	}{
		{
			newMuteCommand, muteNow,
			[]string{"--group", "bench-0019", "--for", "2h", "--reason", "planned migration"},
			"muted group bench-0019 until 2026-08-25T14:00:00Z (mute 1)\n",
		},
		{
			newMuteCommand, muteNow,
			[]string{"--site", "site1.example.com", "--for", "30m"},
			"muted site site1.example.com until 2026-08-25T12:30:00Z (mute 2)\n",
		},
		{
			newMuteCommand, muteNow,
			[]string{"--team", "team-7f3a", "--for", "1d"},
			"muted team team-7f3a until 2026-08-26T12:00:00Z (mute 3)\n",
		},
		{newMutesCommand, muteNow, []string{"remove", "3"}, "removed mute 3\n"},
		{newMutesCommand, muteNow, nil, strings.Join([]string{
			"ID  KIND   TARGET             UNTIL                 STATE   REASON",
			"2   site   site1.example.com  2026-08-25T12:30:00Z  active  ",
			"1   group  bench-0019         2026-08-25T14:00:00Z  active  planned migration",
			"",
		}, "\n")},
		{newMutesCommand, muteNow.Add(time.Hour), nil, strings.Join([]string{
			"ID  KIND   TARGET      UNTIL                 STATE   REASON",
			"1   group  bench-0019  2026-08-25T14:00:00Z  active  planned migration",
			"",
		}, "\n")},
		{newMutesCommand, muteNow.Add(time.Hour), []string{"--all"}, strings.Join([]string{
			"ID  KIND   TARGET             UNTIL                 STATE    REASON",
			"2   site   site1.example.com  2026-08-25T12:30:00Z  expired  ",
			"1   group  bench-0019         2026-08-25T14:00:00Z  active   planned migration",
			"",
		}, "\n")},
		{newMutesCommand, muteNow, []string{"remove", "1"}, "removed mute 1\n"},
		{newMutesCommand, muteNow.Add(time.Hour), []string{"--all"}, strings.Join([]string{
			"ID  KIND  TARGET             UNTIL                 STATE    REASON",
			"2   site  site1.example.com  2026-08-25T12:30:00Z  expired  ",
			"",
		}, "\n")},
	}
	for i, step := range steps {
		got, err := runMute(step.command, cfg, step.at, step.args...)
		if err != nil {
			t.Fatalf("step %d %q: %v", i+1, step.args, err)
		}
		if got != step.want {
			t.Errorf("step %d %q output =\n%s\nwant\n%s", i+1, step.args, got, step.want)
		}
	}
}

func TestMuteCommandErrors(t *testing.T) {
	cfg := newMuteConfig(t)
	tests := []struct {
		name    string
		command func(*globalFlags, func() time.Time) *cobra.Command
		args    []string
		want    string
	}{
		{"no target", newMuteCommand, []string{"--for", "1h"}, "give exactly one of --site, --bench, --group or --team"},
		{"two targets", newMuteCommand, []string{"--site", "a", "--team", "b", "--for", "1h"}, "give exactly one of --site, --bench, --group or --team"},
		{"no duration", newMuteCommand, []string{"--bench", "bench-1"}, "missing --for: give how long to mute, such as --for 2h or --for 1d"},
		{"negative duration", newMuteCommand, []string{"--bench", "bench-1", "--for", "-1h"}, `invalid argument "-1h" for "--for" flag: write a duration such as "30m", "2h" or "7d"`},
		{"bad duration", newMuteCommand, []string{"--bench", "bench-1", "--for", "soon"}, `invalid argument "soon" for "--for" flag: write a duration such as "30m", "2h" or "7d"`},
		{"remove unknown", newMutesCommand, []string{"remove", "7"}, "mute 7 not found: list the mutes with `fcnotify mutes --all`"},
		{"remove not a number", newMutesCommand, []string{"remove", "x"}, "invalid mute ID \"x\": use the numbers from `fcnotify mutes`"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runMute(tc.command, cfg, muteNow, tc.args...)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %v, want %s", err, tc.want)
			}
		})
	}
}

func TestMuteCommandRegistered(t *testing.T) {
	stdout, _, err := run("mute", "--help")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "--group string") || !strings.Contains(stdout, "--for duration") {
		t.Errorf("mute --help does not list --group and --for:\n%s", stdout)
	}
}

func TestCheckWarnsAboutEditsOnWebhooks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fcnotify.yaml")
	cfg := `channels:
  ops: {slack: {webhook_url: "https://hooks.slack.example/services/T0/B0/x"}}
rules:
  - name: deploys
    match: {event: Bench Deploy Status Update}
    notify: [ops]
    update: true
`
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	stdout, stderr, err := run("check", "--config", path)
	if err != nil {
		t.Fatalf("check failed: %v\n%s", err, stderr)
	}
	wantOut := path + ": ok: 1 channels, 1 rules, "
	if !strings.HasPrefix(stdout, wantOut) {
		t.Errorf("stdout = %q, want it to start with %q", stdout, wantOut)
	}
	wantErr := "warning: " + path + `:7: rules[0].update: channel "ops" is a Slack incoming webhook, which cannot edit messages: it gets a new message for each change (hint: use a bot token and channel to edit messages)` + "\n"
	if stderr != wantErr {
		t.Errorf("stderr =\n%s\nwant\n%s", stderr, wantErr)
	}
}
