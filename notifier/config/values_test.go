package config

import (
	"reflect"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestDurationUnmarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Duration
		wantErr string
	}{
		{in: "45s", want: Duration(45 * time.Second)},
		{in: "2m", want: Duration(2 * time.Minute)},
		{in: "24h", want: Duration(24 * time.Hour)},
		{in: "7d", want: Duration(7 * 24 * time.Hour)},
		{in: "1d12h", want: Duration(36 * time.Hour)},
		{in: "1.5h", want: Duration(90 * time.Minute)},
		{in: "0", want: 0},
		{in: "~", want: 0},
		{in: "30", wantErr: `line 1: invalid duration "30" (hint: write a number and a unit, such as "45s", "2m", "24h" or "7d")`},
		{in: "-5s", wantErr: `line 1: negative duration "-5s" (hint: write a number and a unit, such as "45s", "2m", "24h" or "7d")`},
		{in: "-1d", wantErr: `line 1: negative duration "-1d" (hint: write a number and a unit, such as "45s", "2m", "24h" or "7d")`},
		{in: "d", wantErr: `line 1: invalid duration "d" (hint: write a number and a unit, such as "45s", "2m", "24h" or "7d")`},
		{in: "200000d", wantErr: `line 1: duration "200000d" is too long (hint: write a number and a unit, such as "45s", "2m", "24h" or "7d")`},
		{in: "[1s]", wantErr: `line 1: expected a duration, found a list (hint: write a number and a unit, such as "45s", "2m", "24h" or "7d")`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			var got Duration
			err := yaml.Unmarshal([]byte(tc.in), &got)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Errorf("error = %v, want %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("error = %v", err)
			}
			if got != tc.want {
				t.Errorf("got %v, want %v", time.Duration(got), time.Duration(tc.want))
			}
		})
	}
}

func TestDurationString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   Duration
		want string
	}{
		{Duration(7 * 24 * time.Hour), "7d"},
		{Duration(5 * time.Minute), "5m"},
		{Duration(90 * time.Minute), "1h30m"},
		{Duration(2 * time.Hour), "2h"},
		{Duration(1500 * time.Millisecond), "1.5s"},
		{0, "0s"},
	}
	for _, tc := range tests {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("String(%d) = %q, want %q", int64(tc.in), got, tc.want)
		}
	}
}

func TestByteSizeUnmarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    ByteSize
		wantErr string
	}{
		{in: "1048576", want: 1 << 20},
		{in: "1MiB", want: 1 << 20},
		{in: "512KiB", want: 512 << 10},
		{in: "1MB", want: 1_000_000},
		{in: "2GiB", want: 2 << 30},
		{in: "64 kB", want: 64_000},
		{in: "100B", want: 100},
		{in: "1.5MiB", wantErr: `line 1: invalid size "1.5MiB" (hint: write a number of bytes or a size such as "512KiB", "1MiB" or "1MB")`},
		{in: "-1", wantErr: `line 1: negative size "-1" (hint: write a number of bytes or a size such as "512KiB", "1MiB" or "1MB")`},
		{in: "10000000TiB", wantErr: `line 1: size "10000000TiB" is too large (hint: write a number of bytes or a size such as "512KiB", "1MiB" or "1MB")`},
		{in: "MiB", wantErr: `line 1: invalid size "MiB" (hint: write a number of bytes or a size such as "512KiB", "1MiB" or "1MB")`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()
			var got ByteSize
			err := yaml.Unmarshal([]byte(tc.in), &got)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Errorf("error = %v, want %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("error = %v", err)
			}
			if got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestByteSizeString(t *testing.T) {
	t.Parallel()
	for in, want := range map[ByteSize]string{1 << 20: "1MiB", 512 << 10: "512KiB", 1_000_000: "1000000", 3 << 30: "3GiB", 0: "0"} {
		if got := in.String(); got != want {
			t.Errorf("String(%d) = %q, want %q", int64(in), got, want)
		}
	}
}

func TestStringListUnmarshal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    StringList
		wantErr string
	}{
		{name: "scalar", in: "to: Broken", want: StringList{"Broken"}},
		{name: "empty string", in: `to: ""`, want: StringList{""}},
		{name: "sequence", in: "to: [Broken, Active]", want: StringList{"Broken", "Active"}},
		{name: "null item", in: "to: [~, Active]", want: StringList{"", "Active"}},
		{name: "number", in: "to: 404", want: StringList{"404"}},
		{name: "null", in: "to:", want: nil},
		{name: "mapping", in: "to: {a: b}", wantErr: "line 1: expected a string or a list of strings, found a mapping"},
		{name: "nested list", in: "to:\n  - a\n  - [b]", wantErr: "line 3: [1]: expected a string, found a list"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got struct {
				To StringList `yaml:"to"`
			}
			err := yaml.Unmarshal([]byte(tc.in), &got)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Errorf("error = %v, want %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("error = %v", err)
			}
			if !reflect.DeepEqual(got.To, tc.want) {
				t.Errorf("got %#v, want %#v", got.To, tc.want)
			}
		})
	}
}

func TestFieldMatcherUnmarshal(t *testing.T) {
	t.Parallel()
	text := func(s string) *string { return &s }
	flag := func(b bool) *bool { return &b }
	const hint = " (hint: set exactly one of equals, one_of, regex, not, present)"
	tests := []struct {
		name    string
		in      string
		want    FieldMatcher
		wantErr string
	}{
		{name: "scalar", in: "Broken", want: FieldMatcher{Equals: text("Broken")}},
		{name: "empty string", in: `""`, want: FieldMatcher{Equals: text("")}},
		{name: "number as text", in: "1", want: FieldMatcher{Equals: text("1")}},
		{name: "sequence", in: "[Active, Broken]", want: FieldMatcher{OneOf: []string{"Active", "Broken"}}},
		{name: "equals", in: "{equals: x}", want: FieldMatcher{Equals: text("x")}},
		{name: "one_of", in: "{one_of: [a, b]}", want: FieldMatcher{OneOf: []string{"a", "b"}}},
		{name: "regex", in: "{regex: ^prod-}", want: FieldMatcher{Regex: "^prod-"}},
		{name: "present", in: "{present: false}", want: FieldMatcher{Present: flag(false)}},
		{name: "not", in: "{not: {one_of: [x]}}", want: FieldMatcher{Not: &FieldMatcher{OneOf: []string{"x"}}}},
		{name: "not scalar", in: "{not: Active}", want: FieldMatcher{Not: &FieldMatcher{Equals: text("Active")}}},
		{name: "two keys", in: "{equals: a, one_of: [b]}", wantErr: "line 1: matcher sets equals and one_of" + hint},
		{name: "no keys", in: "{}", wantErr: "line 1: empty matcher" + hint},
		{name: "unknown key", in: "{\n  match: a}", wantErr: `line 2: unknown key "match" (known keys: equals, one_of, regex, not, present)`},
		{name: "duplicate key", in: "{regex: a, regex: b}", wantErr: `line 1: duplicate key "regex"`},
		{name: "empty list", in: "[]", wantErr: "line 1: empty list matches nothing (hint: list at least one value)"},
		{name: "present not bool", in: "{present: maybe}", wantErr: "line 1: present: expected true or false"},
		{name: "empty regex", in: "{regex: ''}", wantErr: `line 1: regex: expected a regular expression (hint: write one such as "^prod-")`},
		{name: "nested problem", in: "not:\n  not:\n    one_of: {a: b}", wantErr: "line 3: not.not.one_of: expected a string or a list of strings, found a mapping"},
		{name: "deep nesting", in: "{not: {not: {not: {not: {not: {not: {not: {not: {not: {not: x}}}}}}}}}}", wantErr: "line 1: not.not.not.not.not.not.not.not.not: matchers nest too deeply (hint: use at most 8 levels of not)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got FieldMatcher
			err := yaml.Unmarshal([]byte(tc.in), &got)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Errorf("error = %v, want %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("error = %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestFieldMatcherMarshalRoundTrip(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"Broken\n", "\"true\"\n", "- a\n- b\n", "regex: ^a\n", "present: true\n", "not:\n    regex: ^a\n"} {
		var m FieldMatcher
		if err := yaml.Unmarshal([]byte(in), &m); err != nil {
			t.Fatalf("unmarshal %q: %v", in, err)
		}
		out, err := yaml.Marshal(m)
		if err != nil {
			t.Fatalf("marshal %q: %v", in, err)
		}
		if string(out) != in {
			t.Errorf("round trip of %q = %q", in, out)
		}
	}
}
