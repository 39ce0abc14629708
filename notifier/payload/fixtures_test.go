package payload

import "time"

// fixtureCases lists the expected event of every recorded body, with a
// few typed fields each. TestParseFixtures fails when a fixture has no
// case here.
func fixtureCases() []fixtureCase {
	const (
		bench  = "Bench Status Update"
		deploy = "Bench Deploy Status Update"
		plan   = "Site Plan Change"
		site   = "Site Status Update"
		dcb    = "Deploy Candidate Build"
	)
	return []fixtureCase{
		{
			file: "bench-status-active.json", name: bench, doctype: "Bench",
			document: "bench-0142-000213-f8", status: "Active",
			modified: utc("2026-08-21 13:09:52.664208"),
			fields: map[string]any{
				"is_ssh_proxy_setup":          false,
				"docstatus":                   int64(0),
				"team":                        absent,
				"inplace_update_docker_image": absent,
				"creation":                    utc("2026-08-21 13:09:40.207716"),
			},
		},
		{
			file: "bench-status-archived.json", name: bench, doctype: "Bench",
			document: "bench-0142-000198-f8", status: "Archived",
			modified: utc("2026-08-21 14:00:07.512904"),
			fields: map[string]any{
				"is_ssh_proxy_setup":          true,
				"inplace_update_docker_image": "registry.example.com/fc/example.com/bench-0142:w2e5r7t3yu-inplace-02",
			},
		},
		{
			file: "bench-status-archiving-pending.json", name: bench, doctype: "Bench",
			document: "bench-0142-000198-f8", status: "Pending",
			modified: utc("2026-08-21 14:00:07.512904"),
			fields:   map[string]any{"group": "bench-0142", "idx": int64(0)},
		},
		{
			file: "bench-status-broken.json", name: bench, doctype: "Bench",
			document: "bench-0142-000213-f9", status: "Broken",
			modified: utc("2026-08-21 13:09:55.120934"),
			fields:   map[string]any{"group": "bench-0142", "cluster": "Frankfurt"},
		},
		{
			file: "bench-status-installing.json", name: bench, doctype: "Bench",
			document: "bench-0142-000213-f8", status: "Installing",
			modified: utc("2026-08-21 13:09:40.207716"),
			fields:   map[string]any{"modified_by": "Administrator"},
		},
		{
			file: "bench-status-pending.json", name: bench, doctype: "Bench",
			document: "bench-0142-000213-f8", status: "Pending",
			modified: utc("2026-08-21 13:09:40.207716"),
			fields:   map[string]any{"owner": "Administrator"},
		},
		{
			file: "bench-status-updating.json", name: bench, doctype: "Bench",
			document: "bench-0019-000059-f3", status: "Updating",
			modified: utc("2026-08-22 06:40:12.775410"),
			fields:   map[string]any{"modified_by": "ops@example.com", "is_ssh_proxy_setup": true},
		},
		{
			file: "deploy-failure.json", name: deploy, doctype: dcb,
			document: "x7k2m7q4ra", team: "team-7f3a", status: "Failure",
			modified: utc("2026-08-19 09:16:02.135876"),
			fields: map[string]any{
				"build_start":    utc("2026-08-19 09:12:31.020119"),
				"build_end":      absent,
				"build_duration": absent,
				"deployed":       absent,
				"retry_count":    int64(0),
			},
		},
		{
			file: "deploy-legacy-deploy-candidate.json", name: deploy, doctype: "Deploy Candidate",
			document: "deploy-0019-000041", status: "Success",
			modified: utc("2025-04-10 11:20:47.903118"),
			fields: map[string]any{
				"deployed":         absent,
				"team":             absent,
				"deploy_candidate": absent,
				"build_duration":   41*time.Second + 794126*time.Microsecond,
				"build_error":      "",
			},
		},
		{
			file: "deploy-pending.json", name: deploy, doctype: dcb,
			document: "x7k2m7q4ra", team: "team-7f3a", status: "Pending",
			modified: utc("2026-08-19 09:12:30.704913"),
			fields:   map[string]any{"build_error": "", "build_start": absent, "deploy_candidate": "deploy-0019-000061"},
		},
		{
			file: "deploy-preparing.json", name: deploy, doctype: dcb,
			document: "x7k2m7q4ra", team: "team-7f3a", status: "Preparing",
			modified: utc("2026-08-19 09:12:31.022547"),
			fields:   map[string]any{"build_start": utc("2026-08-19 09:12:31.020119"), "build_end": absent},
		},
		{
			file: "deploy-running.json", name: deploy, doctype: dcb,
			document: "x7k2m7q4ra", team: "team-7f3a", status: "Running",
			modified: utc("2026-08-19 09:12:33.870231"),
			fields:   map[string]any{"group": "bench-0019"},
		},
		{
			file: "deploy-scheduled-retry.json", name: deploy, doctype: dcb,
			document: "h3v6b2n7ke", team: "team-b21c", status: "Scheduled",
			modified: utc("2026-08-20 22:41:09.336701"),
			fields:   map[string]any{"retry_count": int64(1), "build_error": absent},
		},
		{
			file: "deploy-success.json", name: deploy, doctype: dcb,
			document: "c4n7w2h5ub", team: "team-b21c", status: "Success",
			modified: utc("2026-08-21 13:09:21.951774"),
			fields: map[string]any{
				"build_duration":   4*time.Minute + 12*time.Second + 481930*time.Microsecond,
				"build_end":        utc("2026-08-21 13:09:21.930050"),
				"deploy_candidate": "deploy-0142-000213",
			},
		},
		{
			file: "event-unknown-future.json", name: "Site Backup Status Update", doctype: "Site Backup",
			document: "n2c6v7b3xm", team: "team-7f3a", status: "Success",
			modified: utc("2026-08-22 01:03:51.907115"),
			fields:   map[string]any{"offsite": true, "with_files": true, "site": "site1.example.com"},
		},
		{
			file: "site-plan-change-downgrade.json", name: plan, doctype: plan,
			document: "d5x3c7v2bn", modified: utc("2026-08-21 08:30:44.902311"),
			fields: map[string]any{
				"from_plan": "USD 50",
				"type":      "Downgrade",
				"timestamp": utc("2026-08-21 08:30:44.902077"),
				"team":      absent,
			},
		},
		{
			file: "site-plan-change-initial.json", name: plan, doctype: plan,
			document: "q2w7e4r6ta", modified: utc("2026-08-14 10:02:11.790115"),
			fields: map[string]any{"from_plan": "", "to_plan": "USD 10", "type": "Initial Plan"},
		},
		{
			file: "site-plan-change-trial-upgrade.json", name: plan, doctype: plan,
			document: "j4h6g2f7dz", modified: utc("2026-08-27 19:12:55.301448"),
			fields: map[string]any{"from_plan": "Trial", "site": "trial1.example.com"},
		},
		{
			file: "site-plan-change-upgrade.json", name: plan, doctype: plan,
			document: "3b8e0f6a1c", modified: utc("2026-08-20 16:45:03.118240"),
			fields: map[string]any{"to_plan": "USD 25", "type": "Upgrade"},
		},
		{
			file: "site-status-active.json", name: site, doctype: "Site",
			document: "site1.example.com", team: "team-7f3a", status: "Active",
			modified: utc("2026-08-14 10:04:51.661390"),
			fields: map[string]any{
				"setup_wizard_complete":            false,
				"database_access_connection_limit": int64(16),
				"tags":                             []any{},
				"ip":                               absent,
				"creation_failed":                  absent,
			},
		},
		{
			file: "site-status-flap-1-active.json", name: site, doctype: "Site",
			document: "site2.example.com", team: "team-7f3a", status: "Active",
			modified: utc("2026-08-18 02:00:44.930175"),
			fields: map[string]any{
				"tags":                  []any{"ResourceTag(k2j7h3g5fd)", "ResourceTag(a6s2d7f4gh)"},
				"setup_wizard_complete": true,
			},
		},
		{
			file: "site-status-flap-2-broken.json", name: site, doctype: "Site",
			document: "site2.example.com", team: "team-7f3a", status: "Broken",
			modified: utc("2026-08-18 02:11:05.417862"),
			fields:   map[string]any{"modified_by": "Administrator"},
		},
		{
			file: "site-status-flap-3-active.json", name: site, doctype: "Site",
			document: "site2.example.com", team: "team-7f3a", status: "Active",
			modified: utc("2026-08-18 02:37:29.004518"),
			fields:   map[string]any{"modified_by": "ops@example.com"},
		},
		{
			file: "site-status-flat-legacy.json", name: "Site Status Update", doctype: "Site",
			document: "site6.example.com", team: "team-7f3a", status: "Active",
			modified: utc("2024-09-24 18:02:55.630117"),
			fields: map[string]any{
				"trial_end_date":                 time.Date(2024, 10, 1, 0, 0, 0, 0, time.UTC),
				"setup_wizard_complete":          false,
				"additional_system_user_created": true,
				"ip":                             absent,
				"idx":                            int64(3),
			},
		},
		{
			file: "site-status-installing.json", name: site, doctype: "Site",
			document: "site1.example.com", team: "team-7f3a", status: "Installing",
			modified: utc("2026-08-14 10:02:19.208117"),
			fields:   map[string]any{"plan": "USD 10"},
		},
		{
			file: "site-status-legacy-none-strings.json", name: site, doctype: "Site",
			document: "site7.example.com", team: "team-b21c", status: "Broken",
			modified: utc("2024-11-05 09:47:31.002846"),
			fields: map[string]any{
				"ip":                    absent,
				"trial_end_date":        absent,
				"setup_wizard_complete": true,
				"notify_email":          "dev@example.com",
			},
		},
		{
			file: "site-status-pending-created.json", name: site, doctype: "Site",
			document: "site1.example.com", team: "team-7f3a", status: "Pending",
			modified: utc("2026-08-14 10:02:11.734902"),
			fields:   map[string]any{"creation": utc("2026-08-14 10:02:11.734902")},
		},
		{
			file: "site-status-suspended.json", name: site, doctype: "Site",
			document: "trial1.example.com", team: "team-4e9d", status: "Suspended",
			modified: utc("2026-08-29 00:00:41.350022"),
			fields: map[string]any{
				"trial_end_date":      time.Date(2026, 8, 28, 0, 0, 0, 0, time.UTC),
				"signup_time":         utc("2026-08-14 11:30:02.517734"),
				"standby_for_product": "helpdesk",
			},
		},
		{
			file: "site-status-trial-active.json", name: site, doctype: "Site",
			document: "trial1.example.com", team: "team-4e9d", status: "Active",
			modified: utc("2026-08-14 11:31:47.882019"),
			fields:   map[string]any{"account_request": "m4k2p7x3qa", "plan": "Trial"},
		},
		{
			file: "site-status-unicode.json", name: site, doctype: "Site",
			document: "site5.example.com", team: "team-7f3a", status: "Active",
			modified: utc("2026-08-22 07:05:18.220934"),
			fields: map[string]any{
				"label":                           "Café Zürich — 東京 🚀",
				"reason_for_disabling_monitoring": "Wartung läuft – bitte später prüfen ✅",
				"host_name":                       "xn--caf-dma.example.com",
				"is_monitoring_disabled":          true,
			},
		},
		{
			file: "webhook-validate.json", name: "Webhook Validate",
			fields: map[string]any{"doctype": absent, "name": absent},
		},
	}
}
