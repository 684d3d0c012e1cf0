// An HTTP handler starts a goroutine that outlives the request: it blocks
// sending its result on an unbuffered channel nobody reads after the handler
// returned.
// expect: exit=1 leaked=1 groups=1
// group: count=1 category=chan-send reason="chan send" blocked=main.handler..func1 created=main.handler line=26 created_line=23 chan_cap=0
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"time"
)

var aboutToSend = make(chan struct{}, 1)

func handler(w http.ResponseWriter, r *http.Request) {
	results := make(chan string)
	release := make(chan struct{})
	go func() {
		<-release // "slow backend call"
		aboutToSend <- struct{}{}
		results <- "late result" // leaks here: the handler is gone
	}()
	fmt.Fprintln(w, "accepted")
	close(release)
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: http.HandlerFunc(handler)}
	served := make(chan struct{})
	go func() {
		srv.Serve(ln)
		close(served)
	}()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get("http://" + ln.Addr().String() + "/")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Print(string(body))
	<-aboutToSend
	// Shut everything else down so that only the handler's goroutine is left.
	srv.Close()
	<-served
	client.CloseIdleConnections()
	for i := 0; i < 200 && runtime.NumGoroutine() > 2; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	fmt.Println("goroutines", runtime.NumGoroutine())
}
