package io.pigsty.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.pigsty.api.Pigsty;
import io.pigsty.api.Playbook;
import io.pigsty.model.Inventory;
import io.pigsty.pki.CaSpec;
import io.pigsty.pki.Pki;
import io.pigsty.pki.PkiModule;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Our fixture in the shape of Pigsty's hardened template ({@code conf/ha/safe.yml}) plans what that
 * template asks for, read in the rendered files: hostssl and cert rules, PgBouncer requiring TLS, Patroni's
 * REST API over HTTPS checked by HAProxy against the CA, strict synchronous replication of the crit tuning.
 */
class SafeShapePlanTest {
    @Test
    void safeShape_plansTlsEverywhere_andTheCritTuning() throws Exception {
        Inventory inv = Inventory.load(Path.of(getClass().getResource("/pigsty-conf/safe-shape.yml").toURI()));
        Pigsty pigsty = Pigsty.builder().inventory(inv).module(new PkiModule(Pki.create(CaSpec.pigstyDefault()))).build();
        String text = pigsty.plan(Playbook.pgsqlCreate("pg-core")).render().toText(true);

        // PostgreSQL: the business roles from the intranet only over TLS, the admin anywhere with a certificate
        assertThat(text).containsPattern("hostssl +all +\\+dbrole_readonly +10\\.0\\.0\\.0/8 +scram-sha-256")
                .containsPattern("hostssl +all +dbuser_dba +0\\.0\\.0\\.0/0 +cert")
                .doesNotContainPattern("\\n +host +all +\\+dbrole_readonly +10\\.0\\.0\\.0/8");
        // PgBouncer serves TLS and refuses plain clients
        assertThat(text).contains("client_tls_sslmode          = require");
        // Patroni's REST API over HTTPS; HAProxy verifies it against the deployment's CA
        assertThat(text).contains("certfile: /pg/cert/server.crt")
                .contains("check-ssl verify required ca-file /pg/cert/ca.crt");
        // crit.yml: strict synchronous replication
        assertThat(text).contains("synchronous_mode: true").contains("synchronous_mode_strict: true");
        // the standby service of the template, straight to PostgreSQL (pg_default_service_dest: postgres)
        assertThat(text).contains("# service pg-core-standby: port 5435 -> 5432");
    }
}
