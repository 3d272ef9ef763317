package fourier

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestNewErrors(t *testing.T) {
	for _, d := range []int{-2, 0, 1, 3, 2047} {
		if _, err := New(d, 1, 1, 0); err == nil {
			t.Errorf("New(%d): no error", d)
		}
	}
	if _, err := New(4, math.NaN(), 1, 0); err == nil {
		t.Error("New with NaN tVar: no error")
	}
	if _, err := New(4, 1, math.Inf(1), 0); err == nil {
		t.Error("New with Inf xVar: no error")
	}
	if _, err := FromB([Coords][]float64{{1}, {1, 2}, {1}, {1}}); err == nil {
		t.Error("FromB ragged: no error")
	}
	if _, err := FromB([Coords][]float64{}); err == nil {
		t.Error("FromB empty: no error")
	}
}

// Hand-set B: z_0 = π/6 and z_1 = π/4 + π/12 = π/3 give known sines and cosines
// in the order [s0, c0, s1, c1].
func TestKnownValues(t *testing.T) {
	ff, err := FromB([Coords][]float64{{1, 0}, {0, 1}, {0, 1}, {2, 0}})
	if err != nil {
		t.Fatal(err)
	}
	tx := [Coords]float64{math.Pi / 6, math.Pi / 4, math.Pi / 12, 0}
	got := make([]float64, ff.Dim())
	ff.Eval(tx, got)
	r3 := math.Sqrt(3) / 2
	want := []float64{0.5, r3, r3, 0.5}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-15 {
			t.Fatalf("φ = %v, want %v", got, want)
		}
	}
	g32 := make([]float32, ff.Dim())
	ff.Eval32(tx, g32)
	for i := range got {
		if g32[i] != float32(got[i]) {
			t.Fatalf("Eval32 = %v, Eval = %v", g32, got)
		}
	}
}

func TestInterleaving(t *testing.T) {
	ff, err := New(10, 0.3, 0.7, 9)
	if err != nil {
		t.Fatal(err)
	}
	tx := [Coords]float64{1.5, -0.2, 0.4, 0.9}
	phi := make([]float64, ff.Dim())
	ff.Eval(tx, phi)
	for j := 0; j < ff.Dim()/2; j++ {
		z := 0.0
		for a := 0; a < Coords; a++ {
			z += ff.B(a, j) * tx[a]
		}
		if math.Abs(phi[2*j]-math.Sin(z)) > 1e-15 || math.Abs(phi[2*j+1]-math.Cos(z)) > 1e-15 {
			t.Fatalf("j=%d: (%g, %g), want (sin, cos)(%g)", j, phi[2*j], phi[2*j+1], z)
		}
	}
}

func TestScalesAndDeterminism(t *testing.T) {
	a, _ := New(2048, 1e-4, 3, 42)
	b, _ := New(2048, 1e-4, 3, 42)
	c, _ := New(2048, 1e-4, 3, 43)
	if !slices.Equal(a.Matrix(), b.Matrix()) {
		t.Fatal("same seed gave different B")
	}
	if slices.Equal(a.Matrix(), c.Matrix()) {
		t.Fatal("different seeds gave the same B")
	}
	// Each row's sample std matches its scaler (1024 draws: ±10 %).
	for r, want := range []float64{1e-4, 3, 3, 3} {
		ss := 0.0
		for j := 0; j < 1024; j++ {
			ss += a.B(r, j) * a.B(r, j)
		}
		if sd := math.Sqrt(ss / 1024); math.Abs(sd/want-1) > 0.1 {
			t.Errorf("row %d: std %g, want %g", r, sd, want)
		}
	}
}

func alloc(n, d int) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, d)
	}
	return out
}

// Jets vs central finite differences. With s_a = max_j |B[a, j]| the
// coordinate scale, the step is 1e-5/s_a for ∂/∂tx_a (error ≲ s_a·(1e-10/6 +
// ε·1e5) ≈ 2e-11·s_a) and 3e-4/s_k for ∂²/∂x_k² (error ≲ s_k²·(9e-8/12 +
// 4ε/9e-8) ≈ 1.7e-8·s_k²); the tolerance is 1e-9·s_a, resp. 1e-7·s_k².
func TestJetsMatchFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, c := range []struct{ tVar, xVar, tMax float64 }{{1e-4, 1e-4, 1000}, {1, 1, 1}, {0.5, 2, 3}} {
		ff, _ := New(64, c.tVar, c.xVar, 7)
		d := ff.Dim()
		val, d1, d2 := make([]float64, d), alloc(Coords, d), alloc(SpaceCoords, d)
		for range 5 {
			tx := [Coords]float64{c.tMax * rng.Float64(), 2*rng.Float64() - 1, 2*rng.Float64() - 1, 2*rng.Float64() - 1}
			ff.Jets(tx, val, d1, d2)
			checkJets(t, ff, tx, val, d1, d2)
		}
	}
}

func checkJets(t *testing.T, ff *Features, tx [Coords]float64, val []float64, d1, d2 [][]float64) {
	t.Helper()
	d := ff.Dim()
	phi, p, m := make([]float64, d), make([]float64, d), make([]float64, d)
	ff.Eval(tx, phi)
	if !slices.Equal(phi, val) {
		t.Fatal("Jets value differs from Eval")
	}
	at := func(a int, h float64, dst []float64) {
		y := tx
		y[a] += h
		ff.Eval(y, dst)
	}
	for a := 0; a < Coords; a++ {
		s := scale(ff, a)
		h1, h2 := 1e-5/s, 3e-4/s
		at(a, h1, p)
		at(a, -h1, m)
		for i := range p {
			if fd := (p[i] - m[i]) / (2 * h1); math.Abs(fd-d1[a][i]) > 1e-9*s {
				t.Fatalf("∂φ_%d/∂tx_%d: %g, FD %g", i, a, d1[a][i], fd)
			}
		}
		if a == 0 {
			continue
		}
		at(a, h2, p)
		at(a, -h2, m)
		for i := range p {
			if fd := (p[i] - 2*phi[i] + m[i]) / (h2 * h2); math.Abs(fd-d2[a-1][i]) > 1e-7*s*s {
				t.Fatalf("∂²φ_%d/∂x_%d²: %g, FD %g", i, a, d2[a-1][i], fd)
			}
		}
	}
}

func scale(ff *Features, a int) float64 {
	s := 0.0
	for j := 0; j < ff.Dim()/2; j++ {
		s = math.Max(s, math.Abs(ff.B(a, j)))
	}
	return s
}

func TestJetsPanicsOnShape(t *testing.T) {
	ff, _ := New(4, 1, 1, 0)
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	ff.Jets([Coords]float64{}, make([]float64, 4), alloc(Coords, 4), alloc(2, 4))
}
