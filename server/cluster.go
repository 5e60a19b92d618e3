package server

import (
	"context"
	"fmt"
	"slices"
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
	o.WantDeck = s.wantDeck
	o.CountsChanged = s.cfg.Cluster.CountsChanged
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
			if p, err := cluster.PackDeck(s.files.Load().fs, publishable); err != nil {
				s.log.Warn("cannot send the deck to the other replicas", "err", err)
			} else {
				s.announce(p)
			}
			s.loadMu.Unlock()
		}
	}
}

// pack names the files p was read from as the cluster does (p.files)
// and, on the origin, packs them for announce. It runs under loadMu,
// after the loader read the folder. A deck too large to pack is a warning:
// the replicas keep the last version they have.
func (s *Server) pack(p *published) *cluster.Pack {
	if s.cfg.Cluster == nil {
		return nil
	}
	if s.cfg.FromCluster {
		if d, ok := s.files.Load().fs.(*cluster.DeckFS); ok {
			p.files = d.Version()
		}
		return nil
	}
	pk, err := cluster.PackDeck(s.files.Load().fs, publishable)
	if err != nil {
		s.log.Warn("cannot send the deck to the other replicas", "err", err)
		return nil
	}
	p.files = pk.Version
	return pk
}

// announce sends deck version p to the cluster when this server is the
// origin. It runs under loadMu, after a good reload; a cluster out of
// reach is a warning (the replicas keep the last version they have, and
// republish sends it again when NATS is back).
func (s *Server) announce(p *cluster.Pack) {
	if p == nil {
		return
	}
	if err := s.cfg.Cluster.Send(context.Background(), p); err != nil {
		s.log.Warn("cannot send the deck to the other replicas", "err", err)
		return
	}
	s.log.Debug("deck sent to the replicas", "version", p.Version)
}

// startHeld, before the first reload, makes the talk's held deck version
// (live.Snapshot.Published) this replica's first deck when the newest
// files are another: its audience sees what every other replica's does,
// and the newest deck, loaded next, waits as pending.
func (s *Server) startHeld(snap live.Snapshot) {
	if !snap.Held || snap.Published == "" {
		return
	}
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	var newest string
	if d, ok := s.cfg.Deck.(*cluster.DeckFS); ok && s.cfg.FromCluster {
		newest = d.Version()
	} else if pk, err := cluster.PackDeck(s.cfg.Deck, publishable); err == nil {
		newest = pk.Version
	}
	if newest == snap.Published {
		return
	}
	if err := s.showHeld(snap.Published); err != nil {
		s.heldLost(snap.Published, err)
	}
}

// wantDeck is the hub's live.Options.WantDeck: the talk is held on deck
// version files, which this replica has not got (it missed the hold, or
// its newest moved on meanwhile); "" says it lacks none any more.
func (s *Server) wantDeck(files string) {
	s.loadMu.Lock()
	defer s.loadMu.Unlock()
	if files != s.hub.Wanted() {
		return // the hub has asked again since
	}
	if files == "" {
		if s.lost != "" {
			s.lost = ""
			s.hub.SetProblems(s.problemLines(s.loadErr))
		}
		return
	}
	if err := s.showHeld(files); err != nil {
		s.heldLost(files, err)
		return
	}
	if s.lost != "" {
		s.lost = ""
		s.hub.SetProblems(s.problemLines(s.loadErr))
	}
}

// heldLost tells presenters that this replica cannot show the held deck
// version: its audience is on another until a presenter publishes.
func (s *Server) heldLost(files string, err error) {
	s.lost = "the talk is held on deck version " + files + ", which this replica (" + s.cfg.Cluster.Name() +
		") cannot show: " + err.Error() + "; its audience sees another version until a presenter publishes"
	s.log.Warn("cannot show the held deck version", "version", files, "err", err)
	s.hub.SetProblems(s.problemLines(s.loadErr))
}

// showHeld makes deck version files the one this replica's audience is
// shown while the talk is held: a recent deck of these files, else the
// files fetched from the cluster's object store and loaded apart. Before
// the first reload it becomes the first deck, the base of the newest's
// slide IDs. It runs under loadMu.
func (s *Server) showHeld(files string) error {
	cur := s.cur.Load()
	p := s.recentFiles(files)
	if p == nil {
		fsys, err := s.cfg.Cluster.FetchVersion(context.Background(), files)
		if err != nil {
			return err
		}
		l := deck.NewLoaderWith(fsys, s.opts)
		var last *theme
		if cur != nil {
			l.Base(cur.deck)
			last = cur.theme
		}
		d, err := l.Load()
		if err != nil {
			return fmt.Errorf("it does not load here: %s", strings.Join(problemLines(err), "; "))
		}
		t, err := s.themeFor(d)
		if err != nil {
			return err
		}
		if p, err = s.publish(d, withStyle(&s.gz, t, d.Style, last)); err != nil {
			return err
		}
		p.files = files
		s.history.add(p)
	}
	if cur == nil {
		s.cur.Store(p)
		s.loader.Base(p.deck)
		s.hub.SetDeck(hubDeck(p))
		return nil
	}
	// public finds p in the history until held has it.
	s.hub.SetPublished(hubDeck(p))
	s.held.Store(p)
	return nil
}

// recentFiles is the recent deck read from these files, or nil.
func (s *Server) recentFiles(files string) *published {
	s.history.mu.Lock()
	defer s.history.mu.Unlock()
	for _, p := range slices.Backward(s.history.decks) {
		if p.files == files {
			return p
		}
	}
	return nil
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
