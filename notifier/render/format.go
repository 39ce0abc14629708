package render

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Colours of the Slack bar and the Discord embed, by kind of status.
const (
	colorRed   = "#d93f0b"
	colorGreen = "#2eb886"
	colorAmber = "#daa038"
	colorGrey  = "#9e9e9e"
	colorBlue  = "#439fe0"
)

// statusStyles maps each Frappe Cloud status, and each plan change type,
// to its icon and colour. Statuses not listed get styleDefault.
var statusStyles = map[string]struct{ icon, color string }{
	"Broken":  {"🔴", colorRed},
	"Failure": {"🔴", colorRed},

	"Active":  {"✅", colorGreen},
	"Success": {"✅", colorGreen},

	"Pending":   {"⏳", colorAmber},
	"Scheduled": {"⏳", colorAmber},
	"Draft":     {"⏳", colorAmber},

	"Installing": {"🔄", colorAmber},
	"Updating":   {"🔄", colorAmber},
	"Preparing":  {"🔄", colorAmber},
	"Running":    {"🔄", colorAmber},
	"Recovering": {"🔄", colorAmber},

	"Suspended": {"⏸️", colorGrey},
	"Inactive":  {"⏸️", colorGrey},
	"Archived":  {"🗄️", colorGrey},

	"Upgrade":      {"⬆️", colorGreen},
	"Downgrade":    {"⬇️", colorAmber},
	"Initial Plan": {"🆕", colorBlue},
}

var styleDefault = struct{ icon, color string }{"ℹ️", colorBlue}

// statusIcon returns the emoji of a status, ℹ️ for any other value.
func statusIcon(status any) string {
	if s, ok := statusStyles[text(status)]; ok {
		return s.icon
	}
	return styleDefault.icon
}

// statusColor returns the #rrggbb colour of a status: red for failures,
// green for healthy states, amber for work in progress, grey for
// parked documents, blue for anything else.
func statusColor(status any) string {
	if s, ok := statusStyles[text(status)]; ok {
		return s.color
	}
	return styleDefault.color
}

// text returns a helper argument as a string: "" for nil, the value for
// strings, fmt's form for anything else.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// formatDuration writes a duration with its two largest units, as
// people read it: "41s", "4m 12s", "1h 3m", "2d 4h". A whole number
// of the larger unit drops the smaller one ("5m", "2h").
func formatDuration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	d = d.Truncate(time.Second)

	units := []struct {
		size time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}}
	for i, u := range units[:len(units)-1] {
		if d < u.size {
			continue
		}
		out := sign + strconv.FormatInt(int64(d/u.size), 10) + u.name
		next := units[i+1]
		if rest := (d % u.size) / next.size; rest > 0 {
			out += " " + strconv.FormatInt(int64(rest), 10) + next.name
		}
		return out
	}
	return sign + strconv.FormatInt(int64(d/time.Second), 10) + "s"
}

// durationOf reads a helper argument as a duration: a time.Duration, or
// a number of seconds. ok is false for nil and "".
func durationOf(v any) (d time.Duration, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return 0, false, nil
	case string:
		if x == "" {
			return 0, false, nil
		}
	case time.Duration:
		return x, true, nil
	case int64:
		return time.Duration(x) * time.Second, true, nil
	case int:
		return time.Duration(x) * time.Second, true, nil
	case float64:
		return time.Duration(x * float64(time.Second)), true, nil
	}
	return 0, false, fmt.Errorf("expected a duration such as .data.build_duration or a number of seconds, got %T", v)
}

// timeOf reads a helper argument as a time. ok is false for nil, "" and
// the zero time.
func timeOf(v any) (t time.Time, ok bool, err error) {
	switch x := v.(type) {
	case nil:
		return time.Time{}, false, nil
	case string:
		if x == "" {
			return time.Time{}, false, nil
		}
	case time.Time:
		return x, !x.IsZero(), nil
	case *time.Time:
		if x == nil {
			return time.Time{}, false, nil
		}
		return *x, !x.IsZero(), nil
	}
	return time.Time{}, false, fmt.Errorf("expected a time such as .modified, got %T", v)
}

// relative writes how far t is from now in its largest whole unit:
// "just now", "3 minutes ago", "in 2 days".
func relative(t, now time.Time) string {
	d := now.Sub(t)
	past := d >= 0
	if !past {
		d = -d
	}

	var n int64
	var unit string
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		n, unit = int64(d/time.Minute), "minute"
	case d < 24*time.Hour:
		n, unit = int64(d/time.Hour), "hour"
	case d < 30*24*time.Hour:
		n, unit = int64(d/(24*time.Hour)), "day"
	case d < 365*24*time.Hour:
		n, unit = int64(d/(30*24*time.Hour)), "month"
	default:
		n, unit = int64(d/(365*24*time.Hour)), "year"
	}
	if n != 1 {
		unit += "s"
	}
	amount := strconv.FormatInt(n, 10) + " " + unit
	if past {
		return amount + " ago"
	}
	return "in " + amount
}

// isCalendarDate reports whether t is midnight in its own location, the
// form Frappe Cloud date fields are parsed into. Such a time names a day
// and is shown without moving it to another zone, so a date does not
// turn into the day before west of its zone.
func isCalendarDate(t time.Time) bool {
	h, m, s := t.Clock()
	return h == 0 && m == 0 && s == 0 && t.Nanosecond() == 0
}

// lastLines returns the last n lines of s, ignoring trailing line breaks.
func lastLines(n int, s string) string {
	s = strings.TrimRight(s, "\r\n")
	if n <= 0 {
		return ""
	}
	end := len(s)
	for i := 0; i < n; i++ {
		j := strings.LastIndexByte(s[:end], '\n')
		if j < 0 {
			return s
		}
		end = j
	}
	return s[end+1:]
}

// cutRunes shortens s to at most n runes, the last of them "…".
func cutRunes(n int, s string) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := 0; k < n-1; k++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return strings.TrimRightFunc(s[:i], isSpace) + "…"
}

func isSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

// planPrice reads a plan name that carries a monthly price, such as
// "USD 10" or "INR 750.50": a three-letter currency code, an optional
// space and a decimal amount. ok is false for any other name.
func planPrice(name string) (currency string, amount float64, ok bool) {
	name = strings.TrimSpace(name)
	if len(name) < 4 {
		return "", 0, false
	}
	for i := range 3 {
		if name[i] < 'A' || name[i] > 'Z' {
			return "", 0, false
		}
	}
	number := strings.TrimPrefix(name[3:], " ")
	whole, fraction, hasDot := strings.Cut(number, ".")
	if !isDigits(whole) || (hasDot && !isDigits(fraction)) {
		return "", 0, false
	}
	amount, err := strconv.ParseFloat(number, 64)
	return name[:3], amount, err == nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// planDelta returns the monthly price difference between two plan
// names, such as "+USD 15/month", or "" when either plan carries no
// price, the currencies differ, or the price did not change.
func planDelta(from, to any) string {
	fromCurrency, a, okFrom := planPrice(text(from))
	toCurrency, b, okTo := planPrice(text(to))
	if !okFrom || !okTo || fromCurrency != toCurrency {
		return ""
	}

	diff := b - a
	if math.Abs(diff) < 0.005 {
		return ""
	}
	sign := "+"
	if diff < 0 {
		sign = "-"
	}
	amount := strconv.FormatFloat(math.Abs(diff), 'f', 2, 64)
	amount = strings.TrimSuffix(amount, ".00")
	return sign + toCurrency + " " + amount + "/month"
}
