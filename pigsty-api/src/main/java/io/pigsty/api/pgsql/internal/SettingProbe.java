package io.pigsty.api.pgsql.internal;

import io.pigsty.api.quote.SqlQuote;
import java.util.Map;

/** The read-only probe of {@code ALTER ... SET} parameters, shared by roles and databases. */
final class SettingProbe {
    private SettingProbe() {
    }

    /**
     * Appends one condition per parameter: {@code DEFAULT} means the key must be absent from the
     * stored settings, any other value means {@code key=value} must be among them.
     *
     * @param q      the probe being built
     * @param cfg    SQL expression yielding the stored {@code text[]} settings
     * @param params wanted parameters
     */
    static void append(StringBuilder q, String cfg, Map<String, String> params) {
        params.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (e.getValue().equalsIgnoreCase("DEFAULT")) {
                q.append(" AND NOT EXISTS (SELECT FROM unnest(").append(cfg).append(") c WHERE c LIKE ")
                        .append(SqlQuote.literal(e.getKey().replace("_", "\\_").replace("%", "\\%") + "=%")).append(')');
            } else {
                q.append(" AND ").append(SqlQuote.literal(e.getKey() + "=" + e.getValue())).append(" = ANY(").append(cfg)
                        .append(')');
            }
        });
    }
}
