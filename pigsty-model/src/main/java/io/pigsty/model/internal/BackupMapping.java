package io.pigsty.model.internal;

import io.pigsty.model.BackupRepo;
import io.pigsty.model.PitrTarget;
import io.pigsty.model.Secret;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Raw to typed and back for the backup keys: {@code pgbackrest_repo} and {@code pg_pitr}. */
public final class BackupMapping {
    private BackupMapping() {
    }

    /** {@code pgbackrest_repo}: a map of named repositories, each a map of scalar pgBackRest options. */
    public static final Codec<Map<String, BackupRepo>> REPOS = new Codec<>() {
        @Override
        public Map<String, BackupRepo> decode(Object raw) {
            if (!(raw instanceof Map<?, ?> m)) {
                throw new ConversionException("", "expected a map of repositories, got " + Codec.describe(raw));
            }
            Map<String, BackupRepo> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String name = String.valueOf(e.getKey());
                Object v = e.getValue();
                if (v instanceof BackupRepo r) {
                    out.put(name, r);
                    continue;
                }
                if (!(v instanceof Map<?, ?> opts)) {
                    throw new ConversionException("." + name, "expected a map of repository options, got " + Codec.describe(v));
                }
                BackupRepo.Builder b = BackupRepo.named(name);
                for (Map.Entry<?, ?> o : opts.entrySet()) {
                    String k = String.valueOf(o.getKey());
                    Object ov = o.getValue();
                    if (ov instanceof Secret s) {
                        b.secret(k, s);
                        continue;
                    }
                    if (ov == null || ov instanceof Map || ov instanceof List) {
                        throw new ConversionException("." + name + "." + k, "expected a scalar, got " + Codec.describe(ov));
                    }
                    // YAML reads y/n as strings and true/false as booleans; pgBackRest wants y/n
                    String sv = ov instanceof Boolean bo ? (bo ? "y" : "n") : String.valueOf(ov);
                    if (BackupRepo.SECRET_OPTIONS.contains(k)) {
                        b.secret(k, Secret.of(sv));
                    } else {
                        b.option(k, sv);
                    }
                }
                out.put(name, b.build());
            }
            return Collections.unmodifiableMap(out);
        }

        @Override
        public Object encode(Map<String, BackupRepo> value) {
            Map<String, Object> out = new LinkedHashMap<>();
            value.forEach((name, r) -> {
                Map<String, Object> o = new LinkedHashMap<>(r.options());
                r.secrets().forEach((k, s) -> o.put(k, s.reveal()));
                out.put(name, o);
            });
            return out;
        }

        @Override
        public String expected() {
            return "a map of repositories";
        }
    };

    /** {@code pg_pitr}: Pigsty's PITR task map. */
    public static final Codec<PitrTarget> PITR = new Codec<>() {
        @Override
        public PitrTarget decode(Object raw) {
            if (raw instanceof PitrTarget t) {
                return t;
            }
            if (!(raw instanceof Map<?, ?> m)) {
                throw new ConversionException("", "expected a pg_pitr map (type, time, name, lsn, xid, ...), got "
                        + Codec.describe(raw));
            }
            Map<String, String> s = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Object v = e.getValue();
                if (v instanceof Map || v instanceof List) {
                    continue; // repo, link_map, db_include: Pigsty options this SDK does not act on
                }
                if (v != null) {
                    s.put(String.valueOf(e.getKey()), String.valueOf(v));
                }
            }
            try {
                return PitrTarget.fromMap(s);
            } catch (IllegalArgumentException e) {
                throw new ConversionException("", e.getMessage().replaceFirst("^pg_pitr(\\.\\w+)?: ", ""));
            }
        }

        @Override
        public Object encode(PitrTarget value) {
            return new LinkedHashMap<>(value.toMap());
        }

        @Override
        public String expected() {
            return "a pg_pitr map";
        }
    };
}
