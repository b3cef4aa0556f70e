package io.clientproxy.core;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * What the component says about itself when it answers disco#info locally (XEP-0030): one
 * identity and a feature list, which always includes disco#info itself.
 */
public record DiscoInfo(String category, String type, String name, List<String> features) {
    public static final String INFO_NS = "http://jabber.org/protocol/disco#info";
    public static final String ITEMS_NS = "http://jabber.org/protocol/disco#items";

    public DiscoInfo {
        if (category == null || category.isBlank()) {
            throw new InvalidSettingException(ProxySettings.DISCO_CATEGORY, category, "an XEP-0030 identity category such as component");
        }
        if (type == null || type.isBlank()) {
            throw new InvalidSettingException(ProxySettings.DISCO_TYPE, type, "an XEP-0030 identity type such as generic");
        }
        LinkedHashSet<String> all = new LinkedHashSet<>();
        all.add(INFO_NS);
        for (String f : features == null ? List.<String>of() : features) {
            if (f != null && !f.isBlank()) {
                all.add(f.trim());
            }
        }
        features = List.copyOf(all);
    }

    /** The disco#info answer (XEP-0030 3.1), for {@code node} when the query named one. */
    public Payload toPayload(String node) {
        Payload query = Payload.of("query", INFO_NS).attr("node", node);
        query.add(Payload.of("identity", null).attr("category", category).attr("type", type)
                .attr("name", name == null || name.isBlank() ? null : name));
        for (String feature : features) {
            query.add(Payload.of("feature", null).attr("var", feature));
        }
        return query;
    }
}
