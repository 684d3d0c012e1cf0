// A test binary whose subtest starts the goroutines that leak, for
// created-by attribution (Go 1.21+: `created by F in goroutine N`), the
// go test -json and t.Log inputs of gen_messy.py.
package leaktest

import (
	"os"
	"runtime"
	"testing"
	"time"
)

func park(ch chan int) {
	<-ch // site:park
}

func start(n int) {
	for i := 0; i < n; i++ {
		go park(make(chan int)) // site:go-park
	}
}

func stack() string {
	buf := make([]byte, 1<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

func TestLeak(t *testing.T) {
	t.Run("sub", func(t *testing.T) {
		start(2)
		time.Sleep(200 * time.Millisecond)
		if os.Getenv("LEAK_TLOG") != "" {
			t.Log(stack())
			return
		}
		if os.Getenv("LEAK_HANG") != "" {
			time.Sleep(time.Hour) // go test -timeout ends it with a dump
		}
	})
}
