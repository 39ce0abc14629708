package schedule

import (
	"context"
	"fmt"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/inventory"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// checkedThroughKey names the saved last day whose reminders are all
// settled: queued, or skipped because the day passed.
const checkedThroughKey = "trials_checked_through"

// maxMissedDays bounds how far back a start after a long outage looks
// for reminders it missed.
const maxMissedDays = 400

// remindTrials queues the reminders due today and records those of past
// days, missed while fcnotify was not running, as skipped. A day's
// reminder for a site is due from ReminderTime until the day ends, in
// DisplayZone. It is sent at most once per site, trial end date and
// number of days.
func (s *Scheduler) remindTrials(ctx context.Context, now time.Time) (int, error) {
	if len(s.opts.ReminderDays) == 0 {
		return 0, nil
	}
	today := s.dayOf(now)
	if err := s.settlePastDays(ctx, today); err != nil {
		return 0, err
	}
	// Seconds past midnight set the wall clock, so a reminder time of
	// 09:00 stays 09:00 on a day when daylight saving time changes.
	y, m, d := today.Date()
	if now.Before(time.Date(y, m, d, 0, 0, int(s.opts.ReminderTime/time.Second), 0, s.opts.DisplayZone)) {
		return 0, nil
	}

	return s.drainDay(ctx, today, func(site store.InventoryRow, days int) (store.TrialReminder, error) {
		it, err := inventory.TrialReminder(site, days, now)
		if err != nil {
			return store.TrialReminder{}, err
		}
		s.opts.Logger.Info("trial reminder due", "site", site.Name, "team", site.Team,
			"trial_end", site.TrialEnd, "days_left", days)
		return store.TrialReminder{Site: site.Name, TrialEnd: site.TrialEnd, Days: days, Event: &it, At: now}, nil
	})
}

// settlePastDays records the reminders of the days after the saved day
// and before today as skipped, logging those that fcnotify would have
// sent, and saves yesterday as settled. On the first run nothing before
// today counts as missed.
func (s *Scheduler) settlePastDays(ctx context.Context, today time.Time) error {
	saved, err := s.opts.Store.ScheduleState(ctx, checkedThroughKey)
	if err != nil {
		return err
	}
	yesterday := addDays(today, -1)
	through := yesterday
	if saved != "" {
		t, err := time.ParseInLocation(notifier.DateLayout, saved, s.opts.DisplayZone)
		if err != nil {
			return fmt.Errorf("read saved day %q: %w", saved, err)
		}
		through = t
	}
	if saved != "" && !through.Before(yesterday) {
		// Settled up to yesterday, or later when the clock went back.
		return nil
	}
	if first := addDays(today, -maxMissedDays); through.Before(first) {
		s.opts.Logger.Warn("reminders of days long past are not checked",
			"from", through.Format(notifier.DateLayout), "until", first.Format(notifier.DateLayout))
		through = first
	}

	for day := addDays(through, 1); day.Before(today); day = addDays(day, 1) {
		if err := s.skipDay(ctx, day); err != nil {
			return err
		}
	}
	if err := s.opts.Store.SetScheduleState(ctx, checkedThroughKey, yesterday.Format(notifier.DateLayout)); err != nil {
		return err
	}
	// No query reads the records of trials that ended before today again.
	_, err = s.opts.Store.PruneReminders(ctx, today.Format(notifier.DateLayout))
	return err
}

// skipDay records the reminders due on a day that passed as skipped.
// Those of trials that fcnotify learned of only after that day ended
// were never due, and are recorded without a log line.
func (s *Scheduler) skipDay(ctx context.Context, day time.Time) error {
	dayEnd := addDays(day, 1)
	at := s.opts.Clock.Now()
	_, err := s.drainDay(ctx, day, func(site store.InventoryRow, days int) (store.TrialReminder, error) {
		if site.TrialSince.Before(dayEnd) {
			s.opts.Logger.Warn("trial reminder skipped because its day passed while fcnotify was not running",
				"site", site.Name, "team", site.Team, "trial_end", site.TrialEnd, "days_left", days,
				"day", day.Format(notifier.DateLayout))
		}
		return store.TrialReminder{Site: site.Name, TrialEnd: site.TrialEnd, Days: days, At: at}, nil
	})
	return err
}

// drainDay reads the sites with a reminder due on day and none recorded,
// for every reminder day, turns each into a reminder with build, and
// records them in one transaction, batch after batch. It returns how
// many events it queued.
func (s *Scheduler) drainDay(ctx context.Context, day time.Time, build func(site store.InventoryRow, days int) (store.TrialReminder, error)) (int, error) {
	queued := 0
	for range maxBatches {
		var reminders []store.TrialReminder
		more := false
		for _, days := range s.opts.ReminderDays {
			end := addDays(day, days).Format(notifier.DateLayout)
			sites, err := s.opts.Store.TrialsEndingOn(ctx, end, days, batchSize)
			if err != nil {
				return queued, err
			}
			more = more || len(sites) == batchSize
			for _, site := range sites {
				r, err := build(site, days)
				if err != nil {
					return queued, err
				}
				reminders = append(reminders, r)
			}
		}
		n, err := s.opts.Store.QueueReminders(ctx, reminders)
		queued += n
		if err != nil || !more {
			return queued, err
		}
	}
	return queued, nil
}

// dayOf returns the start of t's day in DisplayZone.
func (s *Scheduler) dayOf(t time.Time) time.Time {
	y, m, d := t.In(s.opts.DisplayZone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, s.opts.DisplayZone)
}

// addDays moves a day start by n calendar days, which stays right
// across daylight saving changes where adding 24h would not.
func addDays(day time.Time, n int) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d+n, 0, 0, 0, 0, day.Location())
}
