package server

import (
	"time"

	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/rules"
	"github.com/fcnotify/fcnotify/notifier/schedule"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// newScheduler builds the scheduler of trial reminders and stuck-state
// alerts from the schedule section. The scheduler calls wake when it has
// put events in the inbox, so the processor reads them at once.
func newScheduler(cfg *config.Config, engine *rules.Engine, st store.Schedule, opts Options, wake func()) *schedule.Scheduler {
	return schedule.New(schedule.Options{
		Store:        st,
		Rules:        engine,
		View:         ViewOptions(cfg, time.Time{}),
		Interval:     cfg.Schedule.Tick.Duration(),
		ReminderDays: cfg.Schedule.TrialReminders,
		ReminderTime: cfg.Schedule.ReminderOffset,
		DisplayZone:  cfg.Time.DisplayLocation,
		SourceZone:   cfg.Time.SourceLocation,
		Clock:        opts.Clock,
		Logger:       opts.Logger,
		Wake:         wake,
	})
}
