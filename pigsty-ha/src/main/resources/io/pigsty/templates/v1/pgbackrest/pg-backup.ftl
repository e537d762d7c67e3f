#!/bin/bash
#==============================================================#
# File      :   pg-backup
# Desc      :   pgBackRest backup of ${stanza}, only on the member that is primary right now
# Usage     :   pg-backup [full|diff|incr]   (as ${dbsu}; incr by default)
# Note      :   rendered by pigsty-java; cron calls it on every member, replicas exit 0 quietly
#==============================================================#
set -uo pipefail
MODE="${r"${1:-incr}"}"
case "${r"${MODE}"}" in full|diff|incr) ;; *) echo "[FAIL] invalid backup mode: ${r"${MODE}"} (full, diff or incr)" >&2; exit 3 ;; esac
# the member that is primary at this moment backs up; a replica's cron entry is a no-op
IN_RECOVERY=$(psql -X -A -t -h ${socket} -p ${port} -d postgres -c 'select pg_is_in_recovery()' 2>/dev/null)
if [[ "${r"${IN_RECOVERY}"}" != "f" ]]; then
    echo "[SKIP] not the primary (pg_is_in_recovery=${r"${IN_RECOVERY:-unreachable}"}): no backup here"
    exit 0
fi
echo "[BEGIN] pgbackrest --type=${r"${MODE}"} backup of ${stanza} at $(date '+%F %T')"
${bin} --stanza=${stanza} --type="${r"${MODE}"}" backup
RC=$?
echo "[$([[ $RC -eq 0 ]] && echo DONE || echo FAIL)] backup of ${stanza} exit ${r"${RC}"} at $(date '+%F %T')"
exit $RC
