<#-- One database. Every identifier/literal below was quoted by SqlQuote (io.pigsty.api.pgsql.internal.DatabaseSql).
     Idempotent for state create: psql \gexec creates it only when missing, the rest converges.
     Run with: psql -X -v ON_ERROR_STOP=1 -q -d postgres -f <this file> (as the dbsu, on the primary). -->
--==================================================================--
-- File     : ${path}
-- Database : ${d.ident}
-- Note     : MANAGED BY PIGSTY-JAVA, DO NOT EDIT
--==================================================================--
<#if d.drop>
DROP DATABASE IF EXISTS ${d.ident} WITH (FORCE);
</#if>
<#if d.create>
SELECT ${d.createLit} WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = ${d.nameLit})
\gexec
ALTER DATABASE ${d.ident} OWNER TO ${d.owner};
ALTER DATABASE ${d.ident} WITH ALLOW_CONNECTIONS ${d.allowconn?c} CONNECTION LIMIT ${d.connlimit?c} IS_TEMPLATE ${d.isTemplate?c};
<#list d.parameters as p>
<#if p.reset == "true">
ALTER DATABASE ${d.ident} RESET ${p.key};
<#else>
ALTER DATABASE ${d.ident} SET ${p.key} = ${p.valueLit};
</#if>
</#list>
COMMENT ON DATABASE ${d.ident} IS ${d.commentLit};
GRANT ALL PRIVILEGES ON DATABASE ${d.ident} TO ${d.owner};
<#if d.revokeconn>
REVOKE CONNECT ON DATABASE ${d.ident} FROM PUBLIC;
<#list d.connectTo as r>
GRANT CONNECT ON DATABASE ${d.ident} TO ${r};
</#list>
GRANT CONNECT ON DATABASE ${d.ident} TO ${d.owner} WITH GRANT OPTION;
<#else>
GRANT CONNECT ON DATABASE ${d.ident} TO PUBLIC;
</#if>
<#if d.allowconn>
\connect ${d.ident}
<#list d.schemas as s>
CREATE SCHEMA IF NOT EXISTS ${s} AUTHORIZATION ${d.owner};
</#list>
<#list d.extensions as x>
${x}
</#list>
<#list d.privileges as p>
${p}
</#list>
</#if>
</#if>
