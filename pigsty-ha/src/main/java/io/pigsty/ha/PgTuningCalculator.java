package io.pigsty.ha;

import io.pigsty.model.PgTuning;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PostgreSQL parameters derived from a node's size and the tuning template, by Pigsty's formulas
 * (reference 1.8): shared_buffers = memory x ratio; maintenance_work_mem 25% of it (OLAP 50%);
 * effective_cache_size = memory - shared_buffers; work_mem = shared_buffers / max_connections
 * clamped; worker counts from CPUs; WAL sizes from the disk.
 */
public final class PgTuningCalculator {
    private PgTuningCalculator() {
    }

    /**
     * The derived values, all in PostgreSQL units (MB suffix for memory, GB for WAL and temp).
     *
     * @param maxConnections            max_connections
     * @param sharedBuffersMb           shared_buffers
     * @param maintenanceWorkMemMb      maintenance_work_mem
     * @param effectiveCacheSizeMb      effective_cache_size
     * @param workMemMb                 work_mem
     * @param maxWorkerProcesses        max_worker_processes
     * @param maxParallelWorkers        max_parallel_workers (and maintenance workers)
     * @param maxParallelWorkersPerGather max_parallel_workers_per_gather
     * @param minWalSizeGb              min_wal_size
     * @param maxWalSizeGb              max_wal_size
     * @param tempFileLimitGb           temp_file_limit
     * @param idleInTransactionTimeout  idle_in_transaction_session_timeout
     * @param logMinDurationStatementMs log_min_duration_statement
     * @param defaultStatisticsTarget   default_statistics_target
     */
    public record Tuned(int maxConnections, long sharedBuffersMb, long maintenanceWorkMemMb, long effectiveCacheSizeMb,
                        long workMemMb, int maxWorkerProcesses, int maxParallelWorkers, int maxParallelWorkersPerGather,
                        long minWalSizeGb, long maxWalSizeGb, long tempFileLimitGb, String idleInTransactionTimeout,
                        int logMinDurationStatementMs, int defaultStatisticsTarget) {

        /** @return the values as PostgreSQL parameter settings, in a stable order */
        public Map<String, String> parameters() {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("shared_buffers", sharedBuffersMb + "MB");
            p.put("maintenance_work_mem", maintenanceWorkMemMb + "MB");
            p.put("effective_cache_size", effectiveCacheSizeMb + "MB");
            p.put("work_mem", workMemMb + "MB");
            p.put("max_parallel_workers", Integer.toString(maxParallelWorkers));
            p.put("max_parallel_maintenance_workers", Integer.toString(Math.max(2, maxParallelWorkers / 2)));
            p.put("max_parallel_workers_per_gather", Integer.toString(maxParallelWorkersPerGather));
            p.put("min_wal_size", minWalSizeGb + "GB");
            p.put("max_wal_size", maxWalSizeGb + "GB");
            p.put("temp_file_limit", tempFileLimitGb + "GB");
            p.put("idle_in_transaction_session_timeout", idleInTransactionTimeout);
            p.put("log_min_duration_statement", Integer.toString(logMinDurationStatementMs));
            p.put("default_statistics_target", Integer.toString(defaultStatisticsTarget));
            return p;
        }
    }

    /**
     * @param tuning        template
     * @param cpu           CPUs
     * @param memMb         memory MB
     * @param diskGb        data disk GB
     * @param ratio         pg_shared_buffer_ratio (0.1-0.4)
     * @param maxConnParam  pg_max_conn (0 = derive)
     * @param serviceDest   pg_default_service_dest ({@code pgbouncer} or {@code postgres})
     * @return the derived parameters
     */
    public static Tuned compute(PgTuning tuning, int cpu, long memMb, long diskGb, double ratio, int maxConnParam,
                                String serviceDest) {
        int maxConn;
        if (maxConnParam >= 20) {
            maxConn = maxConnParam;
        } else {
            maxConn = switch (tuning) {
                case OLTP, CRIT -> serviceDest.equals("pgbouncer") ? 500 : 1000;
                case OLAP -> 500;
                case TINY -> 250;
            };
        }
        long sb = Math.max(128, (long) Math.floor(memMb * ratio));
        long mwm = tuning == PgTuning.OLAP ? sb / 2 : sb / 4;
        long ecs = Math.max(128, memMb - sb);
        long wm = sb / maxConn;
        wm = switch (tuning) {
            case OLAP -> clamp(wm, 64, 8192);
            case TINY -> clamp(wm, 16, 256);
            default -> clamp(wm, 64, 1024);
        };
        int workers = switch (tuning) {
            case OLAP -> cpu + 12;
            case TINY -> cpu + 4;
            default -> Math.max(cpu + 8, 16);
        };
        int parallel = Math.max((int) Math.ceil(cpu / 2.0), 2);
        int perGather = switch (tuning) {
            case CRIT, TINY -> 0;
            case OLAP -> (int) clamp(cpu / 2, 2, 16);
            default -> (int) clamp((long) Math.floor(cpu * 0.2), 2, 8);
        };
        long unit = clamp(diskGb / 20, 1, 100);
        long minWal = Math.min(unit, 200);
        long maxWal = Math.min(unit * 4, 2000);
        long temp = Math.max(1, tuning == PgTuning.OLAP ? diskGb / 5 : diskGb / 20);
        String idle = switch (tuning) {
            case OLAP -> "0";
            case CRIT -> "1min";
            default -> "10min";
        };
        int slow = tuning == PgTuning.OLAP ? 1000 : 100;
        int stats = switch (tuning) {
            case OLAP -> 1000;
            case TINY -> 200;
            default -> 400;
        };
        return new Tuned(maxConn, sb, mwm, ecs, wm, workers, parallel, perGather, minWal, maxWal, temp, idle, slow, stats);
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
