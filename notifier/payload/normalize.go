package payload

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
)

// noneText is the text older Frappe Cloud payloads send for an empty value.
const noneText = "None"

// checkNames are Frappe check fields (0 or 1) whose names have none of
// the checkPrefixes. docstatus is not one: it is 0, 1 or 2.
var checkNames = map[string]bool{
	"setup_wizard_complete":          true,
	"archive_failed":                 true,
	"additional_system_user_created": true,
	"site_usage_exceeded":            true,
	"creation_failed":                true,
	"fatal_site_update":              true,
	"deployed":                       true,
	"offsite":                        true,
	"with_files":                     true,
	"is_ssh_proxy_setup":             true,
}

var checkPrefixes = []string{"is_", "has_", "allow_", "skip_", "enable"}

// isCheckField reports whether a field holds a Frappe check, which is
// sent as the number 0 or 1.
func isCheckField(key string) bool {
	if checkNames[key] {
		return true
	}
	for _, p := range checkPrefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// normalize converts the top-level values of a document in place: absent
// values (null, "None") are deleted, and the rest take the Go types that
// notifier.Event documents.
func normalize(data map[string]any, loc *time.Location) {
	for k, v := range data {
		if v == nil || v == noneText {
			delete(data, k)
			continue
		}
		data[k] = topValue(k, v, loc)
	}
}

func topValue(key string, v any, loc *time.Location) any {
	switch x := v.(type) {
	case string:
		return textValue(x, loc)
	case json.Number:
		n := number(x)
		if i, ok := n.(int64); ok && (i == 0 || i == 1) && isCheckField(key) {
			return i == 1
		}
		return n
	}
	return nestedValue(v)
}

// nestedValue converts the numbers inside lists and objects and leaves
// every other value as sent.
func nestedValue(v any) any {
	switch x := v.(type) {
	case json.Number:
		return number(x)
	case []any:
		for i, e := range x {
			x[i] = nestedValue(e)
		}
	case map[string]any:
		for k, e := range x {
			x[k] = nestedValue(e)
		}
	}
	return v
}

// number returns a whole number as int64 and any other number, or a whole
// number too large for int64, as float64.
func number(n json.Number) any {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i
		}
	}
	// A json.Number is valid JSON, so the only error is a range error,
	// and then ParseFloat still returns the nearest value (±Inf).
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// textValue returns a datetime, date or duration written in Frappe
// Cloud's wire form as a typed value, and any other string unchanged.
func textValue(s string, loc *time.Location) any {
	switch {
	case looksLikeDatetime(s):
		if t, err := time.ParseInLocation(notifier.DatetimeLayout, s, loc); err == nil {
			return t
		}
	case looksLikeDate(s):
		if t, err := time.ParseInLocation(notifier.DateLayout, s, loc); err == nil {
			return t
		}
	default:
		if d, ok := parseDuration(s); ok {
			return d
		}
	}
	return s
}

// looksLikeDate checks the shape YYYY-MM-DD. The digits' range is left
// to time.Parse.
func looksLikeDate(s string) bool {
	return len(s) == 10 && digits(s[0:4]) && s[4] == '-' && digits(s[5:7]) && s[7] == '-' && digits(s[8:10])
}

// looksLikeDatetime checks the shape YYYY-MM-DD HH:MM:SS with an optional
// fraction of one to six digits.
func looksLikeDatetime(s string) bool {
	if len(s) < 19 || !looksLikeDate(s[:10]) || s[10] != ' ' {
		return false
	}
	if !digits(s[11:13]) || s[13] != ':' || !digits(s[14:16]) || s[16] != ':' || !digits(s[17:19]) {
		return false
	}
	return validFraction(s[19:])
}

// validFraction accepts "" or a dot followed by one to six digits.
func validFraction(s string) bool {
	if s == "" {
		return true
	}
	return len(s) >= 2 && len(s) <= 7 && s[0] == '.' && digits(s[1:])
}

// parseDuration reads the form H:MM:SS(.ffffff) that Frappe Cloud uses
// for durations, with one to six digits of hours. Minutes and seconds
// must be below 60.
//
// NOTE: Python writes a timedelta of a day or more as "1 day, 2:03:04",
// and such a value stays text.
func parseDuration(s string) (time.Duration, bool) {
	colon := strings.IndexByte(s, ':')
	if colon < 1 || len(s) < colon+6 {
		return 0, false
	}
	h, m, sec, frac := s[:colon], s[colon+1:colon+3], s[colon+4:colon+6], s[colon+6:]
	if !digits(h) || len(h) > 6 || s[colon+3] != ':' || !digits(m) || !digits(sec) || !validFraction(frac) {
		return 0, false
	}

	hours, _ := strconv.Atoi(h)
	minutes, _ := strconv.Atoi(m)
	seconds, _ := strconv.Atoi(sec)
	if minutes > 59 || seconds > 59 {
		return 0, false
	}

	d := time.Duration(hours)*time.Hour + time.Duration(minutes)*time.Minute + time.Duration(seconds)*time.Second
	if frac != "" {
		micros, _ := strconv.Atoi((frac[1:] + "00000")[:6])
		d += time.Duration(micros) * time.Microsecond
	}
	return d, true
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
