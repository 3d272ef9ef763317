//go:build openblas && cgo

package backend

// #cgo LDFLAGS: -lopenblas
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
}
