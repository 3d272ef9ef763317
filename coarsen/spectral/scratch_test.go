package spectral

import (
	"fmt"
	"math"
	"sort"
	"testing"
	"time"

	"github.com/roma-go/roma/simulate/graph"
	"github.com/roma-go/roma/simulate/hrg"
	"gonum.org/v1/gonum/mat"
)

func hrgLCC(t testing.TB, n int, seed uint64) *graph.Graph {
	v := 3 / hrg.ExpectedAvgDegree(1, 0.75, "standard")
	g, err := hrg.Generate(hrg.Params{N: n, AvgDegree: v, Alpha: 0.75, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	lcc, _ := g.LargestComponent()
	return lcc
}

func denseSpectrum(g *graph.Graph) []float64 {
	n := g.N
	d := make([]float64, n)
	for i := range g.Src {
		d[g.Src[i]] += g.Weight(i)
		d[g.Dst[i]] += g.Weight(i)
	}
	a := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		a.SetSym(i, i, 1)
	}
	for i := range g.Src {
		u, v := int(g.Src[i]), int(g.Dst[i])
		a.SetSym(u, v, -g.Weight(i)/math.Sqrt(d[u]*d[v]))
	}
	var e mat.EigenSym
	e.Factorize(a, false)
	vals := e.Values(nil)
	sort.Float64s(vals)
	return vals
}

func TestScratch(t *testing.T) {
	g := hrgLCC(t, 3000, 1)
	t0 := time.Now()
	ref := denseSpectrum(g)
	fmt.Println("n", g.N, "dense", time.Since(t0), ref[:40])
	for _, ml := range []bool{false, true} {
		for _, deg := range []int{1, 6, 12, 24} {
			t0 = time.Now()
			r, err := Smallest(g, Options{K: 32, Seed: 1, Multilevel: ml, CoarsestSize: 500, Degree: deg})
			el := time.Since(t0)
			if err != nil {
				t.Log(err)
			}
			me := 0.0
			for j := range r.Values {
				me = max(me, math.Abs(r.Values[j]-ref[j+1]))
			}
			fmt.Printf("ml=%v deg=%d time=%v iters=%d prods=%d maxerr=%.2e maxres=%.2e levels=%+v\n", ml, deg, el, r.Iterations, r.Products, me, maxOf(r.Residuals), r.Levels)
		}
	}
}
