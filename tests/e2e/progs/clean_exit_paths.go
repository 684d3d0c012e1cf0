// expect: exit=0 leaked=0 groups=0 still_running=1
// running: function=runtime.main
//
// Goroutines that ended are never "running": 3,000 goroutines end by
// returning, by a panic they recover from, and by runtime.Goexit, and main
// waits for them all before it exits. Only main itself is still running.
package main

import (
	"fmt"
	"runtime"
	"sync"
)

func end(i int, wg *sync.WaitGroup) {
	defer wg.Done()
	switch i % 3 {
	case 0:
		return
	case 1:
		defer func() { recover() }()
		panic("recovered")
	default:
		runtime.Goexit()
	}
}

func main() {
	var wg sync.WaitGroup
	for i := 0; i < 3000; i++ {
		wg.Add(1)
		go end(i, &wg)
	}
	wg.Wait()
	fmt.Println("all ended")
}
