package linalg

// Components labels the connected components of the graph behind l: label[i]
// is the component of node i, numbered 0, 1, … in order of each component's
// smallest node. An isolated node is a component of its own.
func (l *Laplacian) Components() (label []int32, count int) {
	label = make([]int32, l.n)
	for i := range label {
		label[i] = -1
	}
	var stack []int32
	for s := 0; s < l.n; s++ {
		if label[s] >= 0 {
			continue
		}
		c := int32(count)
		count++
		label[s] = c
		stack = append(stack[:0], int32(s))
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, j := range l.col[l.ptr[i]:l.ptr[i+1]] {
				if label[j] < 0 {
					label[j] = c
					stack = append(stack, j)
				}
			}
		}
	}
	return label, count
}
