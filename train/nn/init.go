package nn

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// orthogonal is a Haar-random n×n orthogonal matrix: the Q of a Gaussian
// matrix's QR with R's diagonal made positive (as jax's orthogonal initialiser).
func (b *Builder) orthogonal(n int) *mat.Dense {
	a := mat.NewDense(n, n, b.Normal(n*n, 1))
	var qr mat.QR
	qr.Factorize(a)
	var q, r mat.Dense
	qr.QTo(&q)
	qr.RTo(&r)
	for j := 0; j < n; j++ {
		if r.At(j, j) < 0 {
			for i := 0; i < n; i++ {
				q.Set(i, j, -q.At(i, j))
			}
		}
	}
	return &q
}

// orthoWeight returns the reference's orthogonal init (spec §2.10) of an
// out×in weight, stored transposed (in×out, row-major) for x·W. With in ≥ out
// the weight has orthonormal rows; otherwise it is √(out/in) times in rows of
// an orthogonal out×out matrix.
func (b *Builder) orthoWeight(in, out int) []float64 {
	if b.ShapesOnly {
		return nil
	}
	v := make([]float64, in*out)
	if in >= out {
		q := b.orthogonal(in) // stored = q[:, :out]
		for i := 0; i < in; i++ {
			for j := 0; j < out; j++ {
				v[i*out+j] = q.At(i, j)
			}
		}
		return v
	}
	q := b.orthogonal(out) // stored = √(out/in)·q[:in, :]
	s := math.Sqrt(float64(out) / float64(in))
	for i := 0; i < in; i++ {
		for j := 0; j < out; j++ {
			v[i*out+j] = s * q.At(i, j)
		}
	}
	return v
}
