package attr

import (
	"fmt"
	"os"
	"testing"
	"time"
)

func init() {
	LeakSelfDeadlock() // setup leak, before any test
}

var wakeChans []chan int
var wakeOut [8]int

func TestMain(m *testing.M) {
	LeakSetupReceiver() // setup leak, in TestMain before m.Run
	code := m.Run()
	// Feed the workers TestWake left parked. They are readied by these
	// sends but, with GOMAXPROCS=1, never run before the exit below: they
	// are not leaks.
	for _, c := range wakeChans {
		c <- 1
	}
	os.Exit(code)
}

func TestHelperTree(t *testing.T) {
	StartPipeline(3)
}

func TestParallel(t *testing.T) {
	t.Run("a", func(t *testing.T) {
		t.Parallel()
		if RunAndWait(10) != 45 {
			t.Fatal("bad sum")
		}
	})
	t.Run("b", func(t *testing.T) {
		t.Parallel()
		LeakSenders(2)
	})
	t.Run("c", func(t *testing.T) {
		t.Parallel()
		RunAndWait(5)
	})
}

func TestNames(t *testing.T) {
	t.Run("x", func(t *testing.T) {})
	t.Run("x", func(t *testing.T) { LeakForever() })
	t.Run("with space", func(t *testing.T) { LeakNilReceive() })
}

func TestCleanWorkers(t *testing.T) {
	if RunAndWait(100) != 4950 {
		t.Fatal("bad sum")
	}
}

func TestCleanClosed(t *testing.T) {
	ch := make(chan int)
	done := make(chan int)
	Drain(ch, done)
	for i := 0; i < 10; i++ {
		ch <- i
	}
	close(ch)
	if <-done != 45 {
		t.Fatal("bad total")
	}
}

func TestWake(t *testing.T) {
	for i := range wakeOut {
		c := make(chan int)
		wakeChans = append(wakeChans, c)
		Worker(c, &wakeOut[i])
	}
	// Let the workers reach their receive (the test itself, not goleash,
	// needs them parked for the wake-up to mean anything).
	time.Sleep(20 * time.Millisecond)
}

// Examples run on the test binary's main goroutine, not under tRunner: the
// leak is still this example's, not setup's.
func ExampleLeakFromExample() {
	LeakFromExample()
	fmt.Println("started")
	// Output: started
}
