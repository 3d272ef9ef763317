package spectral

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"
)

func TestScratchOne(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("SN"))
	deg, _ := strconv.Atoi(os.Getenv("SD"))
	ml := os.Getenv("ML") == "1"
	g := hrgLCC(t, n, 1)
	fmt.Println("n", g.N, "E", g.NumEdges())
	t0 := time.Now()
	r, err := Smallest(g, Options{K: 32, Seed: 1, Multilevel: ml, Degree: deg, Tol: 1e-5})
	el := time.Since(t0)
	if err != nil {
		t.Log(err)
	}
	fmt.Printf("ml=%v deg=%d time=%v iters=%d prods=%d maxres=%.2e vals=%.5f..%.5f\n", ml, deg, el, r.Iterations, r.Products, maxOf(r.Residuals), r.Values[0], r.Values[31])
	for _, l := range r.Levels {
		fmt.Printf("   %+v\n", l)
	}
}
