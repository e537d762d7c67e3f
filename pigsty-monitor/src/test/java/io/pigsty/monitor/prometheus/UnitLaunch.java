package io.pigsty.monitor.prometheus;

import io.pigsty.model.Inventory;
import io.pigsty.model.PgCluster;
import io.pigsty.model.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The exporter unit as the MONITOR module renders it for a member, turned into a local process:
 * the argv of its {@code ExecStart} line and the environment systemd would give it (the unit's
 * {@code Environment=} lines, then its {@code EnvironmentFile}, which wins, as in systemd). Only what
 * cannot be the same on a test host is replaced: the {@code java} binary (this JDK's), the jar path
 * (the built one), the listen addresses (free loopback ports), the URLs (the fixture's servers) and the
 * collector directory (the bundled set, written to a temp directory). Shared by {@code ExporterUnitIT}
 * and {@code ExporterBenchmark}, so both run what a node runs.
 *
 * @param unit    the rendered unit, on the local ports and URLs
 * @param argv    the command line to start
 * @param env     the process environment (complete: nothing inherited but {@code PATH})
 */
public record UnitLaunch(ExporterUnits.Unit unit, List<String> argv, Map<String, String> env) {
    /** Canonical constructor: copies. */
    public UnitLaunch {
        argv = List.copyOf(argv);
        env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    /**
     * @return the unit rendered for the first member of the sample {@code sandbox} inventory's {@code pg-test}:
     *         the deployment's shape, with every default
     */
    public static ExporterUnits.Unit deployed() {
        Inventory inv = Inventory.sample("sandbox");
        PgCluster c = inv.requireCluster("pg-test");
        List<ExporterUnits.Unit> units = ExporterUnits.forMember(inv, c, c.instances().get(0));
        if (units.size() != 1 || units.get(0).extra().size() != 1) {
            throw new AssertionError("expected one exporter unit serving PostgreSQL and PgBouncer, got " + units);
        }
        return units.get(0);
    }

    /**
     * @param deployed    a rendered unit with one extra (PgBouncer) target
     * @param jar         the built {@code pg-exporter.jar}
     * @param confDir     directory to write the bundled collector files to
     * @param pgPort      local port for the PostgreSQL listener
     * @param pgUrl       URL of the local PostgreSQL
     * @param bouncerPort local port for the PgBouncer listener
     * @param bouncerUrl  URL of the local PgBouncer's admin console
     * @return the local process description
     * @throws java.io.IOException when the collector files cannot be written
     */
    public static UnitLaunch local(ExporterUnits.Unit deployed, Path jar, Path confDir, int pgPort, String pgUrl,
                                   int bouncerPort, String bouncerUrl) throws java.io.IOException {
        Files.createDirectories(confDir);
        for (Map.Entry<String, String> f : ExporterUnits.collectorFiles().entrySet()) {
            Files.writeString(confDir.resolve(f.getKey().substring(f.getKey().lastIndexOf('/') + 1)), f.getValue());
        }
        ExporterUnits.Extra x = deployed.extra().get(0);
        ExporterUnits.Unit u = new ExporterUnits.Unit(deployed.name(), deployed.description(), pgPort, Secret.of(pgUrl),
                deployed.env(), deployed.jvmOptions(), List.of(new ExporterUnits.Extra(x.name(), bouncerPort, x.urlEnv(),
                Secret.of(bouncerUrl))));
        String unitFile = u.unitFile();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"); // systemd's default PATH
        env.putAll(environment(unitFile));
        env.putAll(envFile(u.envFile()));
        env.put("PG_EXPORTER_CONFIG", confDir.toString());
        List<String> argv = execStart(unitFile);
        if (!argv.get(0).equals("/usr/bin/java")) {
            throw new AssertionError("ExecStart does not start /usr/bin/java: " + argv);
        }
        argv.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.replaceAll(a -> a.equals(ExporterJar.REMOTE_PATH) ? jar.toAbsolutePath().toString()
                : a.startsWith(ExporterUnits.LISTEN_FLAG + "=") ? ExporterUnits.LISTEN_FLAG + "=127.0.0.1:" + pgPort
                : a.replace("listen=:" + bouncerPort, "listen=127.0.0.1:" + bouncerPort));
        return new UnitLaunch(u, argv, env);
    }

    /** @return the JVM options of the command line: what comes between {@code java} and {@code -jar} */
    public List<String> jvmFlags() {
        return argv.subList(1, argv.indexOf("-jar"));
    }

    /**
     * @param text an environment file
     * @return systemd's EnvironmentFile syntax as the units use it: {@code KEY='value'} lines and comments
     */
    public static Map<String, String> envFile(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String v = line.substring(eq + 1);
            out.put(line.substring(0, eq), v.startsWith("'") && v.endsWith("'") ? v.substring(1, v.length() - 1) : v);
        }
        return out;
    }

    /**
     * @param unitFile a unit file
     * @return the assignments of its {@code Environment=} lines (space-separated {@code KEY=value} words), in order
     */
    public static Map<String, String> environment(String unitFile) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^Environment=(.*)$").matcher(unitFile);
        while (m.find()) {
            for (String word : m.group(1).trim().split("\\s+")) {
                int eq = word.indexOf('=');
                if (eq <= 0) {
                    throw new AssertionError("Environment= word without KEY=: '" + word + "'");
                }
                out.put(word.substring(0, eq), word.substring(eq + 1));
            }
        }
        return out;
    }

    /**
     * @param unitFile a unit file
     * @return the words of its {@code ExecStart} line
     */
    public static List<String> execStart(String unitFile) {
        Matcher m = Pattern.compile("(?m)^ExecStart=(.*)$").matcher(unitFile);
        if (!m.find()) {
            throw new AssertionError("no ExecStart in " + unitFile);
        }
        return new ArrayList<>(List.of(m.group(1).trim().split("\\s+")));
    }
}
