package hrg

import (
	"cmp"
	"math"
	"slices"
	"sync"

	"github.com/roma-go/roma/stages/par"
)

// The band method (von Looz, Meyerhenke & Prutkin, ISAAC 2015): cut the disk
// into concentric bands, sort each band by angle, and for a node at radius r
// look in each band with lower radius a only at angles within the largest gap
// θ(r, a) a neighbour in that band can have. Each pair is looked for from its
// inner node only, so a node searches its own band and the bands outside it.
//
// Candidates are then tested with linked, the same predicate as BruteForce, so
// the windows only have to be supersets: they are widened by more than the
// floating-point error of linked, and nothing the all-pairs rule accepts is
// missed.

const (
	// bandWidth is the radial width w of a band. Testing against the band's
	// lower radius widens its angular windows by up to e^{w/2}, while a node
	// searches about 1 + 1/(αw) bands. At α = 0.75 the CPU time is flat for
	// w from 1/2 to 1 and 40% higher at w = 1/8.
	bandWidth = 0.5
	// marginC widens the cosine threshold, in units of coth r_i coth a, by far
	// more than the rounding error of linked (a few ulps of the same units).
	marginC = 256 * 0x1p-52
	// marginTheta widens the angular window for the rounding of the angle
	// differences (a few ulps of 2π).
	marginTheta = 1e-13
	twoPi       = 2 * math.Pi
	// rowBlock is the par.For block for the per-node loops, and the most
	// nodes in one search task.
	rowBlock = 1 << 13
	// taskWork is the work in one search task, in units of a peripheral
	// node's (see bandSet.tasks).
	taskWork = 4 * rowBlock
	// rangeShift sets the node-id ranges (2^16 ids) the edges are sorted in:
	// a range's row offsets fit in cache, and ranges sort in parallel.
	rangeShift = 16
)

// item is a node as sorted within its band.
type item struct {
	phi float64
	id  int32
}

// bandSet holds the nodes in band order (by band, then by angle), with the
// quantities linked needs stored contiguously.
type bandSet struct {
	start      []int // band k holds positions start[k] .. start[k+1]-1
	chLo, shLo []float64
	phi        []float64
	ch, sh     []float64
	id         []int32
	// dir[start[k]+k+β] is the first position of band k whose angle has
	// bucket key β or more (see angleKey); it makes lowerBound O(1).
	dir []int32
}

// angleKey is the bucket of angle x among m equal buckets of [0, 2π). It is
// non-decreasing in x, which is all lowerBound relies on.
func angleKey(x float64, m int) int {
	return min(max(int(x*(float64(m)/twoPi)), 0), m-1)
}

// newBandSet sorts the points (r, phi) into bands of width bandWidth, and by
// angle within each band.
func newBandSet(r, phi []float64) *bandSet {
	n := len(r)
	rmax := 0.0
	for _, x := range r {
		rmax = max(rmax, x)
	}
	nb := int(rmax/bandWidth) + 1
	lower := make([]float64, nb)
	for k := range lower {
		lower[k] = float64(k) * bandWidth
	}
	// Band membership must be exact (r ≥ lower[k]) for the window bound.
	band := make([]int32, n)
	b := &bandSet{start: make([]int, nb+1)}
	for i, x := range r {
		k := min(max(int(x/bandWidth), 0), nb-1)
		for k > 0 && x < lower[k] {
			k--
		}
		for k+1 < nb && x >= lower[k+1] {
			k++
		}
		band[i] = int32(k)
		b.start[k+1]++
	}
	for k := 0; k < nb; k++ {
		b.start[k+1] += b.start[k]
	}
	items := make([]item, n)
	next := slices.Clone(b.start[:nb])
	for i, k := range band {
		items[next[k]] = item{phi[i], int32(i)}
		next[k]++
	}
	band, next = nil, nil
	b.dir = make([]int32, n+nb)
	par.For(nb, 1, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			s, e := b.start[k], b.start[k+1]
			sortByAngle(items[s:e], b.dir[s+k:e+k+1])
			for i := s + k; i <= e+k; i++ {
				b.dir[i] += int32(s)
			}
		}
	})
	b.chLo = make([]float64, nb)
	b.shLo = make([]float64, nb)
	for k, a := range lower {
		b.chLo[k], b.shLo[k] = math.Cosh(a), math.Sinh(a)
	}
	b.phi = make([]float64, n)
	b.ch = make([]float64, n)
	b.sh = make([]float64, n)
	b.id = make([]int32, n)
	par.For(n, rowBlock, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			it := items[p]
			x := r[it.id]
			b.phi[p], b.id[p] = it.phi, it.id
			b.ch[p], b.sh[p] = math.Cosh(x), math.Sinh(x)
		}
	})
	return b
}

// sortByAngle sorts a band by (phi, id) and fills dir (len(s)+1 entries) with
// the first index of each angleKey bucket. Angles are uniform, so a counting
// sort into len(s) buckets followed by insertion sort runs in expected linear
// time.
func sortByAngle(s []item, dir []int32) {
	m := len(s)
	clear(dir)
	if m == 0 {
		return
	}
	for _, it := range s {
		dir[angleKey(it.phi, m)+1]++
	}
	for k := 0; k < m; k++ {
		dir[k+1] += dir[k]
	}
	tmp := make([]item, m)
	next := slices.Clone(dir[:m])
	for _, it := range s {
		k := angleKey(it.phi, m)
		tmp[next[k]] = it
		next[k]++
	}
	for k := 0; k < m; k++ {
		sortItems(tmp[dir[k]:dir[k+1]])
	}
	copy(s, tmp)
}

// sortItems sorts one angle bucket by (phi, id): insertion sort for the few
// items a bucket of uniform angles holds, a general sort should the angles
// be clustered.
func sortItems(s []item) {
	less := func(a, b item) bool { return a.phi < b.phi || a.phi == b.phi && a.id < b.id }
	if len(s) > 16 {
		slices.SortFunc(s, func(a, b item) int {
			if c := cmp.Compare(a.phi, b.phi); c != 0 {
				return c
			}
			return cmp.Compare(a.id, b.id)
		})
		return
	}
	for i := 1; i < len(s); i++ {
		it, j := s[i], i
		for ; j > 0 && less(it, s[j-1]); j-- {
			s[j] = s[j-1]
		}
		s[j] = it
	}
}

// window returns the half-width θ of the angular window in which a node with
// (cosh, sinh) = (chi, shi) can have a neighbour in a band whose lower radius
// has (cha, sha); full means the whole band must be scanned, and θ < 0 means
// no neighbour is possible.
//
// A neighbour at radius r_j needs cos Δφ > (ch_i ch_j − cosh R)/(sh_i sh_j).
// That bound increases with r_j when cosh R cosh a > cosh r_i, so the band's
// lower radius gives the widest window.
func window(chi, shi, cha, sha, coshR float64) (theta float64, full bool) {
	if !(shi > 0 && sha > 0) || !(coshR*cha > chi*(1+1e-12)) {
		return 0, true
	}
	num, den := chi*cha, shi*sha
	c := (num-coshR)/den - marginC*(num/den)
	if !(c > -1) {
		return 0, true
	}
	if c > 1 {
		return -1, false
	}
	theta = math.Acos(c) + marginTheta
	if theta >= math.Pi {
		return 0, true
	}
	return theta, false
}

// lowerBound returns the first position of band k with angle ≥ x (or the
// band's end): every position before dir's entry for angleKey(x) has a
// smaller key, hence a smaller angle, so a short forward walk finds it.
func (b *bandSet) lowerBound(k int, x float64) int {
	s, e := b.start[k], b.start[k+1]
	q := int(b.dir[s+k+angleKey(x, e-s)])
	for q < e && b.phi[q] < x {
		q++
	}
	return q
}

// node is the node whose neighbours are being searched.
type node struct {
	phi, ch, sh float64
	id          int32
}

// scan tests positions q = from, from+1, ... < to of band order while
// phi[q] ≤ limit, appending found edges as packed (min id, max id) keys. In
// the node's own band only larger ids are tested, so each pair is tested once.
func (b *bandSet) scan(out []uint64, u node, from, to int, limit float64, same bool, coshR float64) []uint64 {
	for q := from; q < to && b.phi[q] <= limit; q++ {
		j := b.id[q]
		if same && j <= u.id {
			continue
		}
		if linked(u.ch, u.sh, u.phi, b.ch[q], b.sh[q], b.phi[q], coshR) {
			lo, hi := u.id, j
			if lo > hi {
				lo, hi = hi, lo
			}
			out = append(out, uint64(lo)<<32|uint64(hi))
		}
	}
	return out
}

// seek returns the first position of band t with angle ≥ x, starting from
// the previous answer q of the same sweep (or -1): consecutive nodes of a
// sweep have close windows, so a short walk usually suffices, and the walk
// stays on memory the scan just read.
func (b *bandSet) seek(t, q int, x float64) int {
	s, e := b.start[t], b.start[t+1]
	if q < 0 {
		return b.lowerBound(t, x)
	}
	for i := 0; i < 8; i++ {
		switch {
		case q < e && b.phi[q] < x:
			q++
		case q > s && b.phi[q-1] >= x:
			q--
		default:
			return q
		}
	}
	return b.lowerBound(t, x)
}

// sweep appends the edges from the nodes at positions p0..p1-1, all in band k,
// to nodes in band t ≥ k. Going through the nodes in angle order for one band
// at a time keeps the reads of band t sequential.
func (b *bandSet) sweep(out []uint64, p0, p1, k, t int, coshR float64) []uint64 {
	inf := math.Inf(1)
	s, e := b.start[t], b.start[t+1]
	same := t == k
	cha, sha := b.chLo[t], b.shLo[t]
	q := -1
	for p := p0; p < p1; p++ {
		u := node{b.phi[p], b.ch[p], b.sh[p], b.id[p]}
		th, full := window(u.ch, u.sh, cha, sha, coshR)
		if full {
			out = b.scan(out, u, s, e, inf, same, coshR)
			continue
		}
		if th < 0 {
			continue
		}
		lo, hi := u.phi-th, u.phi+th
		if lo < 0 { // the window wraps below 0: take [lo+2π, 2π] too
			out = b.scan(out, u, b.lowerBound(t, lo+twoPi), e, inf, same, coshR)
			lo = 0
		}
		if hi > twoPi { // the window wraps above 2π: take [0, hi−2π] too
			out = b.scan(out, u, s, e, hi-twoPi, same, coshR)
			hi = inf
		}
		q = b.seek(t, q, lo)
		out = b.scan(out, u, q, e, hi, same, coshR)
	}
	return out
}

// blockEdges is one task's edges, grouped by the node-id range of their
// source: range ρ is keys[off[ρ]:off[ρ+1]].
type blockEdges struct {
	keys []uint64
	off  []int
}

// tasks cuts band order into the units of parallel work: runs of positions
// within one band, of at most rowBlock nodes and about taskWork units of
// work, a node at radius r costing 1 + e^{(R−r)/2} (its expected degree
// grows as e^{−r/2}). The innermost nodes, with up to a sizeable fraction of
// N neighbours each, thus get tasks of their own instead of one block holding
// a quarter of all edges. The cut depends on the points only, never on the
// number of cores. It returns the first position and the band of each task.
func (b *bandSet) tasks(R float64) (first []int, band []int) {
	for k := 0; k+1 < len(b.start); k++ {
		w := 1 + math.Exp((R-float64(k)*bandWidth)/2)
		size := max(1, min(rowBlock, int(taskWork/w)))
		for p := b.start[k]; p < b.start[k+1]; p += size {
			first = append(first, p)
			band = append(band, k)
		}
	}
	return append(first, b.start[len(b.start)-1]), band
}

// bandEdges returns the same edges as BruteForce(r, phi, R), for angles in
// [0, 2π], in sub-quadratic time. Tasks of band order are processed on all
// cores, each pair searched for from its inner node, and the result is
// sorted, so it does not depend on the number of cores.
func bandEdges(r, phi []float64, R float64) (src, dst []int32) {
	n := len(r)
	if n == 0 {
		return nil, nil
	}
	coshR := math.Cosh(R)
	b := newBandSet(r, phi)
	first, band := b.tasks(R)
	nr := (n-1)>>rangeShift + 1
	blocks := make([]blockEdges, len(band))
	// Scratch buffers are reused across tasks (at most one per running
	// goroutine): growing fresh ones for every task costs more than the
	// search itself.
	var mu sync.Mutex
	var free [][]uint64
	par.For(len(band), 1, func(lo, hi int) {
		for ti := lo; ti < hi; ti++ {
			var out []uint64
			mu.Lock()
			if len(free) > 0 {
				out = free[len(free)-1][:0]
				free = free[:len(free)-1]
			}
			mu.Unlock()
			k, p0, p1 := band[ti], first[ti], first[ti+1]
			for t := k; t+1 < len(b.start); t++ {
				if b.start[t] < b.start[t+1] {
					out = b.sweep(out, p0, p1, k, t, coshR)
				}
			}
			be := blockEdges{keys: make([]uint64, len(out)), off: make([]int, nr+1)}
			for _, key := range out {
				be.off[key>>(32+rangeShift)+1]++
			}
			for i := 0; i < nr; i++ {
				be.off[i+1] += be.off[i]
			}
			next := slices.Clone(be.off[:nr])
			for _, key := range out {
				ρ := key >> (32 + rangeShift)
				be.keys[next[ρ]] = key
				next[ρ]++
			}
			blocks[ti] = be
			mu.Lock()
			free = append(free, out)
			mu.Unlock()
		}
	})
	b, free = nil, nil
	return sortEdges(n, nr, blocks)
}

// sortEdges turns the blocks' packed (src, dst) keys into sorted,
// duplicate-free edge lists: each id range is counting-sorted on src and its
// rows sorted, in parallel over ranges.
func sortEdges(n, nr int, blocks []blockEdges) (src, dst []int32) {
	// Range ρ first fills dst[start[ρ]:start[ρ+1]], then keeps its first
	// kept[ρ] entries after removing repeats.
	start := make([]int, nr+1)
	for _, be := range blocks {
		for ρ := 0; ρ < nr; ρ++ {
			start[ρ+1] += be.off[ρ+1] - be.off[ρ]
		}
	}
	for ρ := 0; ρ < nr; ρ++ {
		start[ρ+1] += start[ρ]
	}
	dst = make([]int32, start[nr])
	rowLen := make([]int32, n) // unique neighbours per source row
	kept := make([]int, nr)
	par.For(nr, 1, func(lo, hi int) {
		for ρ := lo; ρ < hi; ρ++ {
			u0 := ρ << rangeShift
			u1 := min(u0+1<<rangeShift, n)
			off := make([]int, u1-u0+1)
			for _, be := range blocks {
				for _, key := range be.keys[be.off[ρ]:be.off[ρ+1]] {
					off[int(key>>32)-u0+1]++
				}
			}
			for i := 0; i < u1-u0; i++ {
				off[i+1] += off[i]
			}
			out := dst[start[ρ]:start[ρ+1]]
			next := slices.Clone(off)
			for _, be := range blocks {
				for _, key := range be.keys[be.off[ρ]:be.off[ρ+1]] {
					u := int(key>>32) - u0
					out[next[u]] = int32(uint32(key))
					next[u]++
				}
			}
			w := 0
			for u := 0; u < u1-u0; u++ {
				row := out[off[u]:off[u+1]]
				sortRow(row)
				first := w
				for i, v := range row {
					if i > 0 && v == row[i-1] {
						continue
					}
					out[w] = v
					w++
				}
				rowLen[u0+u] = int32(w - first)
			}
			kept[ρ] = w
		}
	})
	// Close the gaps left by repeats (there are normally none).
	w := kept[0]
	for ρ := 1; ρ < nr; ρ++ {
		if w != start[ρ] {
			copy(dst[w:], dst[start[ρ]:start[ρ]+kept[ρ]])
		}
		start[ρ] = w
		w += kept[ρ]
	}
	start[nr] = w
	dst = slices.Clip(dst[:w])
	src = make([]int32, w)
	par.For(nr, 1, func(lo, hi int) {
		for ρ := lo; ρ < hi; ρ++ {
			q := start[ρ]
			for u := ρ << rangeShift; u < min((ρ+1)<<rangeShift, n); u++ {
				for c := rowLen[u]; c > 0; c-- {
					src[q] = int32(u)
					q++
				}
			}
		}
	})
	return src, dst
}

// sortRow sorts a row of neighbour ids: insertion sort for the short rows
// almost all nodes have.
func sortRow(row []int32) {
	if len(row) > 32 {
		slices.Sort(row)
		return
	}
	for i := 1; i < len(row); i++ {
		v, j := row[i], i
		for ; j > 0 && row[j-1] > v; j-- {
			row[j] = row[j-1]
		}
		row[j] = v
	}
}
