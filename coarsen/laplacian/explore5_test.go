package laplacian

import (
	"fmt"
	"math"
	"sort"
	"testing"
)

func TestExplore5(t *testing.T) {
	g := hrgGraph(t, 3000, 2)
	op, _ := newOperator(g)
	s, _ := NewSpectrum(g)
	m := s.Measure()
	lo, hi, _ := m.Range()
	peaks := m.Peaks(lo, hi, 20)
	for _, tau := range []float64{1, peaks[0].Tau} {
		K := s.Propagator(tau)
		var marg []float64
		for i := 0; i < g.N; i++ {
			for k := op.ptr[i]; k < op.ptr[i+1]; k++ {
				j := int(op.col[k])
				marg = append(marg, math.Abs(K.At(i, j)-K.At(i, i))/K.At(i, i))
			}
		}
		sort.Float64s(marg)
		q := func(p float64) float64 { return marg[int(p*float64(len(marg)-1))] }
		fmt.Printf("tau %.3g margins q01 %.3g q05 %.3g q10 %.3g q25 %.3g q50 %.3g\n", tau, q(0.01), q(0.05), q(0.1), q(0.25), q(0.5))
		// column support
		var sup []float64
		var diag []float64
		for i := 0; i < g.N; i++ {
			c := 0
			for j := 0; j < g.N; j++ {
				if K.At(i, j) > 1e-3*K.At(i, i) {
					c++
				}
			}
			sup = append(sup, float64(c))
			diag = append(diag, K.At(i, i))
		}
		sort.Float64s(sup)
		sort.Float64s(diag)
		fmt.Printf("   support(>1e-3 Kii) median %v q90 %v ; Kii median %.3g q10 %.3g q90 %.3g; 1/N %.3g\n", sup[len(sup)/2], sup[len(sup)*9/10], diag[len(diag)/2], diag[len(diag)/10], diag[len(diag)*9/10], 1/float64(g.N))
	}
}
