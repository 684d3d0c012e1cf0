// Leaks of the program's own (a pool of idle workers, one lonely sender) next
// to two goroutines the standard library leaves parked by design: the
// writeLoop of an idle keep-alive HTTP connection and database/sql's
// connectionOpener. The default suppressions take the latter two out of the
// verdict; the suppressions mode of run_e2e.py checks every way of giving
// rules on it.
// expect: exit=1 leaked=4 groups=2
// group: count=3 category=chan-receive reason="chan receive" blocked=main.idleWorker created=main.startPool line=35 created_line=43
// group: count=1 category=chan-send reason="chan send" blocked=main.lonely created=main.main line=50 created_line=84
// selfcheck: candidates=2
package main

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

// A driver that is never asked for a connection: sql.Open alone starts the
// connectionOpener goroutine.
type noDriver struct{}

func (noDriver) Open(string) (driver.Conn, error) { return nil, errors.New("no connections") }

var started = make(chan struct{}, 8)

func idleWorker(jobs chan int) {
	started <- struct{}{}
	for j := range jobs { // leaks here: jobs is never closed
		fmt.Println("job", j)
	}
}

func startPool(n int) chan int {
	jobs := make(chan int)
	for i := 0; i < n; i++ {
		go idleWorker(jobs)
	}
	return jobs
}

func lonely(out chan string) {
	started <- struct{}{}
	out <- "nobody listens" // leaks here
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "hello")
	})}
	go srv.Serve(ln)
	// The default transport keeps the connection for the next request.
	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Print(string(body))

	sql.Register("none", noDriver{})
	db, err := sql.Open("none", "")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_ = db // programs keep their DB for their whole life

	jobs := startPool(3)
	_ = jobs
	out := make(chan string)
	go lonely(out)
	for i := 0; i < 4; i++ {
		<-started
	}
	// Lets the transport put the connection back into its idle pool.
	time.Sleep(100 * time.Millisecond)
	fmt.Println("done")
}
