// Control: no goroutines at all.
// expect: exit=0 leaked=0 groups=0
package main

import "fmt"

func main() {
	fmt.Println("hello, world")
}
