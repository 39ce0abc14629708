package config

import (
	"errors"
	"testing"
	"time"
)

// calmBase is a configuration with one channel, ready for a rule.
var calmBase = []string{
	"time: {display_zone: Europe/Berlin}",
	"channels:",
	"  ops:",
	"    slack: {webhook_url: " + opsWebhook + "}",
	"rules:",
	"  - name: r",
	"    notify: [ops]",
}

func withCalmBase(lines ...string) []string {
	return append(append([]string{}, calmBase...), lines...)
}

func TestParseCalmKeys(t *testing.T) {
	t.Parallel()
	cfg, err := parseText(t, nil, withCalmBase(
		"    group: {by: [group, status], wait: 45s, max_wait: 2m}",
		"    repeat_after: 4h",
		"    settle: 2m",
		"    update: true",
		"    urgent: true",
		"    quiet: {zone: Asia/Kolkata, from: \"22:00\", to: \"7:30\", weekdays: [sat, Sunday]}",
	)...)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	r := cfg.Rules[0]
	if got := []string(r.Group.By); len(got) != 2 || got[0] != "group" || got[1] != "status" {
		t.Errorf("group.by = %q, want [group status]", got)
	}
	if r.Group.Wait != Duration(45*time.Second) {
		t.Errorf("group.wait = %v, want 45s", r.Group.Wait)
	}
	if r.Group.MaxWait != Duration(2*time.Minute) {
		t.Errorf("group.max_wait = %v, want 2m", r.Group.MaxWait)
	}
	if r.RepeatAfter != Duration(4*time.Hour) {
		t.Errorf("repeat_after = %v, want 4h", r.RepeatAfter)
	}
	if r.Settle != Duration(2*time.Minute) {
		t.Errorf("settle = %v, want 2m", r.Settle)
	}
	if !r.Update || r.Thread || !r.Urgent {
		t.Errorf("update, thread, urgent = %v, %v, %v, want true, false, true", r.Update, r.Thread, r.Urgent)
	}

	q := r.Quiet
	if q.Location == nil || q.Location.String() != "Asia/Kolkata" {
		t.Errorf("quiet location = %v, want Asia/Kolkata", q.Location)
	}
	if !q.Daily || q.Start != 22*time.Hour || q.End != 7*time.Hour+30*time.Minute {
		t.Errorf("quiet window = %v %v-%v, want true 22h-7h30m", q.Daily, q.Start, q.End)
	}
	want := [7]bool{time.Sunday: true, time.Saturday: true}
	if q.Days != want {
		t.Errorf("quiet days = %v, want %v", q.Days, want)
	}
}

func TestParseCalmDefaults(t *testing.T) {
	t.Parallel()
	cfg, err := parseText(t, nil,
		"time: {display_zone: Europe/Berlin}",
		"channels:",
		"  ops:",
		"    slack: {webhook_url: "+opsWebhook+"}",
		"    quiet: {weekdays: [sun]}",
		"rules:",
		"  - name: r",
		"    notify: [ops]",
		"    group: {by: team}",
	)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	g := cfg.Rules[0].Group
	if g.Wait != DefaultGroupWait {
		t.Errorf("group.wait = %v, want %v", g.Wait, DefaultGroupWait)
	}
	if g.MaxWait != g.Wait {
		t.Errorf("group.max_wait = %v, want wait %v", g.MaxWait, g.Wait)
	}
	q := cfg.Channels["ops"].Quiet
	if q.Zone != "Europe/Berlin" || q.Location.String() != "Europe/Berlin" {
		t.Errorf("quiet zone = %q (%v), want the display zone Europe/Berlin", q.Zone, q.Location)
	}
	if q.Daily {
		t.Error("quiet daily = true, want false without from and to")
	}
}

func TestParseCalmProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{
			name:  "update and thread",
			lines: withCalmBase("    update: true", "    thread: true"),
			want:  `config.yaml:9: rules[0].thread: update and thread are both set (hint: set update to edit the first message, or thread to reply under it, not both)`,
		},
		{
			name:  "max_wait below wait",
			lines: withCalmBase("    group: {wait: 2m, max_wait: 30s}"),
			want:  `config.yaml:8: rules[0].group.max_wait: max_wait 30s is shorter than wait 2m (hint: raise max_wait, or leave it out to use wait)`,
		},
		{
			name:  "unknown group template",
			lines: withCalmBase("    group: {template: grouped}"),
			want:  `config.yaml:8: rules[0].group.template: unknown template "grouped" (hint: known templates are group, site-status, site-plan-change, deploy-status, bench-status, generic, site-trial-expiry, stuck-state)`,
		},
		{
			name:  "empty group key",
			lines: withCalmBase("    group: {by: [group, \"\"]}"),
			want:  `config.yaml:8: rules[0].group.by[1]: empty group key (hint: name a template data key, such as group or status)`,
		},
		{
			name:  "bad group wait",
			lines: withCalmBase("    group: {wait: soon}"),
			want:  `config.yaml:8: rules[0].group.wait: invalid duration "soon" (hint: write a number and a unit, such as "45s", "2m", "24h" or "7d")`,
		},
		{
			name:  "unknown quiet zone",
			lines: withCalmBase("    quiet: {zone: Mars/Olympus, weekdays: [sun]}"),
			want:  `config.yaml:8: rules[0].quiet.zone: unknown time zone "Mars/Olympus" (hint: write an IANA name like Asia/Kolkata, or UTC)`,
		},
		{
			name:  "quiet without times",
			lines: withCalmBase("    quiet: {zone: UTC}"),
			want:  `config.yaml:8: rules[0].quiet: quiet hours set no time (hint: set from and to, such as from: "22:00" and to: "07:00", or weekdays, such as [sat, sun])`,
		},
		{
			name:  "quiet from without to",
			lines: withCalmBase("    quiet: {from: \"22:00\"}"),
			want:  `config.yaml:8: rules[0].quiet.to: missing to for from "22:00" (hint: set both from and to, such as from: "22:00" and to: "07:00")`,
		},
		{
			name:  "quiet to without from",
			lines: withCalmBase("    quiet: {to: \"07:00\"}"),
			want:  `config.yaml:8: rules[0].quiet.from: missing from for to "07:00" (hint: set both from and to, such as from: "22:00" and to: "07:00")`,
		},
		{
			name:  "quiet time out of range",
			lines: withCalmBase("    quiet: {from: \"24:00\", to: \"07:00\"}"),
			want:  `config.yaml:8: rules[0].quiet.from: invalid time "24:00" (hint: write the time as "HH:MM" on a 24-hour clock, such as "07:00" or "22:30")`,
		},
		{
			name:  "quiet time without minutes",
			lines: withCalmBase("    quiet: {from: \"22\", to: \"07:00\"}"),
			want:  `config.yaml:8: rules[0].quiet.from: invalid time "22" (hint: write the time as "HH:MM" on a 24-hour clock, such as "07:00" or "22:30")`,
		},
		{
			name:  "quiet window empty",
			lines: withCalmBase("    quiet: {from: \"07:00\", to: \"7:00\"}"),
			want:  `config.yaml:8: rules[0].quiet.to: from and to are both "07:00" (hint: a window needs two different times; list weekdays for whole days)`,
		},
		{
			name:  "unknown weekday",
			lines: withCalmBase("    quiet: {weekdays: [sat, sonntag]}"),
			want:  `config.yaml:8: rules[0].quiet.weekdays[1]: unknown weekday "sonntag" (hint: write mon, tue, wed, thu, fri, sat or sun)`,
		},
		{
			name:  "every day quiet",
			lines: withCalmBase("    quiet: {weekdays: [mon, tue, wed, thu, fri, sat, sun]}"),
			want:  `config.yaml:8: rules[0].quiet.weekdays: every day is quiet (hint: leave at least one day out, or the messages would never be sent)`,
		},
		{
			name: "channel quiet problem",
			lines: []string{
				"channels:",
				"  ops:",
				"    slack: {webhook_url: " + opsWebhook + "}",
				"    quiet: {from: \"7:5\", to: \"08:00\"}",
			},
			want: `config.yaml:4: channels.ops.quiet.from: invalid time "7:5" (hint: write the time as "HH:MM" on a 24-hour clock, such as "07:00" or "22:30")`,
		},
		{
			name:  "unknown key in group",
			lines: withCalmBase("    group: {by: [group], window: 30s}"),
			want:  `config.yaml:8: rules[0].group: unknown key "window" (known keys: by, wait, max_wait, template)`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := parseText(t, nil, tc.lines...)
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

func TestParseTimeOfDay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"00:00", 0, true},
		{"7:05", 7*time.Hour + 5*time.Minute, true},
		{"23:59", 23*time.Hour + 59*time.Minute, true},
		{"24:00", 0, false},
		{"12:60", 0, false},
		{"-1:00", 0, false},
		{"+1:00", 0, false},
		{"12:+5", 0, false},
		{"1200", 0, false},
		{"", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			got, ok := parseTimeOfDay(tc.in)
			if ok != tc.ok {
				t.Errorf("parseTimeOfDay(%q) ok = %v, want %v", tc.in, ok, tc.ok)
			}
			if got != tc.want {
				t.Errorf("parseTimeOfDay(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}
