package io.pigsty.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The effective vars of one scope, with Pigsty's precedence: instance over cluster over global
 * over the parameter's default. This is how steps and templates read parameters.
 */
public final class Resolved {
    private final List<Vars> layers; // most specific first
    private final Map<String, Object> computed;

    Resolved(List<Vars> layers, Map<String, Object> computed) {
        this.layers = List.copyOf(layers);
        this.computed = io.pigsty.model.internal.Frozen.map(computed);
    }

    /**
     * @param p   parameter
     * @param <T> its type
     * @return the effective value
     * @throws PigstyException when the parameter has no value and no default (an identity parameter
     *                         outside its scope), or a stored value has the wrong type
     */
    public <T> T get(Param<T> p) {
        return find(p).orElseThrow(() -> new PigstyException(p.name() + " has no value here and no default"));
    }

    /**
     * @param p   parameter
     * @param <T> its type
     * @return the effective value, empty only for parameters without a default that are not set
     */
    @SuppressWarnings("unchecked")
    public <T> Optional<T> find(Param<T> p) {
        for (Vars v : layers) {
            Optional<T> x = v.get(p);
            if (x.isPresent()) {
                return x;
            }
        }
        Object c = computed.get(p.name());
        if (c != null) {
            return Optional.of(p.decode(c));
        }
        return p.defaultValue();
    }

    /**
     * @param p parameter
     * @return true when the inventory sets it at one of the levels resolved here, false when its
     *         value is Pigsty's default or computed by the SDK
     */
    public boolean isSet(Param<?> p) {
        for (Vars v : layers) {
            if (v.has(p.name())) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param key any key, known or not
     * @return the most specific raw value set, without defaults
     */
    public Optional<Object> raw(String key) {
        for (Vars v : layers) {
            Optional<Object> x = v.raw(key);
            if (x.isPresent()) {
                return x;
            }
        }
        return Optional.ofNullable(computed.get(key));
    }

    /**
     * Every known parameter's effective value (enums as their inventory words, secrets as
     * {@link Secret}s) plus every passthrough key: the data model for templates and JMESPath
     * selectors.
     *
     * @return an unmodifiable map
     */
    public Map<String, Object> asMap() {
        return asMap(k -> true);
    }

    /**
     * @param keep which keys are wanted
     * @return {@link #asMap()} with only those keys, in the same order, without resolving the others (JMESPath
     *         selectors read one or two of a member's few hundred vars)
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Map<String, Object> asMap(java.util.function.Predicate<String> keep) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Param<?> p : Params.all()) {
            if (!keep.test(p.name())) {
                continue;
            }
            Optional<?> v = find((Param) p);
            v.ifPresent(x -> out.put(p.name(), x instanceof Secret ? x : ((Param) p).encode(x)));
        }
        List<Vars> reversed = new ArrayList<>(layers);
        Collections.reverse(reversed);
        for (Vars v : reversed) {
            v.passthrough().forEach((k, x) -> {
                if (keep.test(k)) {
                    out.put(k, x);
                }
            });
        }
        computed.forEach((k, x) -> {
            if (keep.test(k)) {
                out.putIfAbsent(k, x);
            }
        });
        return Collections.unmodifiableMap(out);
    }
}
