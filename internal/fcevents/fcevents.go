// Package fcevents builds Frappe Cloud webhook bodies with the shape of
// the real ones, for tests and benchmarks that need many events about
// many documents: sites, benches and deploys with chosen names, statuses
// and modified times. The fields are those of the samples in
// internal/fixtures.
package fcevents

import (
	"encoding/json"
	"time"
)

// modifiedLayout is Frappe Cloud's datetime form, with no zone.
const modifiedLayout = "2006-01-02 15:04:05.000000"

// Site describes a site for SiteStatus.
type Site struct {
	Name    string
	Group   string
	Bench   string
	Team    string
	Cluster string
	Server  string
	Plan    string
}

// SiteStatus returns a Site Status Update body.
func SiteStatus(s Site, status string, modified time.Time) []byte {
	return body("Site Status Update", map[string]any{
		"doctype": "Site", "name": s.Name, "owner": "ops@example.com",
		"creation": "2026-03-02 08:15:40.102331", "modified": modified.Format(modifiedLayout),
		"modified_by": "Administrator", "docstatus": 0, "idx": 0,
		"status": status, "group": s.Group, "team": s.Team, "plan": or(s.Plan, "USD 25"),
		"setup_wizard_complete": 1, "cluster": or(s.Cluster, "Default"), "bench": s.Bench,
		"server": or(s.Server, "f3.example.com"), "host_name": s.Name, "trial_end_date": nil,
		"tags": []string{"ResourceTag(k2j7h3g5fd)"}, "label": nil, "is_monitoring_disabled": 0,
	})
}

// Bench describes a bench for BenchStatus. Bench events carry no team.
type Bench struct {
	Name    string
	Group   string
	Cluster string
}

// BenchStatus returns a Bench Status Update body.
func BenchStatus(b Bench, status string, modified time.Time) []byte {
	return body("Bench Status Update", map[string]any{
		"doctype": "Bench", "name": b.Name, "owner": "Administrator",
		"creation": "2026-08-21 13:09:40.388102", "modified": modified.Format(modifiedLayout),
		"modified_by": "Administrator", "docstatus": 0, "idx": 0,
		"group": b.Group, "status": status, "cluster": or(b.Cluster, "Frankfurt"),
		"is_ssh_proxy_setup": 0, "inplace_update_docker_image": nil,
	})
}

// Deploy describes a build of a release group for DeployStatus.
type Deploy struct {
	// Name is the opaque Deploy Candidate Build name; Candidate is the
	// readable deploy id.
	Name      string
	Candidate string
	Group     string
	Team      string
}

// DeployStatus returns a Bench Deploy Status Update body. A Failure
// carries a build error and no build end, as Frappe Cloud sends it.
func DeployStatus(d Deploy, status string, modified time.Time) []byte {
	return deployStatus(d, status, modified, 0)
}

// DeployRepeat returns the body of a build step that sends the deploy
// again unchanged: the same modified time and status, with idx set, so
// the body is not byte-identical to the first.
func DeployRepeat(d Deploy, status string, modified time.Time, idx int) []byte {
	return deployStatus(d, status, modified, idx)
}

func deployStatus(d Deploy, status string, modified time.Time, idx int) []byte {
	data := map[string]any{
		"doctype": "Deploy Candidate Build", "name": d.Name, "owner": "ops@example.com",
		"creation": "2026-08-19 09:12:30.551208", "modified": modified.Format(modifiedLayout),
		"modified_by": "ops@example.com", "docstatus": 0, "idx": idx,
		"status": status, "deployed": nil, "build_start": nil, "build_end": nil,
		"build_duration": nil, "build_error": "", "group": d.Group, "retry_count": 0,
		"team": d.Team, "deploy_candidate": d.Candidate,
	}
	if status == "Failure" {
		data["build_error"] = "ERROR: failed to solve: exit code: 1\n"
	}
	return body("Bench Deploy Status Update", data)
}

func body(event string, data map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"event": event, "data": data})
	if err != nil {
		panic("fcevents: " + err.Error())
	}
	return b
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
