package io.pigsty.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The typed backup keys: Pigsty's pgbackrest_repo shape, pg_pitr, defaults. */
class BackupModelTest {
    private static final String YAML = """
            all:
              children:
                etcd: {hosts: {10.10.10.10: {etcd_seq: 1}}}
                infra: {hosts: {10.10.10.10: {infra_seq: 1}}}
                pg-test:
                  hosts:
                    10.10.10.11: {pg_seq: 1, pg_role: primary}
                  vars:
                    pg_cluster: pg-test
                    pgbackrest_method: s3
                    pgbackrest_repo:
                      s3:
                        type: s3
                        s3_endpoint: s3.example.com
                        s3_region: eu-west-1
                        s3_bucket: pgsql
                        s3_key: AKIAEXAMPLE
                        s3_key_secret: Very.Secret.Key
                        bundle: true
                        cipher_type: aes-256-cbc
                        cipher_pass: Cipher.Pass
                        retention_full_type: time
                        retention_full: 14
                    pg_crontab: ['00 01 * * * /pg/bin/pg-backup full', '00 03 * * 1-6 /pg/bin/pg-backup']
                    pg_pitr: {time: '2026-12-01 10:00:00+00', exclusive: true}
              vars:
                admin_ip: 10.10.10.10
            """;

    @Test
    void pigstyShape_isReadTyped_withCredentialsAsSecrets() {
        Inventory inv = Inventory.parseUnvalidated(YAML, "t.yml");
        assertThat(inv.validate().errors()).isEmpty();
        Resolved r = inv.resolve(inv.requireCluster("pg-test"));
        BackupRepo s3 = r.get(Params.PGBACKREST_REPO).get(r.get(Params.PGBACKREST_METHOD));
        assertThat(s3.type()).isEqualTo(BackupRepo.Type.S3);
        assertThat(s3.options()).containsEntry("bundle", "y").containsEntry("retention_full", "14")
                .doesNotContainKeys("s3_key", "s3_key_secret", "cipher_pass");
        assertThat(s3.secrets().get("cipher_pass").reveal()).isEqualTo("Cipher.Pass");
        assertThat(s3.toString()).doesNotContain("Cipher.Pass", "Very.Secret.Key");
        assertThat(s3.offHost()).isTrue();
        assertThat(r.get(Params.PG_CRONTAB)).hasSize(2);
        PitrTarget t = r.get(Params.PG_PITR);
        assertThat(t.kind()).isEqualTo(PitrTarget.Kind.TIME);
        assertThat(t.exclusive()).isTrue();
        assertThat(t.moment()).contains(OffsetDateTime.of(2026, 12, 1, 10, 0, 0, 0, ZoneOffset.UTC));
        // written back, the inventory reads the same
        Inventory again = Inventory.parseUnvalidated(inv.toYaml(), "again.yml");
        assertThat(again.resolve(again.requireCluster("pg-test")).get(Params.PGBACKREST_REPO).get("s3").secrets()
                .get("s3_key_secret").reveal()).isEqualTo("Very.Secret.Key");
    }

    @Test
    void defaults_arePigstysLocalAndMinio_plusCentral() {
        Map<String, BackupRepo> d = Params.PGBACKREST_REPO.defaultValue().orElseThrow();
        assertThat(d).containsOnlyKeys("local", "minio", "central");
        assertThat(d.get("local").path()).contains("/pg/backup");
        assertThat(d.get("local").retentionFull()).contains("2");
        assertThat(d.get("local").offHost()).isFalse();
        assertThat(d.get("minio").cipherType()).isEqualTo("aes-256-cbc");
        assertThat(d.get("central").host()).contains("infra");
        assertThat(d.get("central").offHost()).isTrue();
        assertThat(Params.PGBACKREST_METHOD.defaultValue()).contains("local");
    }

    @Test
    void pitrTargets_roundTripThroughPigstysMap() {
        for (PitrTarget t : new PitrTarget[]{PitrTarget.latest(), PitrTarget.immediate(), PitrTarget.name("before_upgrade"),
                PitrTarget.lsn("0/3000060"), PitrTarget.xid("1234").exclusiveTarget(),
                PitrTarget.time(OffsetDateTime.parse("2026-12-01T11:30:00+01:00")).from("pg-meta")}) {
            assertThat(PitrTarget.fromMap(t.toMap())).isEqualTo(t);
        }
        assertThat(PitrTarget.time(OffsetDateTime.parse("2026-12-01T11:30:00+01:00")).value())
                .isEqualTo("2026-12-01 10:30:00.000000+00:00");
        assertThat(PitrTarget.parseTime("2026-12-01 10:30:00.123+0530").getOffset().getTotalSeconds()).isEqualTo(19800);
        assertThatThrownBy(() -> PitrTarget.lsn("3000000")).hasMessageContaining("lsn '3000000' is not an LSN");
        assertThatThrownBy(() -> PitrTarget.fromMap(Map.of("type", "someday")))
                .hasMessageContaining("'someday' is not one of default, time, name, lsn, xid, immediate");
    }

    @Test
    void credentialOptions_mustBeSecrets() {
        assertThatThrownBy(() -> BackupRepo.named("x").option("cipher_pass", "p").build())
                .hasMessageContaining("pgbackrest_repo.x.cipher_pass is a credential");
    }
}
