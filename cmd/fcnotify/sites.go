package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/inventory"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// kindAll lists every kind of inventory row.
const kindAll = "all"

var inventoryKinds = []string{inventory.KindSite, inventory.KindBench, inventory.KindGroup, inventory.KindDeploy, kindAll}

// sitesFlags are the options of `fcnotify sites`.
type sitesFlags struct {
	team, status, kind string
	within             string
	all, json          bool
}

// newSitesCommand returns `fcnotify sites`. now is the clock that
// --trial-ending-within counts from.
func newSitesCommand(g *globalFlags, now func() time.Time) *cobra.Command {
	f := &sitesFlags{}
	cmd := &cobra.Command{
		Use:   "sites",
		Short: "List what fcnotify knows of each site: status and since when, team, plan, trial end",
		Long: `Sites lists the inventory that fcnotify builds from the events it receives:
the latest known status of each site and when it entered it, its team, plan,
trial end date, release group, bench and cluster, and its last event. Archived
sites are left out unless --all is given. --kind lists benches, release groups
or deploys instead, or every kind with --kind all.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSites(cmd, g, f, now())
		},
	}
	cmd.Flags().StringVar(&f.team, "team", "", "only rows of this team, such as team-7f3a")
	cmd.Flags().StringVar(&f.status, "status", "", "only rows in this status, such as Pending (any letter case)")
	cmd.Flags().StringVar(&f.within, "trial-ending-within", "", `only sites whose trial ends between today and this long from now, such as "7d" or "36h"`)
	cmd.Flags().StringVar(&f.kind, "kind", inventory.KindSite, "kind of rows: site, bench, group, deploy or all")
	cmd.Flags().BoolVar(&f.all, "all", false, "include archived rows")
	cmd.Flags().BoolVar(&f.json, "json", false, "print a JSON array instead of a table")
	return cmd
}

func runSites(cmd *cobra.Command, g *globalFlags, f *sitesFlags, now time.Time) error {
	if !slices.Contains(inventoryKinds, f.kind) {
		return fmt.Errorf("invalid --kind %q: use %s", f.kind, strings.Join(inventoryKinds, ", "))
	}
	filter := store.InventoryFilter{Team: f.team, Status: f.status, Archived: f.all}
	if f.kind != kindAll {
		filter.Kind = f.kind
	}

	cfg, err := loadConfig(cmd, g)
	if err != nil {
		return err
	}
	zone := cfg.Time.DisplayLocation
	if f.within != "" {
		within, err := parseWithin(f.within)
		if err != nil {
			return err
		}
		filter.TrialEndFrom = now.In(zone).Format(notifier.DateLayout)
		filter.TrialEndTo = now.Add(within).In(zone).Format(notifier.DateLayout)
	}

	st, err := store.Open(cfg.State.Path)
	if err != nil {
		return err
	}
	defer closeStore(cmd, st)
	rows, err := st.ListInventory(cmd.Context(), filter)
	if err != nil {
		return err
	}

	out := cmd.OutOrStdout()
	if f.json {
		return inventory.WriteJSON(out, rows, zone)
	}
	return inventory.WriteTable(out, rows, zone, inventory.TableOptions{Kind: f.kind == kindAll, Archived: f.all})
}

// parseWithin reads a duration the way the configuration file writes
// one, so "7d" works as well as "36h".
func parseWithin(text string) (time.Duration, error) {
	d, err := config.ParseDuration(text)
	if err != nil {
		return 0, fmt.Errorf(`invalid --trial-ending-within %q: write a duration such as "7d" or "36h"`, text)
	}
	return d, nil
}
