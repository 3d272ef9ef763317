package stages

import (
	"fmt"
	"reflect"

	"github.com/spf13/pflag"
)

// boundFlag ties a command-line flag to the field it overrides: the flag
// writes into a scratch copy of the defaults, and a changed flag's value is
// copied into the loaded configuration at the same field path.
type boundFlag struct {
	name  string
	index []int
}

// bindFlags registers one flag per leaf field of the struct *scratch (a
// pointer), named by its dotted yaml key path after prefix.
func bindFlags(fs *pflag.FlagSet, prefix string, scratch any) []boundFlag {
	var out []boundFlag
	v := reflect.ValueOf(scratch).Elem()
	walkFields(v, prefix, nil, func(name string, index []int, f reflect.Value, help string) {
		if registerFlag(fs, name, f, help) {
			out = append(out, boundFlag{name: name, index: append([]int(nil), index...)})
		}
	})
	return out
}

func walkFields(v reflect.Value, prefix string, index []int, visit func(string, []int, reflect.Value, string)) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		key := yamlName(sf)
		if isInline(sf) {
			walkFields(v.Field(i), prefix, append(index, i), visit)
			continue
		}
		if key == "" {
			continue
		}
		name := key
		if prefix != "" {
			name = prefix + "." + key
		}
		idx := append(index, i)
		if sf.Type.Kind() == reflect.Struct {
			walkFields(v.Field(i), name, idx, visit)
			continue
		}
		visit(name, idx, v.Field(i), sf.Tag.Get("help"))
	}
}

// registerFlag makes a flag writing into field f; false for kinds no flag
// can express.
func registerFlag(fs *pflag.FlagSet, name string, f reflect.Value, help string) bool {
	switch p := f.Addr().Interface().(type) {
	case *int:
		fs.IntVar(p, name, *p, help)
	case *int64:
		fs.Int64Var(p, name, *p, help)
	case *uint64:
		fs.Uint64Var(p, name, *p, help)
	case *float64:
		fs.Float64Var(p, name, *p, help)
	case *string:
		fs.StringVar(p, name, *p, help)
	case *bool:
		fs.BoolVar(p, name, *p, help)
	case *[]float64:
		fs.Float64SliceVar(p, name, *p, help)
	case *[]int:
		fs.IntSliceVar(p, name, *p, help)
	case *[]string:
		fs.StringSliceVar(p, name, *p, help)
	default:
		return false
	}
	return true
}

// applyFlags copies every changed flag's value from scratch into dst.
func applyFlags(fs *pflag.FlagSet, bound []boundFlag, scratch, dst any) error {
	sv, dv := reflect.ValueOf(scratch).Elem(), reflect.ValueOf(dst).Elem()
	if sv.Type() != dv.Type() {
		return fmt.Errorf("stages: flag scratch type %s differs from config type %s", sv.Type(), dv.Type())
	}
	for _, b := range bound {
		if fs.Changed(b.name) {
			dv.FieldByIndex(b.index).Set(sv.FieldByIndex(b.index))
		}
	}
	return nil
}
