package crashtest

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/fcnotify/fcnotify/internal/fixtures"
)

var fixtureDir = fixtures.Dir()

func TestEventsAreUniqueAndValid(t *testing.T) {
	events, err := Events(fixtureDir, 70)
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	if len(events) != 70 {
		t.Fatalf("events = %d, want 70", len(events))
	}

	seen := map[string]bool{}
	for i, ev := range events {
		if seen[string(ev.Body)] {
			t.Errorf("event %d repeats an earlier body", i)
		}
		seen[string(ev.Body)] = true
		if got := TokenPattern.FindAllString(string(ev.Body), -1); len(got) == 0 || got[0] != ev.Token {
			t.Errorf("event %d carries tokens %v, want %s first", i, got, ev.Token)
		}
		if !json.Valid(ev.Body) {
			t.Errorf("event %d is not valid JSON", i)
		}
		if strings.Contains(string(ev.Body), "Webhook Validate") {
			t.Errorf("event %d is a Webhook Validate", i)
		}
	}
}

func TestEventsRenamesPlanChangeSite(t *testing.T) {
	events, err := Events(fixtureDir, 40)
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	found := false
	for _, ev := range events {
		doc, _, err := document(ev.Body)
		if err != nil {
			t.Fatal(err)
		}
		if doc["doctype"] != "Site Plan Change" {
			continue
		}
		found = true
		if want := "-" + ev.Token; !strings.HasSuffix(doc["site"], want) || !strings.HasSuffix(doc["name"], want) {
			t.Errorf("plan change name %q and site %q, want both to end in %q", doc["name"], doc["site"], want)
		}
	}
	if !found {
		t.Error("no Site Plan Change among the events")
	}
}

func TestEventsRejectsEmptyDirectory(t *testing.T) {
	_, err := Events(t.TempDir(), 1)
	if err == nil || !strings.Contains(err.Error(), "no fixtures in") {
		t.Errorf("error = %v, want one naming the empty directory", err)
	}
}
