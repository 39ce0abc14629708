package fcevents

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

var dayStart = time.Date(2026, 8, 25, 0, 0, 0, 0, time.UTC)

func TestDayIsReproducible(t *testing.T) {
	warmA, dayA := Day(7, AgencyDay, dayStart)
	warmB, dayB := Day(7, AgencyDay, dayStart)
	if len(warmA) != len(warmB) || len(dayA) != len(dayB) {
		t.Fatalf("lengths differ: %d/%d and %d/%d", len(warmA), len(dayA), len(warmB), len(dayB))
	}
	for i := range dayA {
		if !bytes.Equal(dayA[i].Body, dayB[i].Body) || !dayA[i].At.Equal(dayB[i].At) {
			t.Fatalf("event %d differs between runs with the same seed", i)
		}
	}
	_, other := Day(8, AgencyDay, dayStart)
	if len(other) == len(dayA) && bytes.Equal(other[0].Body, dayA[0].Body) {
		t.Error("another seed gives the same day")
	}
}

func TestDayShape(t *testing.T) {
	warmUp, events := Day(7, AgencyDay, dayStart)
	if want := AgencyDay.Sites + AgencyDay.Groups*AgencyDay.Servers; len(warmUp) != want {
		t.Errorf("warm-up events = %d, want %d", len(warmUp), want)
	}

	count := map[string]int{}
	documents := map[string]bool{}
	for i, ev := range events {
		if i > 0 && ev.At.Before(events[i-1].At) {
			t.Fatalf("event %d at %v comes before event %d at %v", i, ev.At, i-1, events[i-1].At)
		}
		if ev.At.Before(dayStart) || !ev.At.Before(dayStart.Add(25*time.Hour)) {
			t.Errorf("event %d at %v is outside the day", i, ev.At)
		}
		var body struct {
			Event string         `json:"event"`
			Data  map[string]any `json:"data"`
		}
		if err := json.Unmarshal(ev.Body, &body); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if body.Data["name"] != ev.Document || body.Data["status"] != ev.Status {
			t.Errorf("event %d body is about %v %v, want %s %s", i, body.Data["name"], body.Data["status"], ev.Document, ev.Status)
		}
		count[ev.Doctype+" "+ev.Status]++
		documents[ev.Document] = true
	}

	checks := []struct {
		key  string
		want int
	}{
		{"Deploy Candidate Build Pending", 20},
		{"Deploy Candidate Build Success", 19},
		{"Deploy Candidate Build Failure", 1},
		{"Bench Archived", 19 * 12},
		{"Bench Installing", 19 * 12},
		{"Bench Broken", 40},
		// 42 sites on the failed server, and a site that flaps five times.
		{"Site Broken", 42 + 5},
	}
	for _, c := range checks {
		if count[c.key] != c.want {
			t.Errorf("%s events = %d, want %d", c.key, count[c.key], c.want)
		}
	}
	if n := len(events); n < 2000 || n > 4000 {
		t.Errorf("events = %d, want a day of 2,000 to 4,000", n)
	}
}
