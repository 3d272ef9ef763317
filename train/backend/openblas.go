//go:build openblas && cgo

package backend

// #cgo LDFLAGS: -lopenblas
// void openblas_set_num_threads(int);
import "C"

import (
	"gonum.org/v1/netlib/blas/netlib"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func init() {
	impl := netlib.Implementation{}
	tensor.Use(impl)
	G.Use(impl)
	name = "openblas"
	setThreads = func(n int) { C.openblas_set_num_threads(C.int(n)) }
}
