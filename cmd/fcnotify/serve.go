package main

import (
	"fmt"
	"net"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/fcnotify/fcnotify/notifier/server"
)

func newServeCommand(g *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Receive webhooks and deliver alerts until SIGINT or SIGTERM",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := newLogger(cmd.ErrOrStderr(), g)
			if err != nil {
				return err
			}
			cfg, err := loadConfig(cmd, g)
			if err != nil {
				return err
			}
			if len(cfg.Webhook.Secrets) == 0 {
				log.Warn("no webhook secrets configured: every request is accepted")
			}

			srv, err := server.New(cfg, server.Options{Logger: log, Console: cmd.OutOrStdout()})
			if err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), err)
				return exitError{code: 2}
			}
			ln, err := net.Listen("tcp", cfg.Listen)
			if err != nil {
				return fmt.Errorf("listen on %q: %w (set listen: in the configuration)", cfg.Listen, err)
			}

			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return srv.Run(ctx, ln)
		},
	}
}
