package watch

// Expectations checked by tests/e2e/run_gate.py (exact; lines are in watch.go):
// gate: result=FAIL leaked=1 groups=1
// gate-group: count=1 reason="chan receive" category=context blocked=example.com/gate/watch.Start..func1 at=watch.go:24 created=example.com/gate/watch.Start

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestWatchers runs parallel and sequential subtests; exactly one of them,
// "forgotten-close", leaks:
//
//	leaks: 1 goroutine parked in chan receive at watch.go:24 (Start.func1,
//	       <-ctx.Done()), category context: WithCancel at watch.go:20, cancel
//	       never called
//
// The others are clean.
func TestWatchers(t *testing.T) {
	t.Parallel()

	t.Run("closed", func(t *testing.T) {
		t.Parallel()
		var c Counter
		w := Start(context.Background(), c.Add)
		w.Close()
		if c.N() != 1 {
			t.Fatalf("callbacks = %d, want 1", c.N())
		}
	})

	t.Run("parent-cancelled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		var c Counter
		w := Start(ctx, c.Add)
		cancel()
		<-w.done
		if c.N() != 1 {
			t.Fatalf("callbacks = %d, want 1", c.N())
		}
	})

	t.Run("cleanup-closes", func(t *testing.T) {
		t.Parallel()
		var c Counter
		w := Start(context.Background(), c.Add)
		t.Cleanup(w.Close)
	})

	t.Run("forgotten-close", func(t *testing.T) {
		t.Parallel()
		var c Counter
		Start(context.Background(), c.Add) // the Watcher is dropped: leak
	})

	t.Run("fetch-fast", func(t *testing.T) {
		v, err := Fetch(context.Background(), func() string { return "ok" })
		if err != nil || v != "ok" {
			t.Fatalf("Fetch = %q, %v", v, err)
		}
	})

	t.Run("fetch-late-answer", func(t *testing.T) {
		// The backend answers after the caller gave up; the buffered
		// result channel takes the value and the goroutine ends.
		release := make(chan struct{})
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		defer cancel()
		_, err := Fetch(ctx, func() string { <-release; return "late" })
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Fetch error = %v, want deadline exceeded", err)
		}
		close(release)
	})
}

// TestDeadlineWatcher is clean: the watcher ends with its deadline.
func TestDeadlineWatcher(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Millisecond)
	defer cancel()
	var c Counter
	w := Start(ctx, c.Add)
	<-w.done
	if c.N() != 1 {
		t.Fatalf("callbacks = %d, want 1", c.N())
	}
}
