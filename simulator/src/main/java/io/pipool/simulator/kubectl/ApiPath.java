package io.pipool.simulator.kubectl;

import java.util.Optional;

/**
 * A resource request path taken apart: {@code /api/v1/namespaces/NS/pods/NAME/status} or {@code
 * /apis/GROUP/VERSION/[namespaces/NS/]PLURAL[/NAME[/SUB]]}.
 *
 * @param groupVersion "v1" for the core group, else "group/version"
 * @param namespace the namespace, or null for cluster-wide or all namespaces
 * @param plural the resource
 * @param name the object's name, or null for the collection
 * @param subresource "status", "scale", ... or null
 */
record ApiPath(
    String groupVersion, String namespace, String plural, String name, String subresource) {

  /** The resource path in {@code path} (query ignored); empty for discovery and other paths. */
  static Optional<ApiPath> parse(String path) {
    String p = path.split("\\?", 2)[0];
    String[] s = p.replaceAll("^/+", "").replaceAll("/+$", "").split("/");
    int i;
    String gv;
    if (s.length >= 3 && s[0].equals("api")) {
      gv = s[1];
      i = 2;
    } else if (s.length >= 4 && s[0].equals("apis")) {
      gv = s[1] + "/" + s[2];
      i = 3;
    } else {
      return Optional.empty();
    }
    String ns = null;
    // "namespaces/NS/RESOURCE..." is namespaced; "namespaces" or "namespaces/NS" is the Namespace
    if (s[i].equals("namespaces") && s.length > i + 2) {
      ns = s[i + 1];
      i += 2;
    }
    String plural = s[i];
    String name = s.length > i + 1 ? s[i + 1] : null;
    String sub = s.length > i + 2 ? s[i + 2] : null;
    return Optional.of(new ApiPath(gv, ns, plural, name, sub));
  }
}
