package laplacian

import (
	"container/heap"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/roma-go/roma/stages/par"
)

// localSolver computes one column of K = e^{−τL} on a ball around its node
// with an absorbing boundary: the ball's principal submatrix L_B keeps every
// node's full degree, so heat that leaves the ball is lost. Read as a
// continuous-time random walk, (e^{−τL_B})_{ji} is the probability of being at
// j at time τ without having left B, so every computed entry undershoots the
// exact one by at most the lost heat, leak = 1 − Σ_j (e^{−τL_B})_{ji}.
//
// The ball is grown by most probable jump path (a jump v → x costs
// ln(d_v/w_vx)) rather than by hops: in a heavy-tailed graph a hub's
// thousands of neighbours, each reached with probability 1/d_v, would
// otherwise fill the ball before the nodes the heat actually reaches.
//
// The column is computed by Lanczos on L_B from e_i (Saad, SIAM J. Numer.
// Anal. 29, 209 (1992)), which copes with the stiffness hubs bring (λ_max in
// the tens of thousands) far better than a polynomial of fixed degree; it
// stops when the a posteriori estimate β_k |(e^{−τT_k}e_1)_k| falls below
// tol. Scratch space is reused between columns.
type localSolver struct {
	op   *operator
	cap  int
	mmax int
	tol  float64
	hub  float64 // rows longer than this are not scanned whole

	loc   []int32 // global id → ball index, −1 outside
	key   []float64
	lnDeg []float64 // ln d_v, shared by all solvers of one operator
	nodes []int32
	pq    costHeap
	seen  []int32

	ptr  []int32
	col  []int32
	w    []float64
	diag []float64
	coo  []cooEntry
	next []int32
	hubs []int32

	q          []float64 // Lanczos basis, row-major (m+1) × b
	alpha, bet []float64
	td         tridiag
	y, u       []float64
	steps      int // Lanczos steps of the last column
}

type cooEntry struct {
	r, c int32
	w    float64
}

type costItem struct {
	v    int32
	cost float64
}

// costHeap is a min-heap on (cost, id); the id breaks ties so balls do not
// depend on heap internals.
type costHeap []costItem

func (h costHeap) Len() int { return len(h) }
func (h costHeap) Less(i, j int) bool {
	if h[i].cost != h[j].cost {
		return h[i].cost < h[j].cost
	}
	return h[i].v < h[j].v
}
func (h costHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *costHeap) Push(x any)   { *h = append(*h, x.(costItem)) }
func (h *costHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

func newLocalSolver(op *operator, lnDeg []float64, cap, mmax int, tol float64) *localSolver {
	s := &localSolver{op: op, lnDeg: lnDeg, cap: cap, mmax: mmax, tol: tol, hub: float64(4 * cap)}
	s.loc = make([]int32, op.n)
	s.key = make([]float64, op.n)
	for i := range s.loc {
		s.loc[i] = -1
		s.key[i] = math.Inf(1)
	}
	return s
}

func (s *localSolver) isHub(v int32) bool {
	return s.op.ptr[v+1]-s.op.ptr[v] > int64(s.hub)
}

// grow fills s.nodes with the ball around i (i first) and sets s.loc.
func (s *localSolver) grow(i int32) {
	op := s.op
	s.nodes = s.nodes[:0]
	s.pq = s.pq[:0]
	s.seen = append(s.seen[:0], i)
	s.key[i] = 0
	heap.Push(&s.pq, costItem{i, 0})
	for s.pq.Len() > 0 && len(s.nodes) < s.cap {
		it := heap.Pop(&s.pq).(costItem)
		v := it.v
		if s.loc[v] >= 0 || it.cost > s.key[v] {
			continue
		}
		s.loc[v] = int32(len(s.nodes))
		s.nodes = append(s.nodes, v)
		lo, hi := op.ptr[v], op.ptr[v+1]
		hi = min(hi, lo+int64(s.cap)) // a hub's first cap neighbours stand for all
		for k := lo; k < hi; k++ {
			x := op.col[k]
			if s.loc[x] >= 0 {
				continue
			}
			c := it.cost + s.lnDeg[v]
			if op.w[k] != 1 {
				c -= math.Log(op.w[k])
			}
			if c < s.key[x] {
				if math.IsInf(s.key[x], 1) {
					s.seen = append(s.seen, x)
				}
				s.key[x] = c
				heap.Push(&s.pq, costItem{x, c})
			}
		}
	}
	for _, x := range s.seen {
		s.key[x] = math.Inf(1)
	}
}

// build assembles L_B in CSR. Rows of hubs are not scanned (a hub may have
// tens of thousands of neighbours and sit in most balls): their entries come
// from the other endpoint, and hub–hub edges by binary search in the sorted
// rows.
func (s *localSolver) build() {
	op := s.op
	b := len(s.nodes)
	s.coo = s.coo[:0]
	s.hubs = s.hubs[:0]
	for a, v := range s.nodes {
		if s.isHub(v) {
			s.hubs = append(s.hubs, int32(a))
			continue
		}
		for k := op.ptr[v]; k < op.ptr[v+1]; k++ {
			x := op.col[k]
			if c := s.loc[x]; c >= 0 {
				s.coo = append(s.coo, cooEntry{int32(a), c, op.w[k]})
				if s.isHub(x) {
					s.coo = append(s.coo, cooEntry{c, int32(a), op.w[k]})
				}
			}
		}
	}
	for x, ha := range s.hubs {
		v := s.nodes[ha]
		row := op.col[op.ptr[v]:op.ptr[v+1]]
		for _, hb := range s.hubs[x+1:] {
			if k, ok := slices.BinarySearch(row, s.nodes[hb]); ok {
				w := op.w[op.ptr[v]+int64(k)]
				s.coo = append(s.coo, cooEntry{ha, hb, w}, cooEntry{hb, ha, w})
			}
		}
	}
	s.ptr = slices.Grow(s.ptr[:0], b+1)[:b+1]
	clear(s.ptr)
	for _, e := range s.coo {
		s.ptr[e.r+1]++
	}
	for a := 0; a < b; a++ {
		s.ptr[a+1] += s.ptr[a]
	}
	s.col = slices.Grow(s.col[:0], len(s.coo))[:len(s.coo)]
	s.w = slices.Grow(s.w[:0], len(s.coo))[:len(s.coo)]
	s.next = append(s.next[:0], s.ptr[:b]...)
	for _, e := range s.coo {
		k := s.next[e.r]
		s.col[k], s.w[k] = e.c, e.w
		s.next[e.r]++
	}
	s.diag = s.diag[:0]
	for _, v := range s.nodes {
		s.diag = append(s.diag, op.deg[v])
	}
}

func (s *localSolver) mul(y, x []float64) {
	for a := range y {
		t := s.diag[a] * x[a]
		for k := s.ptr[a]; k < s.ptr[a+1]; k++ {
			t -= s.w[k] * x[s.col[k]]
		}
		y[a] = t
	}
}

// column computes u ≈ e^{−τL_B} e_i on the ball B of i and returns the ball
// (i first; valid until the next call), u, the lost heat (a bound on the
// truncation error of every entry) and the Lanczos error estimate.
func (s *localSolver) column(i int32, tau float64) (nodes []int32, u []float64, leak, lerr float64) {
	s.grow(i)
	s.build()
	b := len(s.nodes)
	m := min(s.mmax, b)
	s.q = slices.Grow(s.q[:0], (m+1)*b)[:(m+1)*b]
	clear(s.q[:b])
	s.q[0] = 1
	s.alpha, s.bet = s.alpha[:0], s.bet[:0]
	// Checks cost O(k²) each, so the next one is placed where the error,
	// extrapolated log-linearly from the last two, reaches tol (Lanczos
	// errors for e^{−τA} decay at least that fast once they start to fall).
	check, prevK, prevErr := 16, 0, 0.0
	for k := 0; k < m; k++ {
		qk := s.q[k*b : (k+1)*b]
		w := s.q[(k+1)*b : (k+2)*b]
		s.mul(w, qk)
		a := dot(qk, w)
		if k > 0 {
			bp, qp := s.bet[k-1], s.q[(k-1)*b:k*b]
			for x := range w {
				w[x] -= a*qk[x] + bp*qp[x]
			}
		} else {
			for x := range w {
				w[x] -= a * qk[x]
			}
		}
		s.alpha = append(s.alpha, a)
		nb := math.Sqrt(dot(w, w))
		s.bet = append(s.bet, nb)
		exhausted := nb <= 1e-13*(math.Abs(a)+1)
		if exhausted || k+1 == m || k+1 == check {
			s.expT(tau, k+1)
			lerr = nb * math.Abs(s.y[k])
			if exhausted || k+1 == m || lerr <= s.tol {
				m = k + 1
				if exhausted {
					lerr = 0
				}
				break
			}
			step := max(4, (k+1)/4)
			if prevK > 0 && lerr < prevErr && lerr > 0 {
				rate := (math.Log(prevErr) - math.Log(lerr)) / float64(k+1-prevK)
				need := (math.Log(lerr) - math.Log(s.tol)) / rate
				step = max(4, min(k+1, int(math.Ceil(need))+2))
			}
			prevK, prevErr = k+1, lerr
			check = k + 1 + step
		}
		for x := range w {
			w[x] /= nb
		}
	}
	s.steps = m
	s.u = slices.Grow(s.u[:0], b)[:b]
	clear(s.u)
	for j := 0; j < m; j++ {
		c, qj := s.y[j], s.q[j*b:(j+1)*b]
		for x := range s.u {
			s.u[x] += c * qj[x]
		}
	}
	sum := 0.0
	for _, v := range s.u {
		sum += v
	}
	for _, v := range s.nodes {
		s.loc[v] = -1
	}
	return s.nodes, s.u, max(1-sum, 0), lerr
}

// expT sets s.y = e^{−τT} e_1 for the k×k Lanczos tridiagonal T.
func (s *localSolver) expT(tau float64, k int) {
	if err := s.td.factor(s.alpha[:k], s.bet[:k]); err != nil {
		panic(err) // 60 QL sweeps per eigenvalue never fail on finite input
	}
	s.y = s.td.expFirst(s.y, tau)
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

// localStats summarises the local method's error indicators.
type localStats struct {
	sumLeak, maxLeak, maxLanczos float64
	pairs, certified             int64
	steps                        int64
}

// localBlocks applies the metagraph rule with the entries of e^{−τL}
// computed per node on its ball: i and j are linked when j lies in the ball
// of i and K_ji ≥ K_ii (the half of ρ_ij ≥ min(ρ_ii, ρ_jj) that column i
// decides; the other half is decided by column j). Pairs farther apart than
// a ball are never linked. Columns run in parallel; the union-find is
// concurrent, and its partition, labelled by smallest member, does not depend
// on the order of unions, so the result is the same on any number of cores.
func localBlocks(op *operator, tau float64, ball, mmax int, tol float64) ([]int32, int, localStats) {
	n := op.n
	uf := newUnionFind(n)
	const blk = 512
	stats := make([]localStats, (n+blk-1)/blk)
	lnDeg := make([]float64, n)
	for i, d := range op.deg {
		lnDeg[i] = math.Log(d)
	}
	pool := sync.Pool{New: func() any { return newLocalSolver(op, lnDeg, ball, mmax, tol) }}
	par.For(n, blk, func(lo, hi int) {
		s := pool.Get().(*localSolver)
		defer pool.Put(s)
		st := &stats[lo/blk]
		for i := lo; i < hi; i++ {
			nodes, u, leak, lerr := s.column(int32(i), tau)
			st.sumLeak += leak
			st.maxLeak = max(st.maxLeak, leak)
			st.maxLanczos = max(st.maxLanczos, lerr)
			st.steps += int64(s.steps)
			for a := 1; a < len(nodes); a++ {
				d := u[a] - u[0]
				if d >= 0 {
					uf.unionAtomic(int32(i), nodes[a])
				}
				st.pairs++
				// Entries undershoot by at most leak, so d is exact to ±leak.
				if math.Abs(d) > leak+lerr {
					st.certified++
				}
			}
		}
	})
	var out localStats
	for _, st := range stats {
		out.sumLeak += st.sumLeak
		out.maxLeak = max(out.maxLeak, st.maxLeak)
		out.maxLanczos = max(out.maxLanczos, st.maxLanczos)
		out.pairs += st.pairs
		out.certified += st.certified
		out.steps += st.steps
	}
	labels, nc := uf.labels()
	return labels, nc, out
}

// findAtomic is find for concurrent use: parents only ever decrease, so
// reading a stale parent is harmless, and path halving is a CAS that may fail.
func (u unionFind) findAtomic(x int32) int32 {
	for {
		p := atomic.LoadInt32(&u[x])
		if p == x {
			return x
		}
		g := atomic.LoadInt32(&u[p])
		if g != p {
			atomic.CompareAndSwapInt32(&u[x], p, g)
		}
		x = g
	}
}

// unionAtomic links the roots of a and b, the larger under the smaller, with
// a CAS that retries if another goroutine re-rooted one of them meanwhile
// (Anderson and Woll, STOC 1991).
func (u unionFind) unionAtomic(a, b int32) {
	for {
		a, b = u.findAtomic(a), u.findAtomic(b)
		if a == b {
			return
		}
		if a > b {
			a, b = b, a
		}
		if atomic.CompareAndSwapInt32(&u[b], b, a) {
			return
		}
	}
}
