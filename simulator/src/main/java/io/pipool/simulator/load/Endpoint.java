package io.pipool.simulator.load;

/**
 * A serving node as a balancer sees it.
 *
 * @param node node name
 * @param address the node's address
 * @param port its traffic port
 */
public record Endpoint(String node, String address, int port) {}
