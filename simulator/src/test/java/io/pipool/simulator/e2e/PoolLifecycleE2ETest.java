package io.pipool.simulator.e2e;

/** The pool's whole story on the embedded API server, with the operator in this JVM. */
class PoolLifecycleE2ETest extends PoolLifecycleStory {

  @Override
  SimCluster newCluster() {
    return SimCluster.embedded(4, 30);
  }
}
