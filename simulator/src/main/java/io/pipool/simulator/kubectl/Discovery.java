package io.pipool.simulator.kubectl;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
      String group,
      String version,
      String plural,
      String singular,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories,
      List<String> subresources) {

    String groupVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }
  }

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> ALL = List.of("all");

  private final Map<String, List<Resource>> byGroupVersion = new LinkedHashMap<>();

  Discovery(List<Resource> resources) {
    resources.forEach(
        r -> byGroupVersion.computeIfAbsent(r.groupVersion(), k -> new ArrayList<>()).add(r));
  }

  /** The built-in resources of the simulated cluster plus those of {@code crds}. */
  static Discovery of(List<CustomResourceDefinition> crds) {
    List<Resource> all = new ArrayList<>(builtIn());
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
                crd.getSpec().getGroup(),
                v.getName(),
                names.getPlural(),
                names.getSingular(),
                names.getKind(),
                "Namespaced".equals(crd.getSpec().getScope()),
                names.getShortNames() == null ? List.of() : names.getShortNames(),
                names.getCategories() == null ? List.of() : names.getCategories(),
                sub));
      }
    }
    return new Discovery(all);
  }

  private static List<Resource> builtIn() {
    return List.of(
        core("pods", "pod", "Pod", true, List.of("po"), ALL, List.of("status")),
        core("nodes", "node", "Node", false, List.of("no"), List.of(), List.of("status")),
        core("services", "service", "Service", true, List.of("svc"), ALL, List.of("status")),
        core("configmaps", "configmap", "ConfigMap", true, List.of("cm"), List.of(), List.of()),
        core("events", "event", "Event", true, List.of("ev"), List.of(), List.of()),
        core("namespaces", "namespace", "Namespace", false, List.of("ns"), List.of(), List.of()),
        core(
            "serviceaccounts",
            "serviceaccount",
            "ServiceAccount",
            true,
            List.of("sa"),
            List.of(),
            List.of()),
        new Resource(
            "apps",
            "v1",
            "daemonsets",
            "daemonset",
            "DaemonSet",
            true,
            List.of("ds"),
            ALL,
            List.of("status")),
        new Resource("batch", "v1", "jobs", "job", "Job", true, List.of(), ALL, List.of("status")),
        new Resource(
            "events.k8s.io",
            "v1",
            "events",
            "event",
            "Event",
            true,
            List.of("ev"),
            List.of(),
            List.of()),
        new Resource(
            "coordination.k8s.io",
            "v1",
            "leases",
            "lease",
            "Lease",
            true,
            List.of(),
            List.of(),
            List.of()),
        rbac("roles", "role", "Role", true),
        rbac("rolebindings", "rolebinding", "RoleBinding", true),
        rbac("clusterroles", "clusterrole", "ClusterRole", false),
        rbac("clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false),
        new Resource(
            "apiextensions.k8s.io",
            "v1",
            "customresourcedefinitions",
            "customresourcedefinition",
            "CustomResourceDefinition",
            false,
            List.of("crd", "crds"),
            List.of(),
            List.of("status")));
  }

  private static Resource core(
      String plural,
      String singular,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories,
      List<String> sub) {
    return new Resource("", "v1", plural, singular, kind, namespaced, shortNames, categories, sub);
  }

  private static Resource rbac(String plural, String singular, String kind, boolean namespaced) {
    return new Resource(
        "rbac.authorization.k8s.io",
        "v1",
        plural,
        singular,
        kind,
        namespaced,
        List.of(),
        List.of(),
        List.of());
  }

  /** The resource {@code plural} of {@code groupVersion} ("v1", "apps/v1", ...), if known. */
  Optional<Resource> find(String groupVersion, String plural) {
    return byGroupVersion.getOrDefault(groupVersion, List.of()).stream()
        .filter(r -> r.plural().equals(plural))
        .findFirst();
  }

  /** GET /api: the core group's versions. */
  ObjectNode apiVersions(String serverAddress) {
    ObjectNode o = NODES.objectNode();
    o.put("kind", "APIVersions");
    o.putArray("versions").add("v1");
    ObjectNode cidr = o.putArray("serverAddressByClientCIDRs").addObject();
    cidr.put("clientCIDR", "0.0.0.0/0");
    cidr.put("serverAddress", serverAddress);
    return o;
  }

  /** GET /apis: every named group with its one version. */
  ObjectNode apiGroupList() {
    ObjectNode o = NODES.objectNode();
    o.put("kind", "APIGroupList");
    o.put("apiVersion", "v1");
    ArrayNode groups = o.putArray("groups");
    Map<String, List<String>> versions = new LinkedHashMap<>();
    byGroupVersion.forEach(
        (gv, rs) -> {
          if (gv.contains("/")) {
            versions.computeIfAbsent(rs.get(0).group(), k -> new ArrayList<>()).add(gv);
          }
        });
    versions.forEach(
        (group, gvs) -> {
          ObjectNode g = groups.addObject();
          g.put("name", group);
          ArrayNode vs = g.putArray("versions");
          for (String gv : gvs) {
            vs.add(groupVersion(gv));
          }
          g.set("preferredVersion", groupVersion(gvs.get(0)));
        });
    return o;
  }

  private static ObjectNode groupVersion(String gv) {
    ObjectNode v = NODES.objectNode();
    v.put("groupVersion", gv);
    v.put("version", gv.substring(gv.indexOf('/') + 1));
    return v;
  }

  /** GET /api/v1 or /apis/GROUP/VERSION; empty when the version is not served. */
  Optional<ObjectNode> resourceList(String groupVersion) {
    List<Resource> rs = byGroupVersion.get(groupVersion);
    if (rs == null) {
      return Optional.empty();
    }
    ObjectNode o = NODES.objectNode();
    o.put("kind", "APIResourceList");
    o.put("apiVersion", "v1");
    o.put("groupVersion", groupVersion);
    ArrayNode list = o.putArray("resources");
    for (Resource r : rs) {
      ObjectNode e = entry(list, r.plural(), r);
      e.put("singularName", r.singular());
      strings(e.putArray("verbs"), VERBS);
      if (!r.shortNames().isEmpty()) {
        strings(e.putArray("shortNames"), r.shortNames());
      }
      if (!r.categories().isEmpty()) {
        strings(e.putArray("categories"), r.categories());
      }
      for (String sub : r.subresources()) {
        ObjectNode s = entry(list, r.plural() + "/" + sub, r);
        s.put("singularName", "");
        if (sub.equals("scale")) {
          s.put("group", "autoscaling");
          s.put("version", "v1");
          s.put("kind", "Scale");
        }
        strings(s.putArray("verbs"), List.of("get", "patch", "update"));
      }
    }
    return Optional.of(o);
  }

  private static ObjectNode entry(ArrayNode list, String name, Resource r) {
    ObjectNode e = list.addObject();
    e.put("name", name);
    e.put("namespaced", r.namespaced());
    e.put("kind", r.kind());
    return e;
  }

  private static void strings(ArrayNode to, List<String> values) {
    values.forEach(to::add);
  }
}
