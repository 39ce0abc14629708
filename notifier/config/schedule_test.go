package config

import (
	"reflect"
	"testing"
	"time"
)

func TestScheduleDefaultsAndValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		lines     []string
		tick      Duration
		reminders []int
		offset    time.Duration
	}{
		{"defaults", []string{"listen: \":8080\""}, Duration(time.Minute), []int{7, 3, 1, 0}, 9 * time.Hour},
		{
			"set",
			[]string{"schedule:", "  tick: 30s", "  trial_reminders: [14, 2]", `  trial_reminder_time: "17:45"`},
			Duration(30 * time.Second),
			[]int{14, 2},
			17*time.Hour + 45*time.Minute,
		},
		{"no reminders", []string{"schedule:", "  trial_reminders: []"}, Duration(time.Minute), []int{}, 9 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := parseText(t, nil, tt.lines...)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			s := cfg.Schedule
			if s.Tick != tt.tick {
				t.Errorf("tick = %v, want %v", s.Tick, tt.tick)
			}
			if !reflect.DeepEqual(s.TrialReminders, tt.reminders) {
				t.Errorf("trial_reminders = %v, want %v", s.TrialReminders, tt.reminders)
			}
			if s.ReminderOffset != tt.offset {
				t.Errorf("reminder offset = %v, want %v", s.ReminderOffset, tt.offset)
			}
		})
	}
}

func TestRuleFor(t *testing.T) {
	t.Parallel()
	cfg, err := parseText(t, nil,
		"rules:",
		"  - name: deploy-stuck",
		"    match: {event: Bench Deploy Status Update, to: Running}",
		"    for: 45m",
		"    notify: [console]",
		"channels:",
		"  console: {console: {}}")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if got := cfg.Rules[0].For; got != Duration(45*time.Minute) {
		t.Errorf("for = %v, want 45m", got)
	}
}

func TestScheduleProblems(t *testing.T) {
	t.Parallel()
	console := []string{"channels:", "  console: {console: {}}"}
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{
			name:  "tick too short",
			lines: []string{"schedule:", "  tick: 500ms"},
			want:  `config.yaml:2: schedule.tick: tick 500ms is shorter than 1s (hint: write a duration such as "1m")`,
		},
		{
			name:  "negative reminder day",
			lines: []string{"schedule:", "  trial_reminders: [7, -1]"},
			want:  `config.yaml:2: schedule.trial_reminders[1]: invalid reminder day -1 (hint: write a number of days before the trial's end, from 0 (its last day) to 366)`,
		},
		{
			name:  "duplicate reminder day",
			lines: []string{"schedule:", "  trial_reminders:", "    - 3", "    - 3"},
			want:  `config.yaml:4: schedule.trial_reminders[1]: duplicate reminder day 3 (hint: list each day once)`,
		},
		{
			name:  "reminder day not a number",
			lines: []string{"schedule:", "  trial_reminders: [seven]"},
			want:  `config.yaml:2: schedule.trial_reminders[0]: expected a whole number`,
		},
		{
			name:  "bad reminder time",
			lines: []string{"schedule:", `  trial_reminder_time: "25:00"`},
			want:  `config.yaml:2: schedule.trial_reminder_time: invalid time "25:00" (hint: ` + timeOfDayHint + `)`,
		},
		{
			name: "for without to",
			lines: append([]string{
				"rules:",
				"  - name: quiet-site",
				"    match: {event: Site Status Update}",
				"    for: 30m",
				"    notify: [console]",
			}, console...),
			want: `config.yaml:4: rules[0].for: for is set without match.to (hint: name the statuses a document must stay in, such as to: [Pending, Updating])`,
		},
		{
			name:  "negative for",
			lines: append([]string{"rules:", "  - name: r", "    match: {to: Pending}", "    for: -5m", "    notify: [console]"}, console...),
			want:  `config.yaml:4: rules[0].for: negative duration "-5m" (hint: write a number and a unit, such as "45s", "2m", "24h" or "7d")`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseText(t, nil, tt.lines...)
			if err == nil {
				t.Fatal("parse returned no error")
			}
			if err.Error() != tt.want {
				t.Errorf("error =\n%s\nwant\n%s", err, tt.want)
			}
		})
	}
}
