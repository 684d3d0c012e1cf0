package workers

import (
	"context"
	"sync"
)

// Group is a hand-written errgroup: it runs functions on goroutines,
// cancels the rest on the first error and waits for all of them.
type Group struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
	err    error
}

// WithContext returns a group and the context its functions get.
func WithContext(ctx context.Context) (*Group, context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	return &Group{cancel: cancel}, ctx
}

// Go runs f on its own goroutine.
func (g *Group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.once.Do(func() {
				g.err = err
				g.cancel()
			})
		}
	}()
}

// Wait waits for every function, cancels the context and returns the first
// error.
func (g *Group) Wait() error {
	g.wg.Wait()
	g.cancel()
	return g.err
}
