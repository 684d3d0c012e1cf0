// main -> spawner (exits) -> leaker. The leak's creation is attributed to
// main.spawner and the ancestor chain goes back through the exited spawner
// to main.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=chan-receive reason="chan receive" blocked=main.leaker created=main.spawner line=18 created_line=23 ancestors=main.spawner,@main
package main

import (
	"fmt"
	"time"
)

var ready = make(chan struct{})
var spawnerDone = make(chan struct{})

func leaker(in chan int) {
	ready <- struct{}{}
	v := <-in // leaks here
	fmt.Println("never", v)
}

func spawner() {
	go leaker(make(chan int))
	close(spawnerDone) // the spawner itself exits right away
}

func main() {
	go spawner()
	<-spawnerDone
	<-ready
	time.Sleep(50 * time.Millisecond)
	fmt.Println("done")
}
