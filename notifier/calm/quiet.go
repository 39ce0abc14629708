// Package calm holds the parts of fcnotify's noise controls that need
// no store: when quiet hours hold messages, which group an event joins,
// and the typed JSON form in which held template data waits for its
// release.
package calm

import (
	"time"

	"github.com/fcnotify/fcnotify/notifier/config"
)

// maxQuietSteps bounds the walk in QuietUntil. Each step leaves one
// quiet day or one daily window, so a week of quiet days and windows
// takes at most 14; validation rejects a week in which every day is
// quiet.
const maxQuietSteps = 16

// Quiet reports whether t falls in the quiet hours q. A nil q is never
// quiet.
func Quiet(q *config.QuietHours, t time.Time) bool {
	if q == nil {
		return false
	}
	local := t.In(location(q))
	if q.Days[local.Weekday()] {
		return true
	}
	if !q.Daily {
		return false
	}

	now := sinceMidnight(local)
	if q.Start < q.End {
		return now >= q.Start && now < q.End
	}
	// The window crosses midnight, as 22:00 to 07:00 does.
	return now >= q.Start || now < q.End
}

// QuietUntil returns when the quiet time that contains t ends, or t
// itself when t is not quiet. Quiet days and windows that touch or
// overlap count as one quiet time.
func QuietUntil(q *config.QuietHours, t time.Time) time.Time {
	for range maxQuietSteps {
		if !Quiet(q, t) {
			return t
		}
		t = nextEdge(q, t)
	}
	return t
}

// nextEdge returns the end of the quiet day or the daily window that
// contains t, which must be quiet.
func nextEdge(q *config.QuietHours, t time.Time) time.Time {
	loc := location(q)
	local := t.In(loc)
	y, m, d := local.Date()
	if q.Days[local.Weekday()] {
		return time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	}

	endHour, endMinute := int(q.End/time.Hour), int(q.End%time.Hour/time.Minute)
	if q.Start > q.End && sinceMidnight(local) >= q.Start {
		// In the evening part of a window that crosses midnight: it ends
		// tomorrow.
		d++
	}
	return time.Date(y, m, d, endHour, endMinute, 0, 0, loc)
}

// sinceMidnight returns the wall-clock time of day of t, which stays
// right on days when daylight saving time starts or ends.
func sinceMidnight(t time.Time) time.Duration {
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute +
		time.Duration(t.Second())*time.Second + time.Duration(t.Nanosecond())
}

func location(q *config.QuietHours) *time.Location {
	if q.Location == nil {
		return time.UTC
	}
	return q.Location
}
