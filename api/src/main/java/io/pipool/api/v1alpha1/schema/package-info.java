/**
 * Schema-only twins of Kubernetes model types, used through {@code @SchemaFrom} so that the
 * generated CRD carries a description on every field (fabric8's model classes have none). The Java
 * fields keep the real fabric8 types.
 */
package io.pipool.api.v1alpha1.schema;
