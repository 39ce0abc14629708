package schedule

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

const stuckRules = `
rules:
  - name: deploy-stuck
    match: {event: Bench Deploy Status Update, to: Running}
    for: 45m
    notify: [ops]
  - name: site-stuck
    match: {event: Site Status Update, to: [Pending, Updating], team: team-7f3a}
    for: 30m
    notify: [ops]
  - name: bench-stuck
    match: {event: Bench Status Update, to: Installing, when: 'team == "team-b21c"'}
    for: 20m
    notify: [ops]
`

// deployStart is when the Running deploy of the fixtures is received.
var deployStart = time.Date(2026, 8, 19, 9, 13, 0, 0, time.UTC)

func TestStuckDeployFiresOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, deployStart, time.UTC, stuckRules)
	e.receive("deploy-running.json", "", nil)
	e.tick()
	e.tickUntil(deployStart.Add(44*time.Minute), 4*time.Minute)
	if got := e.events(); len(got) != 0 {
		t.Fatalf("alerts before 45 minutes = %v", whats(got, time.UTC))
	}

	e.tickUntil(deployStart.Add(50*time.Minute), time.Minute)
	e.tickUntil(deployStart.Add(3*time.Hour), 15*time.Minute)
	events := e.events()
	want := []string{"2026-08-19 09:58 stuck deploy-stuck x7k2m7q4ra"}
	if got := whats(events, time.UTC); !reflect.DeepEqual(got, want) {
		t.Fatalf("alerts = %v, want %v", got, want)
	}

	ev := events[0].ev
	if got := ev.Fields["stuck_for"]; got != 45*time.Minute {
		t.Errorf("stuck_for = %v, want 45m", got)
	}
	if got, _ := ev.Fields["since"].(time.Time); !got.Equal(deployStart) {
		t.Errorf("since = %v, want %v", got, deployStart)
	}
	if ev.Name != "Bench Deploy Status Update" || ev.Status != "Running" || ev.Team != "team-7f3a" {
		t.Errorf("event = %q, status %q, team %q", ev.Name, ev.Status, ev.Team)
	}

	e.restart(e.clock.Now())
	e.tickUntil(deployStart.Add(5*time.Hour), 10*time.Minute)
	if got := e.events(); len(got) != 0 {
		t.Errorf("alerts after a restart = %v, want none", whats(got, time.UTC))
	}
}

func TestDeployFinishingInTimeFiresNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, deployStart, time.UTC, stuckRules)
	e.receive("deploy-running.json", "", nil)
	e.tickUntil(deployStart.Add(44*time.Minute), 4*time.Minute)
	e.receive("deploy-running.json", "", map[string]any{"status": "Success", "modified": "2026-08-19 09:57:00.000000"})
	e.tickUntil(deployStart.Add(50*time.Minute), time.Minute)
	e.tickUntil(deployStart.Add(3*time.Hour), 15*time.Minute)

	if got := e.events(); len(got) != 0 {
		t.Errorf("alerts = %v, want none", whats(got, time.UTC))
	}
}

func TestNewStayFiresAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, deployStart, time.UTC, stuckRules)
	e.receive("deploy-running.json", "", nil)
	e.tickUntil(deployStart.Add(time.Hour), 5*time.Minute)
	e.receive("deploy-running.json", "", map[string]any{"status": "Pending", "modified": "2026-08-19 10:13:00.000000"})
	e.tickUntil(deployStart.Add(70*time.Minute), 5*time.Minute)
	e.receive("deploy-running.json", "", map[string]any{"status": "Running", "modified": "2026-08-19 10:23:00.000000"})
	e.tickUntil(deployStart.Add(3*time.Hour), 5*time.Minute)

	want := []string{
		"2026-08-19 09:58 stuck deploy-stuck x7k2m7q4ra",
		"2026-08-19 11:08 stuck deploy-stuck x7k2m7q4ra",
	}
	if got := whats(e.events(), time.UTC); !reflect.DeepEqual(got, want) {
		t.Errorf("alerts = %v, want %v", got, want)
	}
}

func TestStuckRulesMatchTheSnapshot(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 8, 21, 13, 10, 0, 0, time.UTC)
	tests := []struct {
		name    string
		fixture string
		team    string
		fields  map[string]any
		want    []string
	}{
		{
			"site of the team", "site-status-pending-created.json", "", nil,
			[]string{"2026-08-21 13:40 stuck site-stuck site1.example.com"},
		},
		{"site of another team", "site-status-pending-created.json", "", map[string]any{"team": "team-b21c"}, nil},
		{"active site", "site-status-active.json", "", nil, nil},
		{
			"bench with inferred team", "bench-status-installing.json", "team-b21c", nil,
			[]string{"2026-08-21 13:30 stuck bench-stuck bench-0142-000213-f8"},
		},
		{"bench of another team", "bench-status-installing.json", "team-7f3a", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, start, time.UTC, stuckRules)
			e.receive(tt.fixture, tt.team, tt.fields)
			e.tickUntil(start.Add(2*time.Hour), 10*time.Minute)
			if got := whats(e.events(), time.UTC); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("alerts = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestFailingConditionIsLogged(t *testing.T) {
	t.Parallel()
	rules := `
rules:
  - name: odd
    match: {to: Running, when: 'int(data.build_error) > 0'}
    for: 1m
    notify: [ops]
`
	e := newEnv(t, deployStart, time.UTC, rules)
	e.receive("deploy-running.json", "", nil)
	e.tickUntil(deployStart.Add(5*time.Minute), time.Minute)
	if got := e.events(); len(got) != 0 {
		t.Errorf("alerts = %v, want none", whats(got, time.UTC))
	}
	if n := strings.Count(e.logs.String(), `msg="rule condition failed" rule=odd doctype="Deploy Candidate Build" document=x7k2m7q4ra`); n != 1 {
		t.Errorf("failed condition logged %d times, want once:\n%s", n, e.logs)
	}
}
