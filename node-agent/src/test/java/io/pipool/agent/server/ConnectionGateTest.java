package io.pipool.agent.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionGateTest {

  @Test
  void admitsUpToTheCapAndCountsRejections() {
    ConnectionGate gate = new ConnectionGate(2, 0.5);
    assertThat(gate.tryAcquire()).isTrue();
    assertThat(gate.tryAcquire()).isTrue();
    assertThat(gate.tryAcquire()).isFalse();
    assertThat(gate.active()).isEqualTo(2);
    assertThat(gate.total()).isEqualTo(2);
    assertThat(gate.rejected()).isEqualTo(1);
    gate.release();
    assertThat(gate.tryAcquire()).isTrue();
  }

  @Test
  void connectionsAndOpenFilesShareTheDescriptorBudget() {
    ConnectionGate gate = new ConnectionGate(10, 1.0, 8);
    for (int i = 0; i < 6; i++) {
      assertThat(gate.tryAcquire()).isTrue();
    }
    assertThat(gate.tryOpenFile()).isTrue();
    assertThat(gate.tryOpenFile()).isTrue();
    assertThat(gate.tryOpenFile()).as("budget spent").isFalse();
    assertThat(gate.tryAcquire()).as("no descriptor left for a connection").isFalse();
    gate.fileClosed();
    assertThat(gate.openFiles()).isEqualTo(1);
    assertThat(gate.tryAcquire()).isTrue();
  }

  @Test
  void openFilesTakeAtMostAQuarterOfTheBudget() {
    ConnectionGate gate = new ConnectionGate(100, 1.0, 40);
    for (int i = 0; i < 10; i++) {
      assertThat(gate.tryOpenFile()).isTrue();
    }
    assertThat(gate.tryOpenFile()).isFalse();
    assertThat(gate.maxFiles()).isEqualTo(10);
    assertThat(new ConnectionGate(100, 1.0).maxFiles()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void sheddingLowersTheCapAndRecoveryRestoresIt() {
    ConnectionGate gate = new ConnectionGate(100, 0.25);
    gate.shedding(true);
    assertThat(gate.limit()).isEqualTo(25);
    gate.shedding(false);
    assertThat(gate.limit()).isEqualTo(100);
  }

  @Test
  void drainingRefusesEverythingAndSheddingCannotReopen() {
    ConnectionGate gate = new ConnectionGate(10, 0.5);
    gate.drain();
    gate.shedding(false);
    assertThat(gate.tryAcquire()).isFalse();
    assertThat(gate.limit()).isZero();
  }
}
