package server

import (
	"context"
	"strings"

	"github.com/podium-talks/podium/server/cluster"
	"github.com/podium-talks/podium/server/deck"
	"github.com/podium-talks/podium/server/live"
)

// joinCluster makes the hub a replica's: it starts from the shared state
// and hands presenter commands to the cluster; the token is the cluster's.
func (s *Server) joinCluster(o *live.Options, token *string) error {
	ctx := context.Background()
	snap, rev, err := s.cfg.Cluster.Load(ctx)
	if err != nil {
		return err
	}
	if *token, err = s.cfg.Cluster.Token(ctx, s.cfg.Token); err != nil {
		return err
	}
	o.Store, o.KeepToken = nil, false
	o.Shared, o.Restore, o.Revision = s.cfg.Cluster, snap, rev
	return nil
}

// RunCluster keeps this replica in step with the cluster until ctx ends:
// the shared state and presence (cluster.Node.Follow) and, on a replica
// without the folder, every deck version the origin publishes. Without
// Config.Cluster it returns at once.
func (s *Server) RunCluster(ctx context.Context) {
	c := s.cfg.Cluster
	if c == nil {
		return
	}
	if d, ok := s.cfg.Deck.(*cluster.DeckFS); ok && s.cfg.FromCluster {
		go c.FollowDeck(ctx, d, func() {
			if _, err := s.Reload(); err != nil {
				s.log.Warn("the deck the origin published does not load here; keeping the last one", "err", err)
			}
		})
	}
	if !s.cfg.FromCluster {
		go s.republish(ctx)
	}
	c.Follow(ctx, s.hub)
}

// republish sends the deck again whenever the connection to NATS comes
// back: an edit saved during an outage would otherwise wait for the next.
func (s *Server) republish(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.cfg.Cluster.Reconnected():
			s.loadMu.Lock()
			s.announce()
			s.loadMu.Unlock()
		}
	}
}

// announce publishes the deck folder, as the loader reads it, to the
// cluster when this server is the origin. It runs under loadMu, after a
// good reload; a cluster out of reach is a warning (the replicas keep the
// last version they have).
func (s *Server) announce() {
	if s.cfg.Cluster == nil || s.cfg.FromCluster {
		return
	}
	v, err := s.cfg.Cluster.PublishDeck(context.Background(), s.files.Load().fs, publishable)
	if err != nil {
		s.log.Warn("cannot send the deck to the other replicas", "err", err)
		return
	}
	s.log.Debug("deck sent to the replicas", "version", v)
}

// publishable says which files of the deck folder travel to the replicas:
// everything but hidden names (dotfiles, _drafts), which the loader never
// reads.
func publishable(name string) bool {
	for _, el := range strings.Split(name, "/") {
		if deck.HiddenName(el) {
			return false
		}
	}
	return true
}
