package io.pipool.simulator.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServersStateTest {

  private static final String ANSWER =
      "1\n"
          + "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight"
          + " srv_iweight srv_time_since_last_change srv_check_status srv_check_result"
          + " srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id"
          + " srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr"
          + " srv_agent_addr srv_agent_port\n"
          + "3 pipool_default_web 1 pi-1 127.0.1.1 2 0 41 100 12 6 3 4 6 4 0 0 - 8080 - 0 9090 -"
          + " 127.0.1.1 9101\n"
          + "3 pipool_default_web 2 pi-2 127.0.1.2 2 8 100 100 12 6 3 4 6 4 0 0 - 8080 - 0 9090"
          + " - 127.0.1.2 9101\n"
          + "3 pipool_default_web 3 pi-3 127.0.1.3 0 0 100 100 12 7 2 0 6 4 0 0 - 8080 - 0 9090"
          + " - 127.0.1.3 9101\n";

  @Test
  void readsTheWeightAndStateOfEachServer() {
    ServersState s = ServersState.parse(ANSWER);
    assertThat(s.servers()).containsOnlyKeys("pi-1", "pi-2", "pi-3");
    assertThat(s.servers().get("pi-1").label()).isEqualTo("up 41%");
    assertThat(s.servers().get("pi-1").inRotation()).isTrue();
    assertThat(s.servers().get("pi-2").label()).isEqualTo("drain");
    assertThat(s.servers().get("pi-2").inRotation()).isFalse();
    assertThat(s.servers().get("pi-3").label()).isEqualTo("down");
    assertThat(s.servers().get("pi-1").address()).isEqualTo("127.0.1.1");
  }

  @Test
  void statsSkipsFrontendAndBackendRowsAndCountsRequests() {
    String csv =
        "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,req_tot\n"
            + "pipool_demo,FRONTEND,,,10,20,100,500,0,900\n"
            + "pipool_default_web,pi-1,0,0,4,9,,300,0,450\n"
            + "pipool_default_web,pi-2,0,0,1,2,,30,0,\n"
            + "pipool_default_web,BACKEND,0,0,5,9,,330,0,480\n";
    Stats s = Stats.parse(csv);
    assertThat(s.servers()).containsOnlyKeys("pi-1", "pi-2");
    assertThat(s.servers().get("pi-1").requests()).isEqualTo(450);
    assertThat(s.servers().get("pi-1").current()).isEqualTo(4);
    // no req_tot for the server: sessions instead
    assertThat(s.servers().get("pi-2").requests()).isEqualTo(30);
  }
}
