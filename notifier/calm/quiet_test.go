package calm

import (
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/notifier/config"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestQuietUntil(t *testing.T) {
	t.Parallel()
	kolkata := mustZone(t, "Asia/Kolkata")
	berlin := mustZone(t, "Europe/Berlin")
	night := &config.QuietHours{Location: kolkata, Daily: true, Start: 22 * time.Hour, End: 7 * time.Hour}
	nightAndWeekend := &config.QuietHours{
		Location: kolkata, Daily: true, Start: 22 * time.Hour, End: 7 * time.Hour,
		Days: [7]bool{time.Saturday: true, time.Sunday: true},
	}
	office := &config.QuietHours{Location: berlin, Daily: true, Start: 9 * time.Hour, End: 17*time.Hour + 30*time.Minute}
	sundays := &config.QuietHours{Location: berlin, Days: [7]bool{time.Sunday: true}}

	at := func(loc *time.Location, day, hour, minute int) time.Time {
		return time.Date(2026, 8, day, hour, minute, 0, 0, loc)
	}
	tests := []struct {
		name  string
		q     *config.QuietHours
		t     time.Time
		quiet bool
		until time.Time
	}{
		{"nil is never quiet", nil, at(kolkata, 19, 23, 0), false, at(kolkata, 19, 23, 0)},
		{"before the window", night, at(kolkata, 19, 21, 59), false, at(kolkata, 19, 21, 59)},
		{"window start", night, at(kolkata, 19, 22, 0), true, at(kolkata, 20, 7, 0)},
		{"after midnight", night, at(kolkata, 20, 3, 15), true, at(kolkata, 20, 7, 0)},
		{"window end is not quiet", night, at(kolkata, 20, 7, 0), false, at(kolkata, 20, 7, 0)},
		{"zone of the hours", night, time.Date(2026, 8, 19, 17, 0, 0, 0, time.UTC), true, at(kolkata, 20, 7, 0)},
		{"same-day window", office, at(berlin, 19, 12, 0), true, at(berlin, 19, 17, 30)},
		{"after same-day window", office, at(berlin, 19, 17, 30), false, at(berlin, 19, 17, 30)},
		{"whole weekday", sundays, at(berlin, 23, 0, 0), true, at(berlin, 24, 0, 0)},
		{"day before the weekday", sundays, at(berlin, 22, 23, 59), false, at(berlin, 22, 23, 59)},
		// Friday night runs into Saturday and Sunday, then Sunday night
		// into Monday morning: one quiet time.
		{"weekend joins the nights", nightAndWeekend, at(kolkata, 21, 23, 0), true, at(kolkata, 24, 7, 0)},
		{"inside the weekend", nightAndWeekend, at(kolkata, 22, 12, 0), true, at(kolkata, 24, 7, 0)},
		{"monday daytime", nightAndWeekend, at(kolkata, 24, 7, 0), false, at(kolkata, 24, 7, 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Quiet(tc.q, tc.t); got != tc.quiet {
				t.Errorf("Quiet(%v) = %v, want %v", tc.t, got, tc.quiet)
			}
			if got := QuietUntil(tc.q, tc.t); !got.Equal(tc.until) {
				t.Errorf("QuietUntil(%v) = %v, want %v", tc.t, got, tc.until)
			}
		})
	}
}

// TestQuietUntilDaylightSaving checks a window that ends on the night
// clocks go back in Berlin (2026-10-25, 03:00 CEST becomes 02:00 CET).
func TestQuietUntilDaylightSaving(t *testing.T) {
	t.Parallel()
	berlin := mustZone(t, "Europe/Berlin")
	q := &config.QuietHours{Location: berlin, Daily: true, Start: 22 * time.Hour, End: 7 * time.Hour}
	start := time.Date(2026, 10, 24, 23, 0, 0, 0, berlin)

	got := QuietUntil(q, start)
	want := time.Date(2026, 10, 25, 7, 0, 0, 0, berlin)
	if !got.Equal(want) {
		t.Errorf("QuietUntil = %v, want %v", got, want)
	}
	if d := got.Sub(start); d != 9*time.Hour {
		t.Errorf("quiet time = %v, want 9h, because the night is an hour longer", d)
	}
}
