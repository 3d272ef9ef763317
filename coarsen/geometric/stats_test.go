package geometric

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/roma-go/roma/simulate/graph"
)

// Test-only network statistics: the discrete power-law fit of Clauset,
// Shalizi & Newman, "Power-law distributions in empirical data", SIAM Review
// 51, 661 (2009), and the mean local clustering coefficient.

// bernoulli2j holds B_2, B_4, …, B_12 for the Euler–Maclaurin tail.
var bernoulli2j = [...]float64{1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730}

// hurwitzZeta returns ζ(s, q) = Σ_{k≥0} (q+k)^{−s} for s > 1, q > 0: ten
// terms summed directly, the rest by Euler–Maclaurin with six Bernoulli
// corrections (relative error ≈ 1e-15 for the s ≤ 6 used here).
func hurwitzZeta(s, q float64) float64 {
	const m = 10
	sum := 0.0
	for k := 0; k < m; k++ {
		sum += math.Pow(q+float64(k), -s)
	}
	a := q + m
	sum += math.Pow(a, 1-s)/(s-1) + math.Pow(a, -s)/2
	// Term j: B_2j/(2j)! · s(s+1)…(s+2j−2) · a^{−s−2j+1}.
	t := s * math.Pow(a, -s-1) // rising factorial times the power, j = 1
	fact := 2.0                // (2j)!
	for j, b := range bernoulli2j {
		sum += b / fact * t
		k := float64(2*j + 2) // 2j for the next j is k+2
		t *= (s + k - 1) * (s + k) / (a * a)
		fact *= (k + 1) * (k + 2)
	}
	return sum
}

// powerLawFit is a discrete power-law fit P(k) = k^{−γ}/ζ(γ, kmin), k ≥ kmin.
type powerLawFit struct {
	gamma float64 // exponent
	sigma float64 // its standard error (γ − 1)/√n
	kmin  int     // lower bound of the fitted tail
	n     int     // tail size
	ks    float64 // Kolmogorov–Smirnov distance of the tail to the fit
}

// fitExponent returns the maximum-likelihood γ for the values xs ≥ kmin
// (sorted ascending) of a discrete power law: it maximizes
// −n ln ζ(γ, kmin) − γ Σ ln x, which is concave in γ, by golden section.
func fitExponent(xs []int, kmin int) float64 {
	sl := 0.0
	for _, x := range xs {
		sl += math.Log(float64(x))
	}
	n := float64(len(xs))
	ll := func(g float64) float64 { return -n*math.Log(hurwitzZeta(g, float64(kmin))) - g*sl }
	lo, hi := 1.05, 6.0
	phi := (math.Sqrt(5) - 1) / 2
	a, b := hi-phi*(hi-lo), lo+phi*(hi-lo)
	fa, fb := ll(a), ll(b)
	for hi-lo > 1e-7 {
		if fa < fb {
			lo, a, fa = a, b, fb
			b = lo + phi*(hi-lo)
			fb = ll(b)
		} else {
			hi, b, fb = b, a, fa
			a = hi - phi*(hi-lo)
			fa = ll(a)
		}
	}
	return (lo + hi) / 2
}

// ksDistance is max |F_emp − F_fit| over the tail xs ≥ kmin (sorted), both
// CDFs step functions on the integers: checked at each distinct value and
// just below it.
func ksDistance(xs []int, kmin int, gamma float64) float64 {
	z0 := hurwitzZeta(gamma, float64(kmin))
	fit := func(x int) float64 { // P(X ≤ x)
		if x < kmin {
			return 0
		}
		return 1 - hurwitzZeta(gamma, float64(x+1))/z0
	}
	n := float64(len(xs))
	d, prev := 0.0, 0.0
	for i := 0; i < len(xs); {
		x, j := xs[i], i
		for j < len(xs) && xs[j] == x {
			j++
		}
		emp := float64(j) / n
		d = max(d, math.Abs(emp-fit(x)), math.Abs(prev-fit(x-1)))
		prev, i = emp, j
	}
	return d
}

// fitPowerLaw fits the tail of the values (degrees) with the kmin that
// minimizes the KS distance (Clauset et al. 2009, §3.3), among kmin ≥ 1 that
// leave at least minTail values.
func fitPowerLaw(values []int32, minTail int) powerLawFit {
	xs := make([]int, 0, len(values))
	for _, v := range values {
		if v >= 1 {
			xs = append(xs, int(v))
		}
	}
	slices.Sort(xs)
	best := powerLawFit{ks: math.Inf(1)}
	for i := 0; i < len(xs) && len(xs)-i >= minTail; {
		kmin := xs[i]
		tail := xs[i:]
		g := fitExponent(tail, kmin)
		if d := ksDistance(tail, kmin, g); d < best.ks {
			best = powerLawFit{gamma: g, sigma: (g - 1) / math.Sqrt(float64(len(tail))), kmin: kmin, n: len(tail), ks: d}
		}
		for i < len(xs) && xs[i] == kmin {
			i++
		}
	}
	return best
}

// samplePowerLaw draws n values of the discrete power law with exponent g
// above kmin exactly: the continuous approximation of Clauset et al. (App. D)
// as a start, corrected against the CCDF ζ(g, x)/ζ(g, kmin).
func samplePowerLaw(rng *rand.Rand, n int, g float64, kmin int) []int32 {
	z0 := hurwitzZeta(g, float64(kmin))
	ccdf := func(x int) float64 { return hurwitzZeta(g, float64(x)) / z0 }
	out := make([]int32, n)
	for i := range out {
		u := 1 - rng.Float64() // (0, 1]
		x := max(kmin, int((float64(kmin)-0.5)*math.Pow(u, -1/(g-1))+0.5))
		for x > kmin && ccdf(x) < u {
			x--
		}
		for ccdf(x+1) >= u {
			x++
		}
		out[i] = int32(x)
	}
	return out
}

// clustering returns the mean local clustering coefficient over nodes of
// degree ≥ 2, and over all nodes with c = 0 below degree 2. Triangles are
// counted once each by orienting edges from lower to higher (degree, id)
// rank and intersecting out-lists (Schank & Wagner's forward algorithm).
func clustering(g *graph.Graph) (meanK2, meanAll float64) {
	deg := g.Degrees()
	less := func(a, b int32) bool { return deg[a] < deg[b] || deg[a] == deg[b] && a < b }
	ptr := make([]int, g.N+1)
	for i := range g.Src {
		a, b := g.Src[i], g.Dst[i]
		if less(b, a) {
			a = b
		}
		ptr[a+1]++
	}
	for i := 0; i < g.N; i++ {
		ptr[i+1] += ptr[i]
	}
	out := make([]int32, ptr[g.N])
	next := slices.Clone(ptr[:g.N])
	for i := range g.Src {
		a, b := g.Src[i], g.Dst[i]
		if less(b, a) {
			a, b = b, a
		}
		out[next[a]] = b
		next[a]++
	}
	for u := 0; u < g.N; u++ {
		slices.Sort(out[ptr[u]:ptr[u+1]])
	}
	tri := make([]int64, g.N)
	for u := 0; u < g.N; u++ {
		nu := out[ptr[u]:ptr[u+1]]
		for _, v := range nu {
			nv := out[ptr[v]:ptr[v+1]]
			for i, j := 0, 0; i < len(nu) && j < len(nv); {
				switch {
				case nu[i] < nv[j]:
					i++
				case nu[i] > nv[j]:
					j++
				default:
					w := nu[i]
					tri[u]++
					tri[v]++
					tri[w]++
					i++
					j++
				}
			}
		}
	}
	sum, n2 := 0.0, 0
	for i, k := range deg {
		if k >= 2 {
			sum += 2 * float64(tri[i]) / (float64(k) * float64(k-1))
			n2++
		}
	}
	return sum / float64(n2), sum / float64(g.N)
}

func TestHurwitzZeta(t *testing.T) {
	cases := []struct{ s, q, want float64 }{
		{2, 1, math.Pi * math.Pi / 6},
		{2, 2, math.Pi*math.Pi/6 - 1},
		{3, 1, 1.2020569031595942854},
		{4, 1, math.Pow(math.Pi, 4) / 90},
		{2, 0.5, math.Pi * math.Pi / 2}, // ζ(2, ½) = (2² − 1) ζ(2)
		{1.5, 1, 2.6123753486854883433},
		{2.5, 7, 0},
	}
	// ζ(2.5, 7) = ζ(2.5) − Σ_{k=1}^{6} k^{−2.5}.
	cases[len(cases)-1].want = 1.3414872572509171798
	for k := 1; k <= 6; k++ {
		cases[len(cases)-1].want -= math.Pow(float64(k), -2.5)
	}
	for _, c := range cases {
		if got := hurwitzZeta(c.s, c.q); math.Abs(got-c.want) > 1e-13*c.want {
			t.Errorf("ζ(%g, %g) = %.17g, want %.17g", c.s, c.q, got, c.want)
		}
	}
}

// TestFitPowerLaw checks the estimator on exact samples: with a known kmin
// the MLE is within 3σ, and the KS choice of kmin finds the start of the
// power law below which the values were replaced by a flat bulk.
func TestFitPowerLaw(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		gamma float64
		kmin  int
	}{{2.5, 1}, {2.5, 5}, {3.2, 3}} {
		xs := samplePowerLaw(rng, 20000, c.gamma, c.kmin)
		ints := make([]int, len(xs))
		for i, x := range xs {
			ints[i] = int(x)
		}
		slices.Sort(ints)
		g := fitExponent(ints, c.kmin)
		if sigma := (g - 1) / math.Sqrt(float64(len(ints))); math.Abs(g-c.gamma) > 3*sigma {
			t.Errorf("γ = %g, kmin = %d: fitted %.4f ± %.4f", c.gamma, c.kmin, g, sigma)
		}
	}
	// A power law from 8 up, mixed with a bulk uniform on 1..7.
	xs := samplePowerLaw(rng, 20000, 2.5, 8)
	for i := 0; i < 20000; i++ {
		xs = append(xs, int32(1+rng.IntN(7)))
	}
	f := fitPowerLaw(xs, 100)
	t.Logf("mixed sample: γ = %.4f ± %.4f, kmin = %d, n = %d, KS = %.4f", f.gamma, f.sigma, f.kmin, f.n, f.ks)
	if f.kmin < 7 || f.kmin > 12 || math.Abs(f.gamma-2.5) > 0.1 {
		t.Errorf("mixed sample: γ = %.4f, kmin = %d; want 2.5 from about 8", f.gamma, f.kmin)
	}
}

// TestClustering checks the clustering helper on graphs with known values.
func TestClustering(t *testing.T) {
	mk := func(n int, edges [][2]int32) *graph.Graph {
		var s, d []int32
		for _, e := range edges {
			s, d = append(s, e[0]), append(d, e[1])
		}
		g, err := graph.New(n, s, d)
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	// K4: every c = 1. Triangle plus a pendant node 3 on node 0:
	// c = 1/3, 1, 1 and node 3 has degree 1.
	var k4 [][2]int32
	for a := int32(0); a < 4; a++ {
		for b := a + 1; b < 4; b++ {
			k4 = append(k4, [2]int32{a, b})
		}
	}
	for _, c := range []struct {
		g         *graph.Graph
		k2, all   float64
		name      string
		tolerance float64
	}{
		{mk(4, k4), 1, 1, "K4", 1e-15},
		{mk(4, [][2]int32{{0, 1}, {1, 2}, {0, 2}, {0, 3}}), (1.0/3 + 2) / 3, (1.0/3 + 2) / 4, "triangle+pendant", 1e-15},
		{mk(5, [][2]int32{{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 0}}), 0, 0, "C5", 0},
	} {
		k2, all := clustering(c.g)
		if math.Abs(k2-c.k2) > c.tolerance || math.Abs(all-c.all) > c.tolerance {
			t.Errorf("%s: clustering %g (k ≥ 2), %g (all), want %g, %g", c.name, k2, all, c.k2, c.all)
		}
	}
}
