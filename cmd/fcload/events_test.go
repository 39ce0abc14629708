package main

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

var testBase = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

func TestEventSourceFixtures(t *testing.T) {
	src, err := newEventSource(1, testBase)
	if err != nil {
		t.Fatalf("newEventSource: %v", err)
	}
	if got := len(src.fixtures); got != 30 {
		t.Errorf("fixtures = %d, want 30", got)
	}
	for _, fx := range src.fixtures {
		if fx.file == "webhook-validate.json" {
			t.Errorf("fixture %q is embedded, but fcnotify never posts it", fx.file)
		}
	}
}

// TestBuildKeepsWireFormat puts the original values back into each built
// body and expects the fixture byte for byte.
func TestBuildKeepsWireFormat(t *testing.T) {
	src, err := newEventSource(1, testBase)
	if err != nil {
		t.Fatalf("newEventSource: %v", err)
	}
	for i, fx := range src.fixtures {
		t.Run(fx.file, func(t *testing.T) {
			original, err := fixtureFiles.ReadFile("fixtures/" + fx.file)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := documentOf(original)
			if err != nil {
				t.Fatal(err)
			}
			req := src.build(i)

			restored := string(req.body)
			restored = strings.Replace(restored, strconv.Quote(fx.name+"-"+req.token), strconv.Quote(fx.name), 1)
			restored = strings.Replace(restored, strconv.Quote(src.modified(i)), strconv.Quote(doc["modified"]), 1)
			if fx.site != "" {
				restored = strings.Replace(restored, strconv.Quote(fx.site+"-"+req.token), strconv.Quote(fx.site), 1)
			}
			if restored != string(original) {
				t.Errorf("restored body differs from the fixture:\n got %s\nwant %s", restored, original)
			}
		})
	}
}

func TestBuildUniqueValues(t *testing.T) {
	src, err := newEventSource(4, testBase)
	if err != nil {
		t.Fatalf("newEventSource: %v", err)
	}
	tests := []struct {
		seq      int
		token    string
		shard    string
		modified string
	}{
		{seq: 0, token: "fcl000000000", shard: "000", modified: "2026-09-01 12:00:00.000000"},
		{seq: 7, token: "fcl000000007", shard: "003", modified: "2026-09-01 12:00:00.000007"},
		{seq: 31, token: "fcl000000031", shard: "003", modified: "2026-09-01 12:00:00.000031"},
		{seq: 1234567, token: "fcl001234567", shard: "003", modified: "2026-09-01 12:00:01.234567"},
	}
	for _, tt := range tests {
		t.Run(tt.token, func(t *testing.T) {
			req := src.build(tt.seq)
			doc, err := documentOf(req.body)
			if err != nil {
				t.Fatalf("built body: %v", err)
			}
			if req.token != tt.token {
				t.Errorf("token = %q, want %q", req.token, tt.token)
			}
			if !strings.HasSuffix(doc["name"], "-"+tt.token) {
				t.Errorf("name = %q, want suffix %q", doc["name"], "-"+tt.token)
			}
			if doc["load_shard"] != tt.shard {
				t.Errorf("load_shard = %q, want %q", doc["load_shard"], tt.shard)
			}
			if doc["modified"] != tt.modified {
				t.Errorf("modified = %q, want %q", doc["modified"], tt.modified)
			}
			if !json.Valid(req.body) {
				t.Errorf("body is not valid JSON: %s", req.body)
			}
		})
	}
}

func TestBuildPlanChangeSite(t *testing.T) {
	src, err := newEventSource(1, testBase)
	if err != nil {
		t.Fatalf("newEventSource: %v", err)
	}
	var checked int
	for i, fx := range src.fixtures {
		if !strings.HasPrefix(fx.file, "site-plan-change-") {
			continue
		}
		checked++
		req := src.build(i)
		doc, err := documentOf(req.body)
		if err != nil {
			t.Fatalf("%s: %v", fx.file, err)
		}
		if want := fx.site + "-" + req.token; doc["site"] != want {
			t.Errorf("%s: site = %q, want %q", fx.file, doc["site"], want)
		}
	}
	if checked != 4 {
		t.Errorf("plan change fixtures = %d, want 4", checked)
	}
}

func TestCutFixtureMissingMember(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		wantErr string
	}{
		{"not JSON", `{"event": `, `fixture "x.json": unexpected end of JSON input`},
		{
			"no name", `{"event": "E", "data": {"modified": "2026-01-01 00:00:00.000000"}}`,
			`fixture "x.json": document has no "name" or "modified" string member`,
		},
		{
			"modified after compact separator", `{"data": {"name": "n", "modified":"m"}}`,
			`fixture "x.json": member "modified": "m" not found`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cutFixture("x.json", []byte(tt.body))
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestTokensIn(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string
	}{
		{"none", `{"text":"site1.example.com is Active"}`, nil},
		{"repeated in title and link", `site1-fcl000000042 <https://x/sites/site1-fcl000000042>`, []string{"fcl000000042"}},
		{"two requests", `fcl000000001 fcl000000002`, []string{"fcl000000001", "fcl000000002"}},
		{"too short", `fcl00001`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tokensIn([]byte(tt.body))
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("tokensIn = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestConsoleSinkBlocks(t *testing.T) {
	output := "title site1-fcl000000001\ntext fcl000000001\n\ntitle bench-fcl000000002\n\n\ntrailing fcl000000003"
	c := startConsoleSink(bytes.NewBufferString(output))
	c.close()

	posts := c.collect()
	var got []string
	for _, p := range posts {
		got = append(got, p.platform+" "+p.token)
	}
	want := "console fcl000000001,console fcl000000002"
	if strings.Join(got, ",") != want {
		t.Errorf("posts = %q, want %q (an unfinished block is not a post)", got, want)
	}
}
