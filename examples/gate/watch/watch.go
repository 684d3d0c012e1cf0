// Package watch runs a callback when a context ends. Each Watcher holds a
// goroutine waiting on its own derived context; Close cancels that context.
// A Watcher nobody closes, on a parent nobody cancels, is a lost cancel: its
// goroutine waits on ctx.Done() forever.
package watch

import (
	"context"
	"sync"
)

// Watcher calls a function once its context is done.
type Watcher struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// Start calls onDone(ctx.Err()) when parent ends or Close is called.
func Start(parent context.Context, onDone func(error)) *Watcher {
	ctx, cancel := context.WithCancel(parent)
	w := &Watcher{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		<-ctx.Done() // never closed, never cancelled: the goroutine parks here
		onDone(ctx.Err())
	}()
	return w
}

// Close cancels the watcher's context and waits for its callback.
func (w *Watcher) Close() {
	w.cancel()
	<-w.done
}

// Fetch asks backend for a value but gives up when ctx ends first. The
// result channel has room for one value, so a backend that answers after
// the caller gave up does not block its goroutine.
func Fetch(ctx context.Context, backend func() string) (string, error) {
	ch := make(chan string, 1)
	go func() { ch <- backend() }()
	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Counter counts callbacks safely from watcher goroutines.
type Counter struct {
	mu sync.Mutex
	n  int
}

// Add records one callback.
func (c *Counter) Add(error) { c.mu.Lock(); c.n++; c.mu.Unlock() }

// N is the number of callbacks so far.
func (c *Counter) N() int { c.mu.Lock(); defer c.mu.Unlock(); return c.n }
