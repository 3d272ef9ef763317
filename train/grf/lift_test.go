package grf

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

func testFuncs(t testing.TB, num int) *Funcs {
	s, err := NewSpace(num, 200, 1)
	if err != nil {
		t.Fatal(err)
	}
	return s.Sample(rand.New(rand.NewPCG(1, 2)))
}

// window returns nTok × κ values in [−0.2, 1.2], so some extrapolate.
func window(nTok, kappa int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 0))
	w := make([]float32, nTok*kappa)
	for i := range w {
		w[i] = float32(1.4*rng.Float64() - 0.2)
	}
	return w
}

func TestParseLayout(t *testing.T) {
	for _, l := range []Layout{LayoutRef, LayoutPerNode} {
		if got, err := ParseLayout(l.String()); err != nil || got != l {
			t.Errorf("ParseLayout(%q) = %q, %v", l, got, err)
		}
	}
	for _, s := range []string{"", "REF", "pernode", "per-node"} {
		if _, err := ParseLayout(s); err == nil {
			t.Errorf("ParseLayout(%q): no error", s)
		}
	}
}

// Ref layout: element (r, c) is F[f, n, k] with q = r·Fκ + c, f = q // (nTok·κ),
// n = (q mod nTok·κ) // κ, k = q mod κ (spec §2.6 step 3).
func TestLiftRefMatchesSpecFormula(t *testing.T) {
	const nTok, kappa, num = 6, 3, 4
	fs, w := testFuncs(t, num), window(nTok, kappa, 3)
	dst := make([]float32, nTok*num*kappa)
	fs.Lift(w, nTok, kappa, LayoutRef, dst)
	for r := 0; r < nTok; r++ {
		for c := 0; c < num*kappa; c++ {
			q := r*num*kappa + c
			f, n, k := q/(nTok*kappa), q%(nTok*kappa)/kappa, q%kappa
			if want := float32(fs.Eval(f, float64(w[n*kappa+k]))); dst[q] != want {
				t.Fatalf("(%d,%d): %g, want g_%d(w[%d,%d]) = %g", r, c, dst[q], f, n, k, want)
			}
		}
	}
}

// The analogue of "at N_tok = 512 row r holds spline r//4 on nodes
// 128·(r mod 4) … +127" (spec §2.6): with nTok = 8 and NumFunc = 4, row r
// holds spline r//2 on nodes 4·(r mod 2) … +3, each node's κ lags in order.
func TestLiftRefBlocks(t *testing.T) {
	const nTok, kappa, num = 8, 3, 4
	fs, w := testFuncs(t, num), window(nTok, kappa, 4)
	dst := make([]float32, nTok*num*kappa)
	fs.Lift(w, nTok, kappa, LayoutRef, dst)
	rowsPerFunc := nTok / num
	for r := 0; r < nTok; r++ {
		f, first := r/rowsPerFunc, num*(r%rowsPerFunc)
		for j := 0; j < num; j++ {
			for k := 0; k < kappa; k++ {
				n := first + j
				got := dst[r*num*kappa+j*kappa+k]
				if want := float32(fs.Eval(f, float64(w[n*kappa+k]))); got != want {
					t.Fatalf("row %d col %d: %g, want g_%d(w[%d,%d]) = %g", r, j*kappa+k, got, f, n, k, want)
				}
			}
		}
	}
}

func TestLiftPerNode(t *testing.T) {
	const nTok, kappa, num = 7, 5, 3
	fs, w := testFuncs(t, num), window(nTok, kappa, 5)
	dst := make([]float32, nTok*num*kappa)
	fs.Lift(w, nTok, kappa, LayoutPerNode, dst)
	for r := 0; r < nTok; r++ {
		for f := 0; f < num; f++ {
			for k := 0; k < kappa; k++ {
				got := dst[r*num*kappa+f*kappa+k]
				if want := float32(fs.Eval(f, float64(w[r*kappa+k]))); got != want {
					t.Fatalf("[%d, %d·κ+%d] = %g, want g_%d(w[%d,%d]) = %g", r, f, k, got, f, r, k, want)
				}
			}
		}
	}
}

func TestLiftSameOnAnyCoreCount(t *testing.T) {
	const nTok, kappa, num = 100, 8, 6
	fs, w := testFuncs(t, num), window(nTok, kappa, 6)
	for _, l := range []Layout{LayoutRef, LayoutPerNode} {
		var ref []float32
		for _, procs := range []int{1, 2, 4} {
			old := runtime.GOMAXPROCS(procs)
			dst := make([]float32, nTok*num*kappa)
			fs.Lift(w, nTok, kappa, l, dst)
			runtime.GOMAXPROCS(old)
			if ref == nil {
				ref = dst
			} else if !slices.Equal(ref, dst) {
				t.Fatalf("%s: GOMAXPROCS %d differs from 1", l, procs)
			}
		}
	}
}

func TestLiftPanics(t *testing.T) {
	fs := testFuncs(t, 2)
	for name, f := range map[string]func(){
		"short dst":  func() { fs.Lift(make([]float32, 6), 2, 3, LayoutRef, make([]float32, 11)) },
		"bad layout": func() { fs.Lift(make([]float32, 6), 2, 3, Layout("x"), make([]float32, 12)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// BenchmarkLift is the reference-size lift: nTok 512, κ 64, NumFunc 128
// (4.2 M spline evaluations), reported per output value.
func BenchmarkLift(b *testing.B) {
	const nTok, kappa, num = 512, 64, 128
	s, err := NewSpace(num, DefaultPoints, DefaultLengthScale)
	if err != nil {
		b.Fatal(err)
	}
	fs := s.Sample(rand.New(rand.NewPCG(1, 2)))
	w := window(nTok, kappa, 7)
	dst := make([]float32, nTok*num*kappa)
	for _, l := range []Layout{LayoutRef, LayoutPerNode} {
		b.Run(string(l), func(b *testing.B) {
			for b.Loop() {
				fs.Lift(w, nTok, kappa, l, dst)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(dst)), "ns/value")
		})
	}
}

// BenchmarkSample is one per-step re-sampling of 128 functions at the
// reference grid (spec §2.6: the functions are re-drawn every step).
func BenchmarkSample(b *testing.B) {
	s, err := NewSpace(128, DefaultPoints, DefaultLengthScale)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var fs *Funcs
	for b.Loop() {
		fs = s.SampleInto(rng, fs)
	}
}
