package io.pipool.packaging;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * An image's recipe, {@code <module>/src/main/image/image.json}: what bin/images puts in the image
 * and the run-time settings it copies into the OCI image config. {@code memoryLimit}, for the
 * agent, is the container limit its JVM flags are sized for.
 */
@JsonIgnoreProperties(value = "_comment")
record ImageRecipe(String name, String jar, String memoryLimit, Aot aot, Config config) {

  /**
   * The image's AOT cache training run (bin/images): the cache's path in the image, the folder next
   * to the recipe copied to /app for the run only, the arguments, and the log line that says the
   * JVM is ready for bin/aot-workload; for the operator, the chroot folder where bin/aot-workload's
   * simulated cluster writes its kubeconfig and the environment the training JVM gets.
   */
  record Aot(
      String cache,
      String trainingFiles,
      List<String> trainingArgs,
      String trainingCluster,
      List<String> trainingEnv,
      String readyLine) {}

  /** The OCI image config fields (their OCI spelling). */
  record Config(
      @JsonProperty("User") String user,
      @JsonProperty("Env") List<String> env,
      @JsonProperty("Entrypoint") List<String> entrypoint,
      @JsonProperty("Cmd") List<String> cmd,
      @JsonProperty("ExposedPorts") Map<String, Object> exposedPorts,
      @JsonProperty("WorkingDir") String workingDir) {}

  static ImageRecipe read(String path) {
    try {
      return new ObjectMapper().readValue(Repo.read(path), ImageRecipe.class);
    } catch (IOException e) {
      throw new AssertionError(path + " is not a valid image recipe: " + e.getMessage(), e);
    }
  }
}
