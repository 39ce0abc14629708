package calm

import (
	"reflect"
	"testing"
	"time"
)

func TestDataRoundTrip(t *testing.T) {
	t.Parallel()
	kolkata := time.FixedZone("IST", 5*3600+1800)
	modified := time.Date(2026, 8, 18, 2, 37, 29, 4518000, kolkata)
	data := map[string]any{
		"event":    "Bench Status Update",
		"changed":  true,
		"modified": modified,
		"received": nil,
		"count":    3,
		"names":    map[string]string{"group": "Acme ERP"},
		"list":     []string{"a", "b"},
		"data": map[string]any{
			"build_duration": 4*time.Minute + 12*time.Second,
			"retry_count":    int64(9007199254740993),
			"price":          12.5,
			"tags":           []any{"ResourceTag(k2j7h3g5fd)", int64(2)},
			"odd":            map[string]any{"$time": "not a time"},
		},
	}

	b, err := EncodeData(data)
	if err != nil {
		t.Fatalf("EncodeData: %v", err)
	}
	got, err := DecodeData(b)
	if err != nil {
		t.Fatalf("DecodeData: %v", err)
	}

	want := map[string]any{
		"event":    "Bench Status Update",
		"changed":  true,
		"received": nil,
		"count":    int64(3),
		"names":    map[string]any{"group": "Acme ERP"},
		"list":     []any{"a", "b"},
		"data": map[string]any{
			"build_duration": 4*time.Minute + 12*time.Second,
			"retry_count":    int64(9007199254740993),
			"price":          12.5,
			"tags":           []any{"ResourceTag(k2j7h3g5fd)", int64(2)},
			"odd":            map[string]any{"$time": "not a time"},
		},
	}
	gotModified, ok := got["modified"].(time.Time)
	if !ok || !gotModified.Equal(modified) {
		t.Errorf("modified = %#v, want %v", got["modified"], modified)
	}
	if _, offset := gotModified.Zone(); offset != 5*3600+1800 {
		t.Errorf("modified offset = %d, want 19800", offset)
	}
	delete(got, "modified")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded =\n%#v\nwant\n%#v", got, want)
	}
}

func TestEncodeDataRejectsUnknownType(t *testing.T) {
	t.Parallel()
	_, err := EncodeData(map[string]any{"data": map[string]any{"x": struct{}{}}})
	if err == nil || err.Error() != `key "data": key "x": value of type struct {} cannot be held` {
		t.Errorf("error = %v, want the key path and type", err)
	}
}

func TestDecodeDataRejectsBadTags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"not json", `{`, "decode held data: unexpected end of JSON input"},
		{"time not a string", `{"t": {"$time": 5}}`, "decode held data: invalid $time value of type float64, expected a string"},
		{"bad time", `{"t": {"$time": "noon"}}`, `decode held data: parsing time "noon" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse "noon" as "2006"`},
		{"map not an object", `{"m": {"$map": []}}`, "decode held data: invalid $map value of type []interface {}, expected an object"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := DecodeData([]byte(tc.in))
			if err == nil || err.Error() != tc.want {
				t.Errorf("error = %v, want %s", err, tc.want)
			}
		})
	}
}

func TestGroupKey(t *testing.T) {
	t.Parallel()
	data := map[string]any{
		"group":  "bench-0019",
		"status": "Broken",
		"names":  map[string]any{"group": "Acme ERP"},
		"data":   map[string]any{"retry_count": int64(2)},
	}
	tests := []struct {
		name   string
		by     []string
		key    string
		values map[string]any
	}{
		{
			"two keys",
			[]string{"group", "status"},
			`["bench-0019","Broken"]`,
			map[string]any{"group": "bench-0019", "status": "Broken"},
		},
		{
			"nested keys",
			[]string{"names.group", "data.retry_count"},
			`["Acme ERP","2"]`,
			map[string]any{"names.group": "Acme ERP", "data.retry_count": "2"},
		},
		{"missing key", []string{"data.cluster"}, `[""]`, map[string]any{"data.cluster": ""}},
		{"path through a string", []string{"group.name"}, `[""]`, map[string]any{"group.name": ""}},
		{"no keys", nil, `[]`, map[string]any{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			key, values := GroupKey(tc.by, data)
			if key != tc.key {
				t.Errorf("key = %s, want %s", key, tc.key)
			}
			if !reflect.DeepEqual(values, tc.values) {
				t.Errorf("values = %v, want %v", values, tc.values)
			}
		})
	}
}
