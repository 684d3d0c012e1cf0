// A process-wide signal (here a SIGCHLD, as when a test's child process
// ends) can land on any thread that does not block it, the shim's own ones
// included; libgo's handler faults on a thread without a goroutine ("fatal:
// bad g in signal handler", SIGSEGV), which killed test binaries at exit.
// The shim's threads block such signals: the program signals each of them
// directly (dump_on starts one for the whole run) and exits cleanly.
// expect: exit=0 leaked=0 groups=0
// env: GOLEASH_OPTIONS="dump_on=never.%p:dump_path=gl.%p.dump"
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// shimThreads lists the threads the shim named goleash-*.
func shimThreads() []int {
	dirs, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return nil
	}
	var tids []int
	for _, d := range dirs {
		comm, err := os.ReadFile("/proc/self/task/" + d.Name() + "/comm")
		if err != nil || !strings.HasPrefix(string(comm), "goleash-") {
			continue
		}
		if tid, err := strconv.Atoi(d.Name()); err == nil {
			tids = append(tids, tid)
		}
	}
	return tids
}

func main() {
	pid := os.Getpid()
	tids := shimThreads()
	// Under the shim the request thread must be there, or this tests nothing.
	if runtime.Compiler == "gccgo" && strings.Contains(os.Getenv("LD_PRELOAD"), "libgoleash") && len(tids) == 0 {
		fmt.Fprintln(os.Stderr, "no goleash-* thread found")
		os.Exit(1)
	}
	for _, tid := range tids {
		// A thread-directed signal: blocked, it stays pending there.
		if err := syscall.Tgkill(pid, tid, syscall.SIGCHLD); err != nil {
			fmt.Fprintln(os.Stderr, "tgkill:", err)
			os.Exit(1)
		}
	}
	time.Sleep(20 * time.Millisecond)
	fmt.Println("done")
}
