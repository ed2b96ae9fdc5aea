package io.pipool.packaging;

/** Image platforms in OCI's spelling. */
final class Platforms {

  private Platforms() {}

  /** The platform of the machine the tests run on: amd64 or arm64. */
  static String host() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> throw new AssertionError("bin/images builds amd64 and arm64, not " + arch);
    };
  }
}
