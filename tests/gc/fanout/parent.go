// Starts 40 copies of the program named by its first argument at once, for
// run_fanout.py: every child is a process of its own that the tracer must
// read at its exit, however the kernel orders their fork and exec events.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := exec.Command(os.Args[1]).Run(); err != nil {
				fmt.Println(err)
			}
		}()
	}
	wg.Wait()
	fmt.Println("parent done")
}
