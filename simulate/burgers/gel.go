package burgers

import (
	"fmt"
	"math/rand/v2"

	"github.com/roma-go/roma/stages/par"
)

// Coalescence is the state of the coalescence–fragmentation ("gelation")
// model of Eguíluz and Zimmermann, "Transmission of information and herd
// behavior: an application to financial markets", PRL 85, 5659 (2000), as
// used by Ruszczycki, Burnett and Ashkenazy, PRE 80, 066108 (2009). Agents
// start as singletons. Each event picks a cluster with probability
// proportional to its size; with probability ν it breaks into singletons,
// otherwise it merges with a second, different cluster also picked in
// proportion to size.
//
// Clusters are singly linked member lists, merged smaller into larger (so an
// agent is relabelled O(log n_a) times between fragmentations), with a
// histogram of cluster sizes from which the largest size is kept. An event
// costs O(size of the smaller cluster) for a merge and O(size) for a
// fragmentation.
type Coalescence struct {
	nu       float64
	label    []int32 // agent -> cluster id
	next     []int32 // agent -> next agent in its cluster, -1 at the end
	head     []int32 // cluster id -> first member
	tail     []int32 // cluster id -> last member
	size     []int32 // cluster id -> size, 0 when unused
	free     []int32 // unused cluster ids
	count    []int32 // count[s] = number of clusters of size s
	largest  int
	clusters int
}

// NewCoalescence returns the model with agents singletons and fragmentation
// probability nu.
func NewCoalescence(agents int, nu float64) (*Coalescence, error) {
	p := DefaultParams()
	p.Agents, p.Nu = agents, nu
	if err := p.Validate(); err != nil {
		return nil, err
	}
	c := &Coalescence{
		nu:    nu,
		label: make([]int32, agents),
		next:  make([]int32, agents),
		head:  make([]int32, agents),
		tail:  make([]int32, agents),
		size:  make([]int32, agents),
		free:  make([]int32, 0, agents),
		count: make([]int32, agents+1),
	}
	c.Reset()
	return c, nil
}

// Reset makes every agent a singleton again.
func (c *Coalescence) Reset() {
	for i := range c.label {
		id := int32(i)
		c.label[i], c.next[i], c.head[i], c.tail[i], c.size[i] = id, -1, id, id, 1
	}
	c.free = c.free[:0]
	clear(c.count)
	c.count[1] = int32(len(c.label))
	c.largest, c.clusters = 1, len(c.label)
}

// Agents is the number of agents n_a.
func (c *Coalescence) Agents() int { return len(c.label) }

// Largest is the size of the largest cluster.
func (c *Coalescence) Largest() int { return c.largest }

// Clusters is the number of clusters.
func (c *Coalescence) Clusters() int { return c.clusters }

// SizeCounts returns, at index s, the number of clusters of size s
// (s = 0..n_a), reusing dst when it is long enough.
func (c *Coalescence) SizeCounts(dst []int) []int {
	if cap(dst) < len(c.count) {
		dst = make([]int, len(c.count))
	}
	dst = dst[:len(c.count)]
	for s, k := range c.count {
		dst[s] = int(k)
	}
	return dst
}

// Event runs one event. With a single cluster left a merge is impossible, and
// an event that does not fragment changes nothing.
func (c *Coalescence) Event(rng *rand.Rand) {
	n := len(c.label)
	a := c.label[rng.IntN(n)]
	if rng.Float64() < c.nu {
		c.fragment(a)
		return
	}
	if c.clusters == 1 {
		return
	}
	b := a
	for b == a { // redraw: the partner must be another cluster
		b = c.label[rng.IntN(n)]
	}
	c.merge(a, b)
}

func (c *Coalescence) merge(a, b int32) {
	if c.size[a] < c.size[b] {
		a, b = b, a
	}
	sa, sb := c.size[a], c.size[b]
	for m := c.head[b]; m >= 0; m = c.next[m] {
		c.label[m] = a
	}
	c.next[c.tail[a]] = c.head[b]
	c.tail[a] = c.tail[b]
	c.size[a] = sa + sb
	c.size[b] = 0
	c.free = append(c.free, b)
	c.count[sa]--
	c.count[sb]--
	c.count[sa+sb]++
	c.clusters--
	c.largest = max(c.largest, int(sa+sb))
}

func (c *Coalescence) fragment(a int32) {
	s := c.size[a]
	if s == 1 {
		return
	}
	m := c.head[a]
	rest := c.next[m]
	c.next[m], c.tail[a], c.size[a] = -1, m, 1
	for m = rest; m >= 0; {
		nx := c.next[m]
		id := c.free[len(c.free)-1]
		c.free = c.free[:len(c.free)-1]
		c.label[m], c.next[m], c.head[id], c.tail[id], c.size[id] = id, -1, m, m, 1
		m = nx
	}
	c.count[s]--
	c.count[1] += s
	c.clusters += int(s) - 1
	// Scanning down costs at most s steps, the price of the fragmentation.
	for c.count[c.largest] == 0 {
		c.largest--
	}
}

// check verifies every invariant of the state; tests call it after each event.
func (c *Coalescence) check() error {
	n := len(c.label)
	seen := make([]bool, n)
	total, clusters, largest := 0, 0, 0
	count := make([]int32, n+1)
	for id := range c.size {
		s := int(c.size[id])
		if s == 0 {
			continue
		}
		clusters++
		count[s]++
		largest = max(largest, s)
		k, last := 0, int32(-1)
		for m := c.head[id]; m >= 0; m = c.next[m] {
			if seen[m] {
				return fmt.Errorf("agent %d listed twice", m)
			}
			seen[m] = true
			if c.label[m] != int32(id) {
				return fmt.Errorf("agent %d in list of cluster %d has label %d", m, id, c.label[m])
			}
			k++
			last = m
		}
		if k != s || last != c.tail[id] {
			return fmt.Errorf("cluster %d: size %d but %d members, tail %d vs %d", id, s, k, c.tail[id], last)
		}
		total += s
	}
	if total != n {
		return fmt.Errorf("cluster sizes sum to %d, want %d", total, n)
	}
	if clusters != c.clusters || largest != c.largest || clusters+len(c.free) != n {
		return fmt.Errorf("clusters %d (kept %d, free %d), largest %d (kept %d)",
			clusters, c.clusters, len(c.free), largest, c.largest)
	}
	for s := range count {
		if count[s] != c.count[s] {
			return fmt.Errorf("size histogram at %d: %d, kept %d", s, count[s], c.count[s])
		}
	}
	return nil
}

// GelSeries runs the model from all singletons for p.BurnIn events, then
// records samples values, each the largest cluster's size as a fraction of
// p.Agents after a further p.EventsPerSample events. The fraction (not the
// raw count) is recorded; the BD pipeline is positively homogeneous of degree
// one in its input and ends by dividing by the global maximum, so the choice
// changes its output only by rounding.
func GelSeries(p Params, samples int, rng *rand.Rand) ([]float64, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if samples < 0 {
		return nil, fmt.Errorf("burgers: %d gel samples requested", samples)
	}
	c, err := NewCoalescence(p.Agents, p.Nu)
	if err != nil {
		return nil, err
	}
	return c.series(p, samples, rng, make([]float64, samples)), nil
}

func (c *Coalescence) series(p Params, samples int, rng *rand.Rand, out []float64) []float64 {
	for range p.BurnIn {
		c.Event(rng)
	}
	inv := 1 / float64(p.Agents)
	for k := range samples {
		for range p.EventsPerSample {
			c.Event(rng)
		}
		out[k] = float64(c.largest) * inv
	}
	return out
}

// GenerateGels returns p.NumGels independent gel series of samples values
// each (see GelSeries). Series i uses its own random stream derived from
// seed, so the series are generated in parallel and are the same whatever
// the number of cores.
func GenerateGels(p Params, samples int, seed uint64) ([][]float64, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if samples < 0 {
		return nil, fmt.Errorf("burgers: %d gel samples requested", samples)
	}
	gels := make([][]float64, p.NumGels)
	par.For(p.NumGels, 1, func(lo, hi int) {
		c, _ := NewCoalescence(p.Agents, p.Nu) // p is valid
		for i := lo; i < hi; i++ {
			c.Reset()
			gels[i] = c.series(p, samples, stream(seed, tagGel, uint64(i)), make([]float64, samples))
		}
	})
	return gels, nil
}
