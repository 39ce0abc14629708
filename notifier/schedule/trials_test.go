package schedule

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The trial site of the fixtures is first seen on the day it was
// created; its trial ends on 2026-08-28.
var (
	trialSeen = time.Date(2026, 8, 14, 12, 0, 0, 0, time.UTC)
	afterEnd  = time.Date(2026, 8, 30, 0, 0, 0, 0, time.UTC)
)

// allReminders are the reminders of the trial site at 09:00 UTC.
var allReminders = []string{
	"2026-08-21 09:00 trial trial1.example.com 7",
	"2026-08-25 09:00 trial trial1.example.com 3",
	"2026-08-27 09:00 trial trial1.example.com 1",
	"2026-08-28 09:00 trial trial1.example.com 0",
}

func TestTrialRemindersOnceEach(t *testing.T) {
	t.Parallel()
	e := newEnv(t, trialSeen, time.UTC, "")
	e.receive("site-status-trial-active.json", "", nil)
	e.tick()
	e.tickUntil(afterEnd, 3*time.Hour)

	events := e.events()
	if got := whats(events, time.UTC); !reflect.DeepEqual(got, allReminders) {
		t.Errorf("reminders =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(allReminders, "\n"))
	}
	if e.woken != 4 {
		t.Errorf("processor woken %d times, want 4", e.woken)
	}

	ev := events[1].ev
	checks := []struct{ name, got, want string }{
		{"event", ev.Name, "Site Trial Expiry"},
		{"document", ev.Document, "trial1.example.com|2026-08-28|3"},
		{"team", ev.Team, "team-4e9d"},
		{"days_left", ev.Text("days_left"), "3"},
		{"plan", ev.Text("plan"), "Trial"},
		{"trial_end_date", ev.Text("trial_end_date"), "2026-08-28"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestTrialRemindersAcrossRestarts(t *testing.T) {
	t.Parallel()
	e := newEnv(t, trialSeen, time.UTC, "")
	e.receive("site-status-trial-active.json", "", nil)
	e.tickUntil(time.Date(2026, 8, 21, 10, 0, 0, 0, time.UTC), 3*time.Hour)

	// Restarts right after a reminder, and on the day of the next one
	// after it was sent, queue nothing again.
	e.restart(time.Date(2026, 8, 21, 12, 0, 0, 0, time.UTC))
	e.tick()
	e.tickUntil(time.Date(2026, 8, 25, 12, 0, 0, 0, time.UTC), 3*time.Hour)
	e.restart(time.Date(2026, 8, 25, 15, 0, 0, 0, time.UTC))
	e.tick()
	e.tick()
	e.tickUntil(afterEnd, 3*time.Hour)

	if got := whats(e.events(), time.UTC); !reflect.DeepEqual(got, allReminders) {
		t.Errorf("reminders =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(allReminders, "\n"))
	}
	if strings.Contains(e.logs.String(), "skipped") {
		t.Errorf("restarts skipped a reminder:\n%s", e.logs)
	}
}

func TestTrialReminderAfterDowntime(t *testing.T) {
	t.Parallel()
	lastTick := time.Date(2026, 8, 24, 21, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		restart time.Time
		want    []string
		skipped bool
	}{
		{
			name:    "back the same day",
			restart: time.Date(2026, 8, 25, 15, 0, 0, 0, time.UTC),
			want:    []string{"2026-08-25 15:00 trial trial1.example.com 3", allReminders[2], allReminders[3]},
		},
		{
			name:    "back before the reminder time",
			restart: time.Date(2026, 8, 25, 6, 0, 0, 0, time.UTC),
			want:    allReminders[1:],
		},
		{
			name:    "back the next day",
			restart: time.Date(2026, 8, 26, 0, 0, 0, 0, time.UTC),
			want:    allReminders[2:],
			skipped: true,
		},
		{
			name:    "back after the trial ended",
			restart: time.Date(2026, 8, 29, 12, 0, 0, 0, time.UTC),
			skipped: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, trialSeen, time.UTC, "")
			e.receive("site-status-trial-active.json", "", nil)
			e.tickUntil(lastTick, 3*time.Hour)
			before := e.events()
			if len(before) != 1 {
				t.Fatalf("reminders before the downtime = %v, want only the 7-day one", whats(before, time.UTC))
			}

			e.restart(tt.restart)
			e.tick()
			e.tickUntil(afterEnd, 3*time.Hour)
			if got := whats(e.events(), time.UTC); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("reminders after the downtime =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}

			logged := strings.Contains(e.logs.String(), `msg="trial reminder skipped because its day passed while fcnotify was not running" site=trial1.example.com team=team-4e9d trial_end=2026-08-28 days_left=3 day=2026-08-25`)
			if logged != tt.skipped {
				t.Errorf("skip of the 3-day reminder logged = %v, want %v; log:\n%s", logged, tt.skipped, e.logs)
			}
		})
	}
}

func TestUpgradeCancelsReminders(t *testing.T) {
	t.Parallel()
	e := newEnv(t, trialSeen, time.UTC, "")
	e.receive("site-status-trial-active.json", "", nil)
	e.tickUntil(time.Date(2026, 8, 23, 12, 0, 0, 0, time.UTC), 3*time.Hour)
	e.receive("site-plan-change-trial-upgrade.json", "team-4e9d", nil)
	e.tickUntil(afterEnd, 3*time.Hour)

	if got := whats(e.events(), time.UTC); !reflect.DeepEqual(got, allReminders[:1]) {
		t.Errorf("reminders = %v, want only %v", got, allReminders[:1])
	}
}

func TestArchivedSiteGetsNoReminder(t *testing.T) {
	t.Parallel()
	e := newEnv(t, trialSeen, time.UTC, "")
	e.receive("site-status-trial-active.json", "", nil)
	e.tickUntil(time.Date(2026, 8, 22, 0, 0, 0, 0, time.UTC), 3*time.Hour)
	e.receive("site-status-trial-active.json", "", map[string]any{"status": "Archived", "modified": "2026-08-22 00:00:00.000000"})
	e.tickUntil(afterEnd, 3*time.Hour)

	if got := whats(e.events(), time.UTC); !reflect.DeepEqual(got, allReminders[:1]) {
		t.Errorf("reminders = %v, want only %v", got, allReminders[:1])
	}
}

func TestNewTrialEndReschedules(t *testing.T) {
	t.Parallel()
	e := newEnv(t, trialSeen, time.UTC, "")
	e.receive("site-status-trial-active.json", "", nil)
	e.tickUntil(time.Date(2026, 8, 26, 12, 0, 0, 0, time.UTC), 3*time.Hour)
	e.receive("site-status-trial-active.json", "", map[string]any{"trial_end_date": "2026-09-04", "modified": "2026-08-26 12:00:00.000000"})
	e.tickUntil(time.Date(2026, 9, 6, 0, 0, 0, 0, time.UTC), 3*time.Hour)

	want := []string{
		allReminders[0], allReminders[1],
		"2026-08-28 09:00 trial trial1.example.com 7",
		"2026-09-01 09:00 trial trial1.example.com 3",
		"2026-09-03 09:00 trial trial1.example.com 1",
		"2026-09-04 09:00 trial trial1.example.com 0",
	}
	if got := whats(e.events(), time.UTC); !reflect.DeepEqual(got, want) {
		t.Errorf("reminders =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(e.logs.String(), "skipped") {
		t.Errorf("a reminder was logged as skipped:\n%s", e.logs)
	}
}

func TestTrialLearnedLate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, time.Date(2026, 8, 27, 15, 0, 0, 0, time.UTC), time.UTC, "")
	e.tick()
	e.receive("site-status-trial-active.json", "", nil)
	e.tick()
	e.tickUntil(afterEnd, 3*time.Hour)

	want := []string{"2026-08-27 15:00 trial trial1.example.com 1", allReminders[3]}
	if got := whats(e.events(), time.UTC); !reflect.DeepEqual(got, want) {
		t.Errorf("reminders = %v, want %v", got, want)
	}
}

func TestRemindersFollowDisplayZone(t *testing.T) {
	t.Parallel()
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	// Ticks at half past the hour meet 09:00 in Kolkata, 03:30 UTC.
	e := newEnv(t, trialSeen.Add(30*time.Minute), kolkata, "")
	e.receive("site-status-trial-active.json", "", nil)
	e.tickUntil(afterEnd, 3*time.Hour)

	want := []string{
		"2026-08-21 03:30 trial trial1.example.com 7",
		"2026-08-25 03:30 trial trial1.example.com 3",
		"2026-08-27 03:30 trial trial1.example.com 1",
		"2026-08-28 03:30 trial trial1.example.com 0",
	}
	if got := whats(e.events(), time.UTC); !reflect.DeepEqual(got, want) {
		t.Errorf("reminders (UTC) = %v, want %v", got, want)
	}
}

func TestClockGoingBackSendsNothingTwice(t *testing.T) {
	t.Parallel()
	e := newEnv(t, trialSeen, time.UTC, "")
	e.receive("site-status-trial-active.json", "", nil)
	e.tickUntil(time.Date(2026, 8, 25, 10, 0, 0, 0, time.UTC), 3*time.Hour)
	e.restart(time.Date(2026, 8, 21, 9, 0, 0, 0, time.UTC))
	e.tickUntil(afterEnd, 3*time.Hour)

	if got := whats(e.events(), time.UTC); !reflect.DeepEqual(got, allReminders) {
		t.Errorf("reminders =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(allReminders, "\n"))
	}
}

func TestNoReminderDays(t *testing.T) {
	t.Parallel()
	e := newEnv(t, trialSeen, time.UTC, "")
	e.opts.ReminderDays = nil
	e.restart(trialSeen)
	e.receive("site-status-trial-active.json", "", nil)
	e.tickUntil(afterEnd, 6*time.Hour)
	if got := e.events(); len(got) != 0 {
		t.Errorf("reminders = %v, want none", whats(got, time.UTC))
	}
	if v, _ := e.store.ScheduleState(context.Background(), checkedThroughKey); v != "" {
		t.Errorf("saved day = %q, want none", v)
	}
}
