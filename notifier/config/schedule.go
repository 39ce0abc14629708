package config

import (
	"slices"
	"strconv"
	"time"
)

// Defaults of the scheduler.
const (
	DefaultScheduleTick      = Duration(time.Minute)
	DefaultTrialReminderTime = "09:00"

	// maxReminderDays bounds trial_reminders: Frappe Cloud trials last
	// days or weeks, so a year is far beyond any real trial.
	maxReminderDays = 366
)

// DefaultTrialReminders are the days before a trial's end on which a
// reminder is sent when trial_reminders is left out.
var DefaultTrialReminders = []int{7, 3, 1, 0}

// ScheduleConfig sets the scheduler, which sends trial reminders and the
// alerts of rules with `for:`.
type ScheduleConfig struct {
	// Tick is how often the scheduler reads the inventory, default 1m.
	// A `for:` alert goes out up to one tick after it is due.
	Tick Duration `yaml:"tick"`

	// TrialReminders lists the days before a trial's last day on which a
	// Site Trial Expiry event is sent; 0 is the last day itself. Default
	// [7, 3, 1, 0]; an empty list sends none.
	TrialReminders []int `yaml:"trial_reminders"`

	// TrialReminderTime is the time of day, "HH:MM" in
	// time.display_zone, from which a day's reminders are sent, default
	// "09:00". A reminder missed at that time, because fcnotify was not
	// running, is still sent later the same day.
	TrialReminderTime string `yaml:"trial_reminder_time"`

	// ReminderOffset is TrialReminderTime as the time after midnight.
	// Validation sets it.
	ReminderOffset time.Duration `yaml:"-"`
}

func (s *ScheduleConfig) applyDefaults() {
	setDefault(&s.Tick, DefaultScheduleTick)
	setDefault(&s.TrialReminderTime, DefaultTrialReminderTime)
	if s.TrialReminders == nil {
		s.TrialReminders = slices.Clone(DefaultTrialReminders)
	}
}

func (c *Config) validateSchedule() Problems {
	var problems Problems
	s := &c.Schedule
	if s.Tick < Duration(time.Second) {
		problems = append(problems, c.Problem("schedule.tick", "tick "+s.Tick.String()+" is shorter than 1s", `write a duration such as "1m"`))
	}

	seen := map[int]bool{}
	for i, days := range s.TrialReminders {
		path := indexPath("schedule.trial_reminders", i)
		switch {
		case days < 0 || days > maxReminderDays:
			problems = append(problems, c.Problem(path, "invalid reminder day "+strconv.Itoa(days), "write a number of days before the trial's end, from 0 (its last day) to 366"))
		case seen[days]:
			problems = append(problems, c.Problem(path, "duplicate reminder day "+strconv.Itoa(days), "list each day once"))
		}
		seen[days] = true
	}

	offset, ok := parseTimeOfDay(s.TrialReminderTime)
	if !ok {
		problems = append(problems, c.Problem("schedule.trial_reminder_time", "invalid time "+strconv.Quote(s.TrialReminderTime), timeOfDayHint))
	}
	s.ReminderOffset = offset

	for i, r := range c.Rules {
		if r.For > 0 && len(r.Match.To) == 0 {
			problems = append(problems, c.Problem(indexPath("rules", i)+".for", "for is set without match.to", "name the statuses a document must stay in, such as to: [Pending, Updating]"))
		}
	}
	return problems
}
