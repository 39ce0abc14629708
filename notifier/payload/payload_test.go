package payload

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/fixtures"
)

// fixtureDir holds request bodies recorded in Frappe Cloud's wire format.
var fixtureDir = fixtures.Dir()

// absent marks a field that must have no key in Event.Fields.
type absentField struct{}

var absent = absentField{}

func utc(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05.999999", s, time.UTC)
	if err != nil {
		panic(err)
	}
	return t
}

func fixturePaths(tb testing.TB) []string {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(fixtureDir, "*.json"))
	if err != nil {
		tb.Fatalf("list fixtures: %v", err)
	}
	if len(paths) == 0 {
		tb.Fatalf("no fixtures found in %s", fixtureDir)
	}
	sort.Strings(paths)
	return paths
}

func readFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	body, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if err != nil {
		tb.Fatalf("read fixture: %v", err)
	}
	return body
}

type fixtureCase struct {
	file     string
	name     string
	doctype  string
	document string
	team     string
	status   string
	modified time.Time
	fields   map[string]any
}

func TestParseFixtures(t *testing.T) {
	cases := fixtureCases()

	covered := map[string]bool{}
	for _, tc := range cases {
		covered[tc.file] = true
	}
	for _, p := range fixturePaths(t) {
		if !covered[filepath.Base(p)] {
			t.Errorf("fixture %s has no test case", filepath.Base(p))
		}
	}

	for _, tc := range cases {
		t.Run(strings.TrimSuffix(tc.file, ".json"), func(t *testing.T) {
			ev, err := Parse(readFixture(t, tc.file), nil)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if ev.Name != tc.name {
				t.Errorf("Name = %q, want %q", ev.Name, tc.name)
			}
			if ev.Doctype != tc.doctype {
				t.Errorf("Doctype = %q, want %q", ev.Doctype, tc.doctype)
			}
			if ev.Document != tc.document {
				t.Errorf("Document = %q, want %q", ev.Document, tc.document)
			}
			if ev.Team != tc.team {
				t.Errorf("Team = %q, want %q", ev.Team, tc.team)
			}
			if ev.Status != tc.status {
				t.Errorf("Status = %q, want %q", ev.Status, tc.status)
			}
			if !ev.Modified.Equal(tc.modified) {
				t.Errorf("Modified = %v, want %v", ev.Modified, tc.modified)
			}
			checkFields(t, ev.Fields, tc.fields)
		})
	}
}

func checkFields(t *testing.T, got, want map[string]any) {
	t.Helper()
	for key, w := range want {
		v, ok := got[key]
		if w == absent {
			if ok {
				t.Errorf("Fields[%q] = %#v, want absent", key, v)
			}
			continue
		}
		if !ok {
			t.Errorf("Fields[%q] is absent, want %#v", key, w)
			continue
		}
		if !reflect.DeepEqual(v, w) {
			t.Errorf("Fields[%q] = %#v (%T), want %#v (%T)", key, v, v, w, w)
		}
	}
}

func TestParseLocation(t *testing.T) {
	zone := time.FixedZone("UTC+2", 2*60*60)
	ev, err := Parse(readFixture(t, "site-status-trial-active.json"), zone)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}

	wantModified := time.Date(2026, 8, 14, 11, 31, 47, 882019000, zone)
	if !ev.Modified.Equal(wantModified) {
		t.Errorf("Modified = %v, want %v", ev.Modified, wantModified)
	}
	if ev.Modified.Location() != zone {
		t.Errorf("Modified location = %v, want %v", ev.Modified.Location(), zone)
	}
	wantDate := time.Date(2026, 8, 28, 0, 0, 0, 0, zone)
	if got := ev.Fields["trial_end_date"]; got != wantDate {
		t.Errorf("trial_end_date = %v, want %v", got, wantDate)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name string
		body string
		want string
	}{
		{"empty body", ``, `body is empty: send {"event": ..., "data": {...}}`},
		{"only spaces", "  \n", `body is empty: send {"event": ..., "data": {...}}`},
		{"not JSON", `not json`, `body is not valid JSON: invalid character 'o' in literal null (expecting 'u') at byte 2`},
		{"trailing comma", `{"a":1,}`, `body is not valid JSON: invalid character '}' looking for beginning of object key string at byte 8`},
		{"truncated", `{"event": "Site Status Update", "data": {`, `body is not valid JSON: unexpected end of input after byte 41`},
		{"two objects", `{} {}`, `body is not valid JSON: unexpected data after the top-level value at byte 4`},
		{"array", `[{"event": "x"}]`, `body must be a JSON object, got array`},
		{"string", `"Site"`, `body must be a JSON object, got string`},
		{"number", `42`, `body must be a JSON object, got number`},
		{"null", `null`, `body must be a JSON object, got null`},
		{"boolean", `true`, `body must be a JSON object, got boolean`},
		{"data string", `{"event": "Site Status Update", "data": "site1"}`, `data must be a JSON object, got string`},
		{"data array", `{"event": "Site Status Update", "data": []}`, `data must be a JSON object, got array`},
		{"data null", `{"event": "Site Status Update", "data": null}`, `data must be a JSON object, got null`},
		{"data missing", `{"event": "Site Status Update"}`, `data is missing: send {"event": ..., "data": {...}}`},
		{"event number", `{"event": 7, "data": {}}`, `event must be a string`},
		{"event null", `{"event": null, "data": {}}`, `event must be a string`},
		{"event empty no doctype", `{"event": "", "data": {}}`, `event name and doctype are both missing: send {"event": ..., "data": {...}}`},
		{"flat without doctype", `{"name": "site1.example.com", "status": "Active"}`, `event name and doctype are both missing: send {"event": ..., "data": {...}}`},
		{"flat doctype None", `{"doctype": "None", "name": "site1.example.com"}`, `event name and doctype are both missing: send {"event": ..., "data": {...}}`},
		{"doctype number", `{"event": "X", "data": {"doctype": 3}}`, `data.doctype must be a string, got number`},
		{"name object", `{"event": "X", "data": {"name": {}}}`, `data.name must be a string, got object`},
		{"team list", `{"doctype": "Site", "team": ["a"]}`, `data.team must be a string, got array`},
		{"status boolean", `{"doctype": "Site", "status": true}`, `data.status must be a string, got boolean`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := Parse([]byte(tc.body), nil)
			if ev != nil {
				t.Errorf("Parse returned event %+v, want nil", ev)
			}
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("error = %#v, want *Error", err)
			}
			if perr.Message != tc.want {
				t.Errorf("Message = %q, want %q", perr.Message, tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("Error() = %q, want %q", err.Error(), tc.want)
			}
		})
	}
}

func TestParseEventFallback(t *testing.T) {
	cases := []struct {
		name     string
		body     string
		wantName string
		wantType string
	}{
		{"empty event uses the event of its doctype", `{"event": "", "data": {"doctype": "Bench"}}`, "Bench Status Update", "Bench"},
		{"flat uses the event of its doctype", `{"doctype": "Deploy Candidate", "name": "q2"}`, "Bench Deploy Status Update", "Deploy Candidate"},
		{"flat unknown doctype keeps its name", `{"doctype": "Server", "name": "f1"}`, "Server", "Server"},
		{"test handshake", `{"event": "Webhook Test", "data": {}}`, "Webhook Test", ""},
		{"unknown event kept", `{"event": "Server Status Update", "data": {"doctype": "Server"}}`, "Server Status Update", "Server"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := Parse([]byte(tc.body), nil)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if ev.Name != tc.wantName {
				t.Errorf("Name = %q, want %q", ev.Name, tc.wantName)
			}
			if ev.Doctype != tc.wantType {
				t.Errorf("Doctype = %q, want %q", ev.Doctype, tc.wantType)
			}
		})
	}
}

func TestDigest(t *testing.T) {
	cases := []struct {
		name string
		body string
		want string
	}{
		{"empty", "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"handshake", `{"event": "Webhook Validate", "data": {}}`, "2b085009bcccbc19293eb0eb7ac9d239c81f833ddee59f97c2f75bf2c7e1c4dc"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Digest([]byte(tc.body)); got != tc.want {
				t.Errorf("Digest = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestDigestDiffersByByte(t *testing.T) {
	a := Digest([]byte(`{"event": "X", "data": {}}`))
	b := Digest([]byte(`{"event": "X", "data": {} }`))
	if a == b {
		t.Errorf("Digest of different bodies is the same: %s", a)
	}
}
