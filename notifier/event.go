package notifier

import (
	"strconv"
	"time"
)

// Event names that Frappe Cloud sends. Other names are accepted too and
// are matched by generic rules.
const (
	EventSiteStatus     = "Site Status Update"
	EventSitePlanChange = "Site Plan Change"
	EventDeployStatus   = "Bench Deploy Status Update"
	EventBenchStatus    = "Bench Status Update"
	EventValidate       = "Webhook Validate"
	EventTest           = "Webhook Test"
)

// IsHandshake reports whether the event only checks that the endpoint
// works: Frappe Cloud sends it when a webhook is activated or tested.
func IsHandshake(name string) bool {
	return name == EventValidate || name == EventTest
}

// Event is one webhook delivery, parsed. The zero value is an empty event
// with no fields.
type Event struct {
	// InboxID is the inbox row the event was stored in, zero before that.
	InboxID int64

	// Name is the event name, or the doctype when the payload came
	// without the {"event", "data"} wrapper.
	Name     string
	Doctype  string
	Document string
	Team     string
	Status   string

	// Modified is the document's `modified` time, zero when absent.
	Modified time.Time

	// Endpoint is the named endpoint (/webhook/{name}) the event arrived
	// on, empty for the default path.
	Endpoint string

	// Received is when fcnotify accepted the request.
	Received time.Time

	// Fields holds every payload field that is present. Absent values
	// (null, "None", missing) have no key. Datetimes and dates are
	// time.Time, durations time.Duration, check fields bool, whole numbers
	// int64, other numbers float64, lists []any and objects map[string]any.
	Fields map[string]any
}

// Field returns the value of a payload field and whether it is present.
func (e *Event) Field(name string) (any, bool) {
	v, ok := e.Fields[name]
	return v, ok
}

// Text returns a payload field as text, in the form Frappe Cloud writes
// it, or "" when the field is absent. Rule field matchers compare
// against this form.
func (e *Event) Text(name string) string {
	v, ok := e.Fields[name]
	if !ok {
		return ""
	}
	return FormatValue(v)
}

// Wire formats of Frappe Cloud values, which carry no time zone.
const (
	DatetimeLayout = "2006-01-02 15:04:05.999999"
	DateLayout     = "2006-01-02"
)

// FormatValue writes a parsed field value back in Frappe Cloud's text
// form: dates and datetimes in their wire layout, check fields as 0 or 1.
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "1"
		}
		return "0"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(DateLayout)
		}
		return x.Format(DatetimeLayout)
	case time.Duration:
		return FormatDuration(x)
	default:
		return ""
	}
}

// FormatDuration writes a duration in Frappe Cloud's H:MM:SS.ffffff form.
func FormatDuration(d time.Duration) string {
	us := d.Microseconds()
	h := us / 3_600_000_000
	m := us / 60_000_000 % 60
	s := us / 1_000_000 % 60
	frac := us % 1_000_000
	out := strconv.FormatInt(h, 10) + ":" + pad2(m) + ":" + pad2(s)
	if frac != 0 {
		f := strconv.FormatInt(frac+1_000_000, 10)[1:]
		out += "." + f
	}
	return out
}

func pad2(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}
