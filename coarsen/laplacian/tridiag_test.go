package laplacian

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestTridiagAgainstExp checks the rotation-recording QL against gonum's
// dense eigensolver (eigenvalues, first eigenvector components) and its Padé
// matrix exponential (e^{−τT} e_1), including a stiff spread of scales.
func TestTridiagAgainstExp(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 3, 7, 40, 90} {
		for _, spread := range []float64{1, 1e4} {
			a := make([]float64, n)
			b := make([]float64, n)
			for i := range a {
				a[i] = spread * rng.Float64() * rng.Float64()
				b[i] = rng.Float64()
			}
			var td tridiag
			if err := td.factor(a, b); err != nil {
				t.Fatal(err)
			}
			T := mat.NewSymDense(n, nil)
			for i := 0; i < n; i++ {
				T.SetSym(i, i, a[i])
				if i+1 < n {
					T.SetSym(i, i+1, b[i])
				}
			}
			var es mat.EigenSym
			es.Factorize(T, true)
			vals := es.Values(nil)
			// Compare the spectral measure Σ w_j² δ(θ_j): moments up to 3.
			for p := 0; p <= 3; p++ {
				var got, want float64
				for j := 0; j < n; j++ {
					got += td.w[j] * td.w[j] * math.Pow(td.d[j]/spread, float64(p))
				}
				var v mat.Dense
				es.VectorsTo(&v)
				for j := 0; j < n; j++ {
					want += v.At(0, j) * v.At(0, j) * math.Pow(vals[j]/spread, float64(p))
				}
				if math.Abs(got-want) > 1e-10*(1+math.Abs(want)) {
					t.Errorf("n=%d spread=%g moment %d: %v, want %v", n, spread, p, got, want)
				}
			}
			for _, tau := range []float64{1e-3, 0.3, 5} {
				y := td.expFirst(nil, tau)
				var m, e mat.Dense
				m.Scale(-tau, T)
				e.Exp(&m)
				for i := 0; i < n; i++ {
					if w := e.At(i, 0); math.Abs(y[i]-w) > 1e-12 {
						t.Errorf("n=%d spread=%g τ=%g: (e^{−τT}e_1)_%d = %v, want %v", n, spread, tau, i, y[i], w)
					}
				}
			}
		}
	}
}
