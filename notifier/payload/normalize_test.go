package payload

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"reflect"
	"testing"
	"time"
)

func TestParseFieldValues(t *testing.T) {
	cases := []struct {
		name  string
		field string
		json  string
		want  any
	}{
		{"null is absent", "label", `null`, absent},
		{"None is absent", "label", `"None"`, absent},
		{"empty string kept", "from_plan", `""`, ""},
		{"none lower case kept", "label", `"none"`, "none"},
		{"datetime with fraction", "creation", `"2026-08-21 13:09:40.207716"`, utc("2026-08-21 13:09:40.207716")},
		{"datetime short fraction", "creation", `"2026-08-21 13:09:40.2"`, utc("2026-08-21 13:09:40.2")},
		{"datetime without fraction", "creation", `"2026-08-21 13:09:40"`, utc("2026-08-21 13:09:40")},
		{"datetime invalid month", "creation", `"2026-13-21 13:09:40"`, "2026-13-21 13:09:40"},
		{"datetime with zone kept", "creation", `"2026-08-21T13:09:40Z"`, "2026-08-21T13:09:40Z"},
		{"datetime seven digit fraction", "creation", `"2026-08-21 13:09:40.1234567"`, "2026-08-21 13:09:40.1234567"},
		{"date", "trial_end_date", `"2026-08-28"`, time.Date(2026, 8, 28, 0, 0, 0, 0, time.UTC)},
		{"date invalid day", "trial_end_date", `"2026-02-30"`, "2026-02-30"},
		{"duration", "build_duration", `"0:04:12.481930"`, 4*time.Minute + 12*time.Second + 481930*time.Microsecond},
		{"duration short fraction", "build_duration", `"1:00:00.5"`, time.Hour + 500*time.Millisecond},
		{"duration without fraction", "build_duration", `"12:30:05"`, 12*time.Hour + 30*time.Minute + 5*time.Second},
		{"duration bad minutes", "build_duration", `"0:75:00"`, "0:75:00"},
		{"duration one digit minutes", "build_duration", `"0:4:12"`, "0:4:12"},
		{"clock-like text kept", "note", `"at 10:00:00"`, "at 10:00:00"},
		{"whole number", "retry_count", `3`, int64(3)},
		{"negative number", "retry_count", `-2`, int64(-2)},
		{"decimal number", "price", `2.5`, 2.5},
		{"exponent number", "price", `1e3`, 1000.0},
		{"number beyond int64", "size", `12345678901234567890`, 12345678901234567890.0},
		{"number beyond float64", "size", `1e400`, math.Inf(1)},
		{"docstatus stays number", "docstatus", `1`, int64(1)},
		{"check prefix is_", "is_public", `1`, true},
		{"check prefix has_", "has_backup", `0`, false},
		{"check prefix allow_", "allow_physical_backup_by_user", `1`, true},
		{"check prefix skip_", "skip_auto_updates", `0`, false},
		{"check prefix enable", "enabled", `1`, true},
		{"check name deployed", "deployed", `1`, true},
		{"check name offsite", "offsite", `0`, false},
		{"check out of range", "is_public", `2`, int64(2)},
		{"check as decimal", "is_public", `1.0`, 1.0},
		{"check as boolean", "is_public", `true`, true},
		{"check as None", "deployed", `"None"`, absent},
		{"list keeps None and null", "tags", `["None", null, 1, 1.5]`, []any{"None", nil, int64(1), 1.5}},
		{"list keeps date text", "tags", `["2026-08-28"]`, []any{"2026-08-28"}},
		{"object numbers converted", "meta", `{"n": 2, "s": "None", "z": null}`, map[string]any{"n": int64(2), "s": "None", "z": nil}},
		{"escaped unicode", "label", `"Caf\u00e9 \ud83d\ude80"`, "Café 🚀"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"event": "X", "data": {"doctype": "Site", "` + tc.field + `": ` + tc.json + `}}`
			ev, err := Parse([]byte(body), nil)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkFields(t, ev.Fields, map[string]any{tc.field: tc.want})
		})
	}
}

func TestParseIdentityNotConverted(t *testing.T) {
	body := `{"event": "X", "data": {"doctype": "Daily Report", "name": "2026-08-28", "status": "None", "team": null}}`
	ev, err := Parse([]byte(body), nil)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if ev.Document != "2026-08-28" {
		t.Errorf("Document = %q, want %q", ev.Document, "2026-08-28")
	}
	if ev.Status != "" {
		t.Errorf("Status = %q, want empty", ev.Status)
	}
	if ev.Team != "" {
		t.Errorf("Team = %q, want empty", ev.Team)
	}
	if got := ev.Text("name"); got != "2026-08-28" {
		t.Errorf("Text(name) = %q, want %q", got, "2026-08-28")
	}
}

func TestParseModifiedNotDatetime(t *testing.T) {
	body := `{"event": "X", "data": {"doctype": "Site", "modified": "yesterday"}}`
	ev, err := Parse([]byte(body), nil)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if !ev.Modified.IsZero() {
		t.Errorf("Modified = %v, want zero", ev.Modified)
	}
	if got := ev.Fields["modified"]; got != "yesterday" {
		t.Errorf("Fields[modified] = %#v, want %q", got, "yesterday")
	}
}

func FuzzParse(f *testing.F) {
	for _, p := range fixturePaths(f) {
		body, err := os.ReadFile(p)
		if err != nil {
			f.Fatalf("read fixture: %v", err)
		}
		f.Add(body)
	}
	f.Add([]byte(`{"event": "", "data": {"doctype": "None"}}`))
	f.Add([]byte(`{"doctype": "Site", "x": "0:00:00.1"}`))

	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := Parse(body, nil)
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("error %T is not *Error: %v", err, err)
			}
			return
		}
		if ev.Name == "" && ev.Doctype == "" {
			t.Fatalf("event has neither Name nor Doctype")
		}
		for k, v := range ev.Fields {
			checkNormalized(t, k, v, true)
		}
	})
}

// checkNormalized fails when a decoder type or an absent value leaks into
// the event's fields.
func checkNormalized(t *testing.T, key string, v any, top bool) {
	switch x := v.(type) {
	case json.Number:
		t.Fatalf("field %q holds json.Number %q", key, x)
	case nil:
		if top {
			t.Fatalf("field %q is present with nil", key)
		}
	case string:
		if top && x == noneText {
			t.Fatalf("field %q is present with %q", key, x)
		}
	case []any:
		for _, e := range x {
			checkNormalized(t, key, e, false)
		}
	case map[string]any:
		for _, e := range x {
			checkNormalized(t, key, e, false)
		}
	case bool, int64, float64, time.Time, time.Duration:
	default:
		t.Fatalf("field %q has unexpected type %s", key, reflect.TypeOf(v))
	}
}

func BenchmarkParse(b *testing.B) {
	var bodies [][]byte
	size := 0
	for _, p := range fixturePaths(b) {
		body, err := os.ReadFile(p)
		if err != nil {
			b.Fatalf("read fixture: %v", err)
		}
		bodies = append(bodies, body)
		size += len(body)
	}
	b.SetBytes(int64(size / len(bodies)))
	b.ReportAllocs()

	i := 0
	for b.Loop() {
		if _, err := Parse(bodies[i%len(bodies)], nil); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
