package spectral

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func TestScratchOne(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SN"))
	deg, _ := strconv.Atoi(os.Getenv("SD"))
	tol, _ := strconv.ParseFloat(os.Getenv("ST"), 64)
	ml := os.Getenv("ML") == "1"
	scoreMode, _ = strconv.Atoi(os.Getenv("MM"))
	if v, err := strconv.Atoi(os.Getenv("SW")); err == nil {
		sweeps = v
	}
	g := hrgGraph(t, n, 1)
	fmt.Println("n", g.N, "E", g.NumEdges())
	var ru0 syscall.Rusage
	syscall.Getrusage(0, &ru0)
	t0 := time.Now()
	last := t0
	_ = last
	r, err := Smallest(g, Options{K: 32, Seed: 1, Multilevel: ml, Degree: deg, Tol: tol})
	el := time.Since(t0)
	var ru1 syscall.Rusage
	syscall.Getrusage(0, &ru1)
	fmt.Printf("cpu=%.1fs maxrss=%dMB\n", float64(ru1.Utime.Sec-ru0.Utime.Sec)+float64(ru1.Utime.Usec-ru0.Utime.Usec)/1e6, ru1.Maxrss/1024)
	if err != nil {
		t.Log(err)
	}
	fmt.Printf("ml=%v deg=%d time=%v iters=%d prods=%d maxres=%.2e vals=%.5f..%.5f\n", ml, deg, el, r.Iterations, r.Products, maxOf(r.Residuals), r.Values[0], r.Values[31])
	for _, l := range r.Levels {
		fmt.Printf("   %+v\n", l)
	}
}
