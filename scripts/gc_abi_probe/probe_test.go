// The probe scripts/gen_gc_abi.sh builds with each Go release: a test binary
// that links every runtime type the gc tracer reads (tracer/binary/gc_abi.def), so
// that its DWARF holds their layouts. It is built, never run.
package probe

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestProbe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	tctx, tcancel := context.WithTimeout(ctx, time.Second)
	tk := time.NewTicker(time.Millisecond)
	var mu sync.Mutex
	var wg sync.WaitGroup
	ch := make(chan int, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		mu.Lock()
		select {
		case <-tctx.Done():
		case <-tk.C:
		case ch <- 1:
		}
		mu.Unlock()
	}()
	wg.Wait()
	tk.Stop()
	tcancel()
	cancel()
}
