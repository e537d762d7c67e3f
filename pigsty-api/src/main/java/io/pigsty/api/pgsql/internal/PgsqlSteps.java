package io.pigsty.api.pgsql.internal;

import io.pigsty.api.exec.FileSpec;
import io.pigsty.api.step.Step;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The SQL steps of the PGSQL module, built from a {@link PgsqlFileSet} (public for tests and vendors' own plans). */
public final class PgsqlSteps {
    private PgsqlSteps() {
    }

    static FileSpec file(String path, String content, String mode, String owner, boolean secret) {
        FileSpec f = new FileSpec(path, content.getBytes(StandardCharsets.UTF_8), mode, owner, owner, false);
        return secret ? f.asSecret() : f;
    }

    /**
     * @param f the instance files
     * @param u the role
     * @return step {@code pgsql:user:<name>}
     */
    public static Step user(PgsqlFileSet f, UserSql.User u) {
        // always 0600; marked secret (content hidden in plans) only when it sets a password
        FileSpec sql = file(f.userSqlPath(u), f.userSql(u), "0600", f.spec().dbsu(), u.password().isPresent() && !u.absent());
        return new SqlFileStep("pgsql:user:" + u.name(), (u.absent() ? "drop role " : "create/alter role ") + u.name(),
                sql, "postgres", f.spec().layout().pgLocalhost(), f.spec().pgPort(), f.spec().dbsu(),
                List.of(new SqlFileStep.Probe("postgres", UserSql.convergedQuery(u, f.spec().dbsu()), "role " + u.name())),
                u.absent() ? Optional.empty() : u.password().map(p -> new SqlFileStep.PasswordProbe(u.name(), p)), List.of());
    }

    /**
     * @param f  the instance files
     * @param db {@code template1} or {@code postgres}
     * @return step {@code pgsql:template:<db>}
     */
    public static Step template(PgsqlFileSet f, String db) {
        FileSpec sql = file(f.templateSqlPath(), f.templateSql(), "0640", f.spec().dbsu(), false);
        List<String> notes = new ArrayList<>();
        if (!f.skippedExtensions().isEmpty()) {
            notes.add("not shipped by Debian 12 postgresql-contrib, skipped when absent: " + String.join(", ", f.skippedExtensions()));
        }
        return new SqlFileStep("pgsql:template:" + db, "default schemas, extensions and privileges in " + db, sql, db,
                f.spec().layout().pgLocalhost(), f.spec().pgPort(), f.spec().dbsu(),
                List.of(new SqlFileStep.Probe(db, f.templateConvergedQuery(), "defaults of " + db)), Optional.empty(), notes);
    }

    /**
     * @param f the instance files
     * @param d the database
     * @return step {@code pgsql:db:<name>}
     */
    public static Step database(PgsqlFileSet f, DatabaseSql.Database d) {
        FileSpec sql = file(f.dbSqlPath(d), f.dbSql(d), "0640", f.spec().dbsu(), false);
        List<SqlFileStep.Probe> probes = new ArrayList<>();
        probes.add(new SqlFileStep.Probe("postgres", DatabaseSql.convergedQuery(d), "database " + d.name()));
        if (d.state().equals("create") && d.allowconn()) {
            probes.add(new SqlFileStep.Probe(d.name(), DatabaseSql.objectsQuery(d), "schemas/extensions of " + d.name()));
        }
        return new SqlFileStep("pgsql:db:" + d.name(), d.state() + " database " + d.name(), sql, "postgres",
                f.spec().layout().pgLocalhost(), f.spec().pgPort(), f.spec().dbsu(), probes, Optional.empty(), List.of());
    }
}
