package server

import (
	"context"
	"time"
)

// pruneEvery spaces the deletions of old rows. Each is one short
// transaction, so an hour keeps the store small without touching intake.
const pruneEvery = time.Hour

// prune deletes rows older than the configured retention, once at start
// and then every pruneEvery, until ctx ends.
func (s *Server) prune(ctx context.Context) {
	retention := time.Duration(s.cfg.State.Retention)
	for {
		n, err := s.store.Prune(ctx, s.clock.Now().Add(-retention))
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Error("prune old rows failed", "err", err)
		case n > 0:
			s.log.Info("pruned old rows", "rows", n, "retention", retention)
		}

		timer, stop := s.clock.Timer(pruneEvery)
		select {
		case <-timer:
			stop()
		case <-ctx.Done():
			stop()
			return
		}
	}
}
