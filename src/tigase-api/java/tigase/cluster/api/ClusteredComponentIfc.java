package tigase.cluster.api;

import tigase.server.ServerComponent;

/**
 * Compile-time declaration of {@code tigase.cluster.api.ClusteredComponentIfc} (tigase-server
 * 8.4.0). In cluster mode Tigase's cluster controller hands every such component a controller
 * (a wrapper that prefixes command names with the component's name) and tells it of nodes that
 * connect and disconnect.
 */
public interface ClusteredComponentIfc extends ServerComponent {

	void setClusterController(ClusterControllerIfc cl_controller);

	void nodeConnected(String node);

	void nodeDisconnected(String node);
}
