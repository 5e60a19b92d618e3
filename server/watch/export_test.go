package watch

import "github.com/fsnotify/fsnotify"

// WithAddHook returns opts with every fsnotify Add routed through hook, which
// may call next or fail the way the kernel does when it runs out of watches.
func WithAddHook(opts Options, hook func(next func(dir string) error, dir string) error) Options {
	opts.addHook = hook
	return opts
}

// Overflow makes fsnotify report a queue overflow, as inotify does when more
// events arrive than its queue holds (fs.inotify.max_queued_events).
func (w *Watcher) Overflow() { w.fsw.Errors <- fsnotify.ErrEventOverflow }
