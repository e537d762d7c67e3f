package io.pigsty.api.pgsql;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.exec.Executor;
import io.pigsty.api.exec.Host;
import io.pigsty.api.exec.LocalExecutor;
import io.pigsty.api.facts.HostFacts;
import io.pigsty.api.pgsql.internal.DatabaseSql;
import io.pigsty.api.pgsql.internal.ModelSpecs;
import io.pigsty.api.pgsql.internal.PgsqlFileSet;
import io.pigsty.api.pgsql.internal.PgsqlSteps;
import io.pigsty.api.pgsql.internal.UserSql;
import io.pigsty.api.step.Check;
import io.pigsty.api.step.Outcome;
import io.pigsty.api.step.Step;
import io.pigsty.api.step.StepContext;
import io.pigsty.api.template.Templates;
import io.pigsty.model.Inventory;
import io.pigsty.model.PgCluster;
import io.pigsty.model.PgInstance;
import io.pigsty.model.PgUser;
import io.pigsty.model.Resolved;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The PGSQL SQL steps through the engine's real LocalExecutor against a real PostgreSQL:
 * check reports a change, apply converges, then check is Ok and a second apply changes
 * nothing; a changed password is seen by the read-only check.
 */
class PgsqlStepsIT {

    @Test
    void sqlStepsConvergeAndSecondApplyIsANoOp() throws Exception {
        LocalPostgres.requireHost();
        Inventory inv = Inventory.sample("sandbox").withGeneratedPasswords(new SecureRandom());
        PgCluster c = inv.requireCluster("pg-test");
        PgInstance p = c.primary().orElseThrow();
        Resolved vars = inv.resolve(c, p);
        Templates templates = Templates.bundled();
        PgsqlFileSet.Spec spec = ModelSpecs.spec(inv, c, p, vars);
        try (LocalPostgres pg = LocalPostgres.start(new PgsqlFileSet(spec, templates::render).pgHba(), Map.of());
             Executor ex = new LocalExecutor()) {
            Path tmp = pg.dir.resolve("tmp");
            Files.createDirectories(tmp);
            LocalPostgres.chown(tmp);
            PgsqlFileSet.Layout l = PgsqlFileSet.Layout.standard();
            PgsqlFileSet files = new PgsqlFileSet(spec.withLayout(new PgsqlFileSet.Layout(l.pgbConfDir(), l.pgbSocketDir(),
                    l.pgbPidFile(), l.pgbLogDir(), pg.dir.toString(), l.hbaPath(), tmp.toString()))
                    .withPorts(pg.port, spec.pgbouncerPort(), spec.pgbouncerListen()), templates::render);
            StepContext ctx = context(ex);
            List<Step> steps = steps(files);
            for (Step s : steps) {
                assertThat(s.check(ctx)).as("%s before apply", s.id()).isInstanceOf(Check.Change.class);
                assertThat(s.apply(ctx)).as(s.id()).isEqualTo(Outcome.CHANGED);
                assertThat(s.check(ctx)).as("%s after apply", s.id()).isEqualTo(Check.ok());
            }
            for (Step s : steps) {
                assertThat(s.apply(ctx)).as("%s second apply", s.id()).isEqualTo(Outcome.OK);
            }
            // user SQL files hold passwords: 0600
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("pg-user-test.sql")))).isEqualTo("rw-------");

            // a new password in the inventory is a change the read-only check sees; apply sets it
            PgCluster changed = c.toBuilder().var("pg_users", List.of(PgUser.named("test").password("N3w.Secret.Pass")
                    .pgbouncer(true).roles("dbrole_admin").comment("test user").build())).build();
            PgsqlFileSet.Spec spec2 = ModelSpecs.spec(inv, changed, p, inv.resolve(changed, p));
            PgsqlFileSet files2 = new PgsqlFileSet(spec2.withLayout(files.spec().layout())
                    .withPorts(pg.port, spec.pgbouncerPort(), spec.pgbouncerListen()), templates::render);
            Step user = PgsqlSteps.user(files2, files2.spec().users().stream().filter(u -> u.name().equals("test")).findFirst().orElseThrow());
            Check before = user.check(ctx);
            assertThat(before).isInstanceOf(Check.Change.class);
            assertThat(((Check.Change) before).diff()).contains("password of test").doesNotContain("N3w.Secret.Pass");
            assertThat(user.apply(ctx)).isEqualTo(Outcome.CHANGED);
            assertThat(user.check(ctx)).isEqualTo(Check.ok());
            assertThat(LocalPostgres.login("127.0.0.1", pg.port, "test", "N3w.Secret.Pass", "test").exit()).isZero();
        }
    }

    private static List<Step> steps(PgsqlFileSet f) {
        List<Step> out = new ArrayList<>();
        for (UserSql.User u : f.spec().users()) {
            out.add(PgsqlSteps.user(f, u));
        }
        out.add(PgsqlSteps.template(f, "template1"));
        out.add(PgsqlSteps.template(f, "postgres"));
        for (DatabaseSql.Database d : f.spec().databases()) {
            out.add(PgsqlSteps.database(f, d));
        }
        return out;
    }

    private static StepContext context(Executor ex) {
        Host h = Host.of("127.0.0.1");
        HostFacts facts = HostFacts.offline(Inventory.sample("sandbox").resolveGlobal());
        return new StepContext() {
            @Override
            public Host host() {
                return h;
            }

            @Override
            public Executor executor() {
                return ex;
            }

            @Override
            public HostFacts facts() {
                return facts;
            }
        };
    }
}
