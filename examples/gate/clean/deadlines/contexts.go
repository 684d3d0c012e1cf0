// Package deadlines holds work that ends with its context, and a heartbeat
// on a ticker that is stopped cleanly. None of its tests leaks.
package deadlines

import (
	"context"
	"time"
)

// Poll calls f every interval until ctx ends, then returns how many times
// it ran. The ticker is stopped on the way out.
func Poll(ctx context.Context, interval time.Duration, f func()) int {
	t := time.NewTicker(interval)
	defer t.Stop()
	n := 0
	for {
		select {
		case <-ctx.Done():
			return n
		case <-t.C:
			f()
			n++
		}
	}
}

// Background starts Poll on its own goroutine; the returned channel yields
// its count once ctx ends.
func Background(ctx context.Context, interval time.Duration) <-chan int {
	res := make(chan int, 1)
	go func() { res <- Poll(ctx, interval, func() {}) }()
	return res
}

// Watch returns a channel closed when ctx ends, fed by a goroutine that
// waits on ctx.Done().
func Watch(ctx context.Context) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		<-ctx.Done()
		close(done)
	}()
	return done
}
