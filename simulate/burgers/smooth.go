package burgers

import "math"

// GaussianWindow returns the symmetric Gaussian window of length m and
// standard deviation std, w[n] = exp(−(n − (m−1)/2)² / (2·std²)), not
// normalised: scipy.signal.windows.gaussian(m, std), the window pandas uses
// for rolling(m, win_type='gaussian').
func GaussianWindow(m int, std float64) []float64 {
	w := make([]float64, m)
	c := float64(m-1) / 2
	sig2 := 2 * std * std
	for n := range w {
		d := float64(n) - c
		w[n] = math.Exp(-d * d / sig2)
	}
	return w
}

// RollingGaussianDiff returns pandas'
// Series(x).rolling(m, win_type='gaussian').sum(std=std).diff().dropna():
// the Gaussian-weighted sum over the trailing m samples, r[t] =
// Σ_n w[n]·x[t−m+1+n] for t ≥ m−1 (earlier r are NaN), then r[t] − r[t−1].
// The first difference needs two defined sums, so the result has len(x) − m
// values, out[k] = r[k+m] − r[k+m−1]; it is empty when len(x) ≤ m. The cost
// is a direct O(len(x)·m) evaluation, in the order pandas sums.
func RollingGaussianDiff(x []float64, m int, std float64) []float64 {
	if len(x) <= m {
		return []float64{}
	}
	w := GaussianWindow(m, std)
	out := make([]float64, len(x)-m)
	prev := rollingAt(x, w, m-1)
	for k := range out {
		r := rollingAt(x, w, k+m)
		out[k] = r - prev
		prev = r
	}
	return out
}

// rollingAt is the weighted sum of the window ending at sample t.
func rollingAt(x, w []float64, t int) float64 {
	win := x[t+1-len(w) : t+1]
	s := 0.0
	for n, v := range win {
		s += w[n] * v
	}
	return s
}
