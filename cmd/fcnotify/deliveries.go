package main

import (
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fcnotify/fcnotify/notifier/store"
)

func newDeliveriesCommand(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "deliveries",
		Short: "List and retry queued, sent and dead-lettered messages",
	}
	cmd.AddCommand(newDeliveriesListCommand(g), newDeliveriesRetryCommand(g))
	return cmd
}

func openStore(cmd *cobra.Command, g *globalFlags) (*store.SQLite, error) {
	cfg, err := loadConfig(cmd, g)
	if err != nil {
		return nil, err
	}
	return store.Open(cfg.State.Path)
}

func newDeliveriesListCommand(g *globalFlags) *cobra.Command {
	var f store.MessageFilter
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List messages, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch f.State {
			case "", store.StatePending, store.StateSent, store.StateFailed:
			default:
				return fmt.Errorf("invalid --state %q: use pending, sent or failed", f.State)
			}
			st, err := openStore(cmd, g)
			if err != nil {
				return err
			}
			defer closeStore(cmd, st)

			msgs, err := st.Messages(cmd.Context(), f)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATE\tCHANNEL\tRULE\tDOCUMENT\tATTEMPTS\tQUEUED\tLAST ERROR")
			for _, m := range msgs {
				lastErr := m.LastErr
				if m.State == store.StateSent && lastErr != "" {
					// A sent message keeps the error of its last failed
					// attempt. Without the label it reads as a failure.
					lastErr = "(before it was sent) " + lastErr
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", m.ID, m.State, m.Channel, m.Rule,
					m.Document, m.Attempts, m.Created.Format(time.RFC3339), lastErr)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&f.State, "state", "", "only messages in this state: pending, sent or failed")
	cmd.Flags().StringVar(&f.Channel, "channel", "", "only messages of this channel")
	cmd.Flags().IntVar(&f.Limit, "limit", 100, "most messages to list; 0 lists all")
	return cmd
}

func newDeliveriesRetryCommand(g *globalFlags) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "retry ID... | --all-failed",
		Short: "Move dead-lettered messages back to the queue; a running server sends them within seconds",
		RunE: func(cmd *cobra.Command, args []string) error {
			if all == (len(args) > 0) {
				return fmt.Errorf("give message IDs or --all-failed, not both or neither")
			}
			ids, err := parseIDs(args, "message", "fcnotify deliveries list")
			if err != nil {
				return err
			}
			st, err := openStore(cmd, g)
			if err != nil {
				return err
			}
			defer closeStore(cmd, st)

			n, err := st.Requeue(cmd.Context(), ids, time.Now())
			if err != nil {
				return err
			}
			if n == 0 {
				return errors.New("no failed message to requeue: only dead-lettered messages can be retried; " +
					"see `fcnotify deliveries list --state failed`")
			}
			fmt.Fprintf(cmd.OutOrStdout(), "requeued %d failed %s\n", n, plural(n, "message", "messages"))
			if len(ids) > n {
				fmt.Fprintf(cmd.ErrOrStderr(), "%d of the given IDs are not failed messages and were left as they are\n", len(ids)-n)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all-failed", false, "requeue every failed message")
	return cmd
}

// closeStore closes a store opened by a command, reporting a failure on
// stderr: the command's own output is already written by then.
func closeStore(cmd *cobra.Command, st *store.SQLite) {
	if err := st.Close(); err != nil {
		fmt.Fprintln(cmd.ErrOrStderr(), "close state store:", err)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
