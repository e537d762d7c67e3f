package io.pigsty.model.internal;

import io.pigsty.model.Inventory;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What is derived from one inventory (its validation, its members' resolved vars, the SCRAM verifiers
 * of its roles, what its selectors select), kept as long as that inventory is reachable. An inventory
 * is an immutable record, so each value depends on it alone; a record cannot carry the values itself,
 * so they live here, by the inventory's identity (its value equality would hash every cluster) and
 * held weakly. Every inventory planned has its own entry: two inventories planned alternately no
 * longer evict each other, as the four "last inventory" caches this replaces did.
 *
 * <p>A value must not reference its inventory, or the inventory would never be collected.
 * Thread-safe; a value may be derived twice by a race, and then one of the two is kept.
 */
public final class Derived {
    private static final ReferenceQueue<Inventory> GONE = new ReferenceQueue<>();
    private static final Map<Ref, Map<Key<?>, Object>> BY_INVENTORY = new ConcurrentHashMap<>();

    private Derived() {
    }

    /**
     * Names one kind of derived value; compared by identity, so each is a constant.
     *
     * @param <T> type of the value
     */
    public static final class Key<T> {
        private final String name;

        private Key(String name) {
            this.name = name;
        }

        /**
         * @param name what the value is, for {@link #toString()}
         * @param <T>  type of the value
         * @return a new key, distinct from every other
         */
        public static <T> Key<T> named(String name) {
            return new Key<>(Objects.requireNonNull(name, "name"));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * @param inv  an inventory
     * @param key  which value
     * @param make derives it, once per inventory (it may call back here for other keys)
     * @param <T>  type of the value
     * @return the value of {@code key} for {@code inv}
     */
    @SuppressWarnings("unchecked")
    public static <T> T get(Inventory inv, Key<T> key, Function<Inventory, ? extends T> make) {
        Map<Key<?>, Object> values = values(inv);
        Object v = values.get(key);
        if (v == null) {
            // not computeIfAbsent: make may derive other values of the same inventory, which would re-enter the map
            T made = Objects.requireNonNull(make.apply(inv), key.name);
            v = values.putIfAbsent(key, made);
            if (v == null) {
                v = made;
            }
        }
        return (T) v;
    }

    /** @return how many inventories have derived values now (for tests) */
    static int size() {
        purge();
        return BY_INVENTORY.size();
    }

    private static Map<Key<?>, Object> values(Inventory inv) {
        purge();
        Map<Key<?>, Object> values = BY_INVENTORY.get(new Ref(inv, null));
        return values != null ? values : BY_INVENTORY.computeIfAbsent(new Ref(inv, GONE), r -> new ConcurrentHashMap<>());
    }

    private static void purge() {
        for (java.lang.ref.Reference<? extends Inventory> r = GONE.poll(); r != null; r = GONE.poll()) {
            BY_INVENTORY.remove(r);
        }
    }

    /** An inventory by identity, weakly; once cleared it equals only itself, so that purging removes it alone. */
    private static final class Ref extends WeakReference<Inventory> {
        private final int hash;

        Ref(Inventory inv, ReferenceQueue<Inventory> queue) {
            super(Objects.requireNonNull(inv, "inventory"), queue);
            this.hash = System.identityHashCode(inv);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (o == this) {
                return true;
            }
            Inventory mine = get();
            return mine != null && o instanceof Ref r && r.get() == mine;
        }
    }
}
