package io.pipool.simulator.kubectl;

import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupList;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersions;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The API discovery documents kubectl reads before anything else (/api, /apis, /api/v1,
 * /apis/GROUP/VERSION), for the resources the simulated cluster holds: the built-in ones the
 * operator and the simulator use, and the custom resources of the given CRDs. The mock API server
 * has none of its own; it answers these paths with every stored object.
 */
final class Discovery {

  /** One resource type as discovery lists it. */
  record Resource(
      String groupVersion,
      String plural,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories,
      List<String> subresources) {

    String group() {
      return groupVersion.contains("/") ? groupVersion.substring(0, groupVersion.indexOf('/')) : "";
    }

    String version() {
      return groupVersion.substring(groupVersion.indexOf('/') + 1);
    }
  }

  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> ALL = List.of("all");
  private static final List<String> NONE = List.of();
  private static final List<String> STATUS = List.of("status");

  /** What the operator, the simulator and kubectl describe touch. */
  private static final List<Resource> BUILT_IN =
      List.of(
          new Resource("v1", "pods", "Pod", true, List.of("po"), ALL, STATUS),
          new Resource("v1", "nodes", "Node", false, List.of("no"), NONE, STATUS),
          new Resource("v1", "services", "Service", true, List.of("svc"), ALL, STATUS),
          new Resource("v1", "configmaps", "ConfigMap", true, List.of("cm"), NONE, NONE),
          new Resource("v1", "events", "Event", true, List.of("ev"), NONE, NONE),
          new Resource("v1", "namespaces", "Namespace", false, List.of("ns"), NONE, NONE),
          new Resource("v1", "serviceaccounts", "ServiceAccount", true, List.of("sa"), NONE, NONE),
          new Resource("apps/v1", "daemonsets", "DaemonSet", true, List.of("ds"), ALL, STATUS),
          new Resource("batch/v1", "jobs", "Job", true, NONE, ALL, STATUS),
          new Resource("events.k8s.io/v1", "events", "Event", true, List.of("ev"), NONE, NONE),
          new Resource("coordination.k8s.io/v1", "leases", "Lease", true, NONE, NONE, NONE),
          rbac("roles", "Role", true),
          rbac("rolebindings", "RoleBinding", true),
          rbac("clusterroles", "ClusterRole", false),
          rbac("clusterrolebindings", "ClusterRoleBinding", false),
          new Resource(
              "apiextensions.k8s.io/v1",
              "customresourcedefinitions",
              "CustomResourceDefinition",
              false,
              List.of("crd", "crds"),
              NONE,
              STATUS));

  private final Map<String, List<Resource>> byGroupVersion = new LinkedHashMap<>();

  private Discovery(List<Resource> resources) {
    resources.forEach(
        r -> byGroupVersion.computeIfAbsent(r.groupVersion(), k -> new ArrayList<>()).add(r));
  }

  /** The built-in resources of the simulated cluster plus those of {@code crds}. */
  static Discovery of(List<CustomResourceDefinition> crds) {
    List<Resource> all = new ArrayList<>(BUILT_IN);
    for (CustomResourceDefinition crd : crds) {
      var names = crd.getSpec().getNames();
      for (CustomResourceDefinitionVersion v : crd.getSpec().getVersions()) {
        if (!Boolean.TRUE.equals(v.getServed())) {
          continue;
        }
        List<String> sub = new ArrayList<>();
        if (v.getSubresources() != null && v.getSubresources().getStatus() != null) {
          sub.add("status");
        }
        if (v.getSubresources() != null && v.getSubresources().getScale() != null) {
          sub.add("scale");
        }
        all.add(
            new Resource(
                crd.getSpec().getGroup() + "/" + v.getName(),
                names.getPlural(),
                names.getKind(),
                "Namespaced".equals(crd.getSpec().getScope()),
                names.getShortNames() == null ? NONE : names.getShortNames(),
                names.getCategories() == null ? NONE : names.getCategories(),
                sub));
      }
    }
    return new Discovery(all);
  }

  private static Resource rbac(String plural, String kind, boolean namespaced) {
    return new Resource("rbac.authorization.k8s.io/v1", plural, kind, namespaced, NONE, NONE, NONE);
  }

  /** The resource {@code plural} of {@code groupVersion} ("v1", "apps/v1", ...), if known. */
  Optional<Resource> find(String groupVersion, String plural) {
    return byGroupVersion.getOrDefault(groupVersion, List.of()).stream()
        .filter(r -> r.plural().equals(plural))
        .findFirst();
  }

  /** GET /api: the core group's versions. */
  APIVersions apiVersions(String serverAddress) {
    return new APIVersionsBuilder()
        .withVersions("v1")
        .addNewServerAddressByClientCIDR("0.0.0.0/0", serverAddress)
        .build();
  }

  /** GET /apis: every named group with its one version. */
  APIGroupList apiGroupList() {
    Map<String, List<GroupVersionForDiscovery>> versions = new LinkedHashMap<>();
    byGroupVersion.forEach(
        (gv, rs) -> {
          if (gv.contains("/")) {
            versions
                .computeIfAbsent(rs.get(0).group(), k -> new ArrayList<>())
                .add(new GroupVersionForDiscovery(gv, gv.substring(gv.indexOf('/') + 1)));
          }
        });
    APIGroupListBuilder list = new APIGroupListBuilder();
    versions.forEach(
        (group, gvs) ->
            list.addToGroups(
                new APIGroupBuilder()
                    .withName(group)
                    .withVersions(gvs)
                    .withPreferredVersion(gvs.get(0))
                    .build()));
    return list.build();
  }

  /** GET /api/v1 or /apis/GROUP/VERSION; empty when the version is not served. */
  Optional<APIResourceList> resourceList(String groupVersion) {
    List<Resource> rs = byGroupVersion.get(groupVersion);
    if (rs == null) {
      return Optional.empty();
    }
    List<APIResource> list = new ArrayList<>();
    for (Resource r : rs) {
      list.add(
          entry(r.plural(), r)
              .withSingularName(r.kind().toLowerCase(Locale.ROOT))
              .withVerbs(VERBS)
              .withShortNames(r.shortNames())
              .withCategories(r.categories())
              .build());
      for (String sub : r.subresources()) {
        APIResourceBuilder s =
            entry(r.plural() + "/" + sub, r)
                .withSingularName("")
                .withVerbs("get", "patch", "update");
        if (sub.equals("scale")) {
          s.withGroup("autoscaling").withVersion("v1").withKind("Scale");
        }
        list.add(s.build());
      }
    }
    return Optional.of(
        new APIResourceListBuilder().withGroupVersion(groupVersion).withResources(list).build());
  }

  private static APIResourceBuilder entry(String name, Resource r) {
    return new APIResourceBuilder()
        .withName(name)
        .withNamespaced(r.namespaced())
        .withKind(r.kind());
  }
}
