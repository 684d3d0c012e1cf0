// A goroutine waiting on a channel registered with signal.Notify (a
// shutdown handler; cmd/go's interrupt watcher, seen in logrus' suite) is
// woken by a signal and lives as long as the process: not a leak, in a
// receive or a select. A plain receive beside them still is.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=chan-receive reason="chan receive" blocked=main.forgotten created=main.main line=26 created_line=46
package main

import (
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

var started sync.WaitGroup

func onSignal(sig chan os.Signal) {
	started.Done()
	fmt.Println("signal", <-sig)
}

func forgotten(c chan int) {
	started.Done()
	<-c // leaks: nothing sends
}

func onSignalOrQuit(sig chan os.Signal, quit chan struct{}) {
	started.Done()
	select {
	case s := <-sig:
		fmt.Println("signal", s)
	case <-quit:
	}
}

func main() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1)
	other := make(chan os.Signal, 1)
	signal.Notify(other, syscall.SIGUSR2)
	started.Add(3)
	go onSignal(sig)
	go onSignalOrQuit(other, make(chan struct{}))
	go forgotten(make(chan int))
	started.Wait()
	fmt.Println("waiting for signals")
}
