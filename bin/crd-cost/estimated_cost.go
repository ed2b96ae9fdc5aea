// Not part of Kubernetes: bin/cel-apiserver copies this file into the unpacked
// k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation package (after building the
// server from the untouched sources) so that crd-cost can read the total that
// ValidateCustomResourceDefinition compares with StaticEstimatedCRDCostLimit.
package validation

import (
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/cel/environment"
)

// EstimatedCELCost validates a version's schema with the options a CRD create uses and returns
// its estimated CEL cost total and the errors the server would refuse it with.
func EstimatedCELCost(schema *apiextensions.JSONSchemaProps) (uint64, field.ErrorList) {
	opts := validationOptions{
		allowDefaults:                      true,
		requireOpenAPISchema:               true,
		requireValidPropertyType:           true,
		requireStructuralSchema:            true,
		requirePrunedDefaults:              true,
		requireAtomicSetType:               true,
		requireMapListKeysMapSetValidation: true,
		celEnvironmentSet:                  environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion()),
	}
	ssv := &specStandardValidatorV3{allowDefaults: true, requireValidPropertyType: true}
	celContext := RootCELContext(schema)
	path := field.NewPath("openAPIV3Schema")
	errs := ValidateCustomResourceDefinitionOpenAPISchema(schema, path, ssv, true, &opts, celContext).AllErrors()
	total := celContext.TotalCost.Total
	if total > StaticEstimatedCRDCostLimit {
		errs = append(errs, field.Forbidden(path, "estimated rule cost total exceeds the limit"))
	}
	return total, errs
}
