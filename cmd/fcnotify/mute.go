package main

import (
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fcnotify/fcnotify/notifier/store"
)

func newMuteCommand(g *globalFlags, now func() time.Time) *cobra.Command {
	targets := map[string]*string{}
	var duration durationFlag
	var reason string
	cmd := &cobra.Command{
		Use:   "mute --site S | --bench B | --group G | --team T --for DURATION [--reason TEXT]",
		Short: "Silence every event about a site, bench, release group or team for a while",
		Long: "Silence every event about a site, bench, release group or team for a while. A running\n" +
			"server sends no message for a muted event, logs it and counts it in\n" +
			"fcnotify_events_muted_total. `fcnotify mutes` lists the mutes.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			target, err := muteTarget(targets)
			if err != nil {
				return err
			}
			if duration.d <= 0 {
				return errors.New("missing --for: give how long to mute, such as --for 2h or --for 1d")
			}
			st, err := openStore(cmd, g)
			if err != nil {
				return err
			}
			defer closeStore(cmd, st)

			at := now().UTC()
			m := store.Mute{MuteTarget: target, Until: at.Add(duration.d), Reason: reason, Created: at}
			id, err := st.AddMute(cmd.Context(), m)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "muted %s %s until %s (mute %d)\n", target.Kind, target.Target,
				m.Until.Format(time.RFC3339), id)
			return nil
		},
	}
	for _, kind := range []string{store.MuteSite, store.MuteBench, store.MuteGroup, store.MuteTeam} {
		targets[kind] = new(string)
		cmd.Flags().StringVar(targets[kind], kind, "", "mute this "+muteNouns[kind])
	}
	cmd.Flags().Var(&duration, "for", "how long the mute lasts, such as 30m, 2h or 1d")
	cmd.Flags().StringVar(&reason, "reason", "", "why, shown in the list of mutes")
	return cmd
}

var muteNouns = map[string]string{
	store.MuteSite:  "site, such as site1.example.com",
	store.MuteBench: "bench, such as bench-0019-000059-f3",
	store.MuteGroup: "release group and its benches, sites and deploys, such as bench-0019",
	store.MuteTeam:  "team, such as team-7f3a",
}

// muteTarget returns the one target set among the flags.
func muteTarget(targets map[string]*string) (store.MuteTarget, error) {
	var found []store.MuteTarget
	for _, kind := range []string{store.MuteSite, store.MuteBench, store.MuteGroup, store.MuteTeam} {
		if v := *targets[kind]; v != "" {
			found = append(found, store.MuteTarget{Kind: kind, Target: v})
		}
	}
	if len(found) != 1 {
		return store.MuteTarget{}, errors.New("give exactly one of --site, --bench, --group or --team")
	}
	return found[0], nil
}

func newMutesCommand(g *globalFlags, now func() time.Time) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "mutes",
		Short: "List active mutes, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openStore(cmd, g)
			if err != nil {
				return err
			}
			defer closeStore(cmd, st)

			at := now()
			mutes, err := st.Mutes(cmd.Context(), at, all)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tKIND\tTARGET\tUNTIL\tSTATE\tREASON")
			for _, m := range mutes {
				state := "active"
				if !m.Until.After(at) {
					state = "expired"
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", m.ID, m.Kind, m.Target,
					m.Until.Format(time.RFC3339), state, m.Reason)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "list expired mutes too")
	cmd.AddCommand(newMutesRemoveCommand(g))
	return cmd
}

func newMutesRemoveCommand(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "remove ID...",
		Short: "End mutes before their time; a running server sends messages again at once",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ids, err := parseIDs(args, "mute", "fcnotify mutes")
			if err != nil {
				return err
			}
			st, err := openStore(cmd, g)
			if err != nil {
				return err
			}
			defer closeStore(cmd, st)

			for _, id := range ids {
				if err := st.RemoveMute(cmd.Context(), id); err != nil {
					if errors.Is(err, store.ErrNotFound) {
						return fmt.Errorf("mute %d not found: list the mutes with `fcnotify mutes --all`", id)
					}
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "removed mute %d\n", id)
			}
			return nil
		},
	}
}
