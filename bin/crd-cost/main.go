// crd-cost prints the estimated CEL cost total of each version's schema in a CRD file, as
// Kubernetes' apiextensions-apiserver computes it when the CRD is created, and the limit it is
// held to. bin/cel-apiserver builds it from the same Debian sources as the server, with
// estimated_cost.go added to the validation package (which keeps its options unexported).
// It exits 1 if the server would refuse a schema.
package main

import (
	"fmt"
	"os"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/install"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: crd-cost CRD.yaml")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var external apiextensionsv1.CustomResourceDefinition
	if err := yaml.Unmarshal(data, &external); err != nil {
		fmt.Fprintf(os.Stderr, "%s: not a CustomResourceDefinition: %v\n", os.Args[1], err)
		os.Exit(2)
	}
	scheme := runtime.NewScheme()
	install.Install(scheme)
	var crd apiextensions.CustomResourceDefinition
	if err := scheme.Convert(&external, &crd, nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// the internal form keeps a schema shared by every version once, in spec.validation
	schemas := map[string]*apiextensions.JSONSchemaProps{}
	if crd.Spec.Validation != nil && crd.Spec.Validation.OpenAPIV3Schema != nil {
		schemas["(every version)"] = crd.Spec.Validation.OpenAPIV3Schema
	}
	for _, v := range crd.Spec.Versions {
		if v.Schema != nil && v.Schema.OpenAPIV3Schema != nil {
			schemas[v.Name] = v.Schema.OpenAPIV3Schema
		}
	}
	if len(schemas) == 0 {
		fmt.Fprintf(os.Stderr, "%s: no openAPIV3Schema\n", os.Args[1])
		os.Exit(2)
	}
	refused := false
	for version, schema := range schemas {
		cost, errs := validation.EstimatedCELCost(schema)
		fmt.Printf("%s %s: estimated CEL cost %d of the limit %d (%.4f%%)\n", crd.Name, version, cost,
			uint64(validation.StaticEstimatedCRDCostLimit),
			100*float64(cost)/float64(validation.StaticEstimatedCRDCostLimit))
		for _, e := range errs {
			fmt.Printf("  refused: %v\n", e)
			refused = true
		}
	}
	if refused {
		os.Exit(1)
	}
}
