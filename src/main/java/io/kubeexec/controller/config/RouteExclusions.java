package io.kubeexec.controller.config;

import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code -routes-exclude}: leaves built-in routes out by id, so that an operator's route under a new id can take the
 * place of one (Camel refuses two routes with one id). Before any route starts, start-up is refused with one line
 * when an id names no route, or when an excluded route's input (say {@code seda:interact}) is consumed by no
 * remaining route: the controller never half-starts with its admission path or a queue worker missing.
 */
final class RouteExclusions implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(RouteExclusions.class);

    private final List<String> excluded;
    /** Excluded id to the endpoint its route consumed (placeholders resolved, options dropped). */
    private final Map<String, String> excludedInputs = new LinkedHashMap<>();
    private CamelContext context;

    private RouteExclusions(List<String> excluded) {
        this.excluded = excluded;
    }

    /** Installs the exclusion as the route filter of the context's model, and the check before routes start. */
    static void install(CamelContext context, List<String> excluded) throws Exception {
        RouteExclusions exclusions = new RouteExclusions(excluded);
        exclusions.context = context;
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        model.setRouteFilter(exclusions::keep);
        context.addStartupListener(exclusions);
    }

    private Boolean keep(RouteDefinition route) {
        if (route.getRouteId() == null || !excluded.contains(route.getRouteId())) {
            return true;
        }
        excludedInputs.put(route.getRouteId(), input(route));
        return false;
    }

    @Override
    public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) {
        if (alreadyStarted) {
            return;
        }
        List<RouteDefinition> remaining = context.getCamelContextExtension().getContextPlugin(Model.class)
                .getRouteDefinitions();
        Set<String> unknown = new TreeSet<>(excluded);
        unknown.removeAll(excludedInputs.keySet());
        if (!unknown.isEmpty()) {
            List<String> ids = new ArrayList<>();
            remaining.forEach(r -> ids.add(r.getRouteId()));
            throw new InvalidSettingException("invalid value \"" + String.join(",", excluded) + "\" for -routes-exclude: "
                    + "no route has the id " + String.join(", ", unknown) + " (the routes are: "
                    + String.join(", ", new TreeSet<>(ids)) + ")");
        }
        for (Map.Entry<String, String> gone : excludedInputs.entrySet()) {
            List<String> replacements = remaining.stream().filter(r -> gone.getValue().equals(input(r)))
                    .map(RouteDefinition::getRouteId).toList();
            if (replacements.isEmpty()) {
                throw new InvalidSettingException("-routes-exclude " + gone.getKey() + " leaves " + gone.getValue()
                        + " without a consumer: add a route (under a new id) that consumes it");
            }
            LOG.info("Route {} is excluded (-routes-exclude); {} is consumed by {}", gone.getKey(), gone.getValue(),
                    String.join(", ", replacements));
        }
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // Checked before the routes start, in onCamelContextStarting.
    }

    /** {@code seda:interact?size=500} and {@code seda://interact} are the same input: scheme and path only. */
    private String input(RouteDefinition route) {
        String uri = route.getInput() == null ? "" : route.getInput().getEndpointUri();
        if (uri == null) {
            return "";
        }
        try {
            uri = context.resolvePropertyPlaceholders(uri);
        } catch (RuntimeException e) {
            // An unresolvable placeholder fails the route itself, with Camel's own message.
        }
        int query = uri.indexOf('?');
        if (query >= 0) {
            uri = uri.substring(0, query);
        }
        int colon = uri.indexOf(':');
        if (colon < 0) {
            return uri;
        }
        String path = uri.substring(colon + 1);
        if (path.startsWith("//")) {
            path = path.substring(2);
        }
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return uri.substring(0, colon) + ":" + path;
    }
}
