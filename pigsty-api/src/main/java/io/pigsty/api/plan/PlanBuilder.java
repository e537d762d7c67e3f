package io.pigsty.api.plan;

import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.exec.Host;
import io.pigsty.api.step.Step;
import io.pigsty.model.PigstyException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects steps into phases. Phases follow a fixed order so that modules contributing
 * independently still produce one coherent plan; a phase name outside that order goes after it,
 * in order of first use.
 */
public final class PlanBuilder {
    /** The fixed phase order. */
    public static final List<String> PHASES = List.of("preflight", "pki", "node", "etcd", "pg-install", "pg-config",
            "pg-primary", "pg-replica", "pg-provision", "pgbouncer", "haproxy", "vip", "monitor", "pg-remove");
    private static final Set<String> SECRET_MODES = Set.of("600", "400", "0600", "0400");

    private final Map<String, Map<Host, List<Step>>> phases = new LinkedHashMap<>();
    /** Sized for a plan of a few hundred steps: growing it rehashed every id several times per plan. */
    private final Set<String> ids = new HashSet<>(1024);

    /** Creates an empty builder. */
    public PlanBuilder() {
        PHASES.forEach(p -> phases.put(p, new LinkedHashMap<>()));
    }

    /**
     * @param phase phase name
     * @param host  host
     * @param step  step (its id must be unique for the host within the plan)
     * @return this
     * @throws PigstyException on a duplicate step id, or a secret file not restricted to its owner
     */
    public PlanBuilder add(String phase, Host host, Step step) {
        if (!ids.add(host.address() + " " + step.id())) {
            throw new PigstyException("duplicate step " + step.id() + " on " + host + " (phase " + phase + ")");
        }
        for (FileSpec f : step.render().files()) {
            if (f.secret() && !SECRET_MODES.contains(f.mode())) {
                throw new PigstyException("step " + step.id() + " writes secret file " + f.path() + " with mode "
                        + f.mode() + ": files holding secrets must be 0600 or 0400");
            }
        }
        phases.computeIfAbsent(phase, k -> new LinkedHashMap<>()).computeIfAbsent(host, h -> new ArrayList<>()).add(step);
        return this;
    }

    /** @return the non-empty phases in order */
    public List<Phase> build() {
        List<Phase> out = new ArrayList<>();
        phases.forEach((name, steps) -> {
            if (!steps.isEmpty()) {
                out.add(new Phase(name, steps));
            }
        });
        return List.copyOf(out);
    }
}
