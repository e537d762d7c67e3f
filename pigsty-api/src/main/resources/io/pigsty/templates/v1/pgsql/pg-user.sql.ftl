<#-- One role. Every identifier/literal below was quoted by SqlQuote (io.pigsty.api.pgsql.internal.UserSql).
     Idempotent: psql \gexec creates the role only when missing, the rest is ALTER/GRANT/COMMENT.
     Run with: psql -X -v ON_ERROR_STOP=1 -q -f <this file> (as the dbsu, on the primary). -->
--==================================================================--
-- File : ${path}
-- Role : ${u.ident}
-- Note : MANAGED BY PIGSTY-JAVA, DO NOT EDIT (mode 0600: may hold a password)
--==================================================================--
<#if u.absent>
DROP ROLE IF EXISTS ${u.ident};
<#else>
SELECT ${u.createLit} WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${u.nameLit})
\gexec
ALTER ROLE ${u.ident} WITH ${u.attrs} CONNECTION LIMIT ${u.connlimit?c};
<#if u.hasPassword>
-- the password must not reach the server log nor pg_stat_statements
SET log_statement = 'none';
SET log_min_duration_statement = -1;
SET log_min_error_statement = 'panic';
SET pg_stat_statements.track_utility = off;
ALTER ROLE ${u.ident} PASSWORD ${u.passwordLit};
RESET pg_stat_statements.track_utility;
RESET log_min_error_statement;
RESET log_min_duration_statement;
RESET log_statement;
</#if>
<#if u.expireIn?has_content>
SELECT format('ALTER ROLE %I VALID UNTIL %L', ${u.nameLit}, (current_date + ${u.expireIn})::text)
\gexec
<#elseif u.expireAtLit?has_content>
ALTER ROLE ${u.ident} VALID UNTIL ${u.expireAtLit};
</#if>
<#list u.parameters as p>
<#if p.reset == "true">
ALTER ROLE ${u.ident} RESET ${p.key};
<#else>
ALTER ROLE ${u.ident} SET ${p.key} = ${p.valueLit};
</#if>
</#list>
COMMENT ON ROLE ${u.ident} IS ${u.commentLit};
<#list u.roles as r>
GRANT ${r} TO ${u.ident};
</#list>
</#if>
