<#-- Baked into template1 (so new databases inherit it) and into postgres: default schemas,
     the default extensions Debian's postgresql-contrib ships, default privileges.
     Identifiers/literals quoted by SqlQuote (io.pigsty.api.pgsql.internal.TemplateSql).
     Run with: psql -X -v ON_ERROR_STOP=1 -q -d <db> -f <this file> (as the dbsu, on the primary). -->
--==================================================================--
-- File : ${path}
-- Note : MANAGED BY PIGSTY-JAVA, DO NOT EDIT
--==================================================================--
<#list schemas as s>
CREATE SCHEMA IF NOT EXISTS ${s.ident};
GRANT USAGE ON SCHEMA ${s.ident} TO ${monitor};
GRANT USAGE ON SCHEMA ${s.ident} TO "dbrole_readonly";
</#list>
<#if pgbouncerAuth>
-- PgBouncer's auth_query (pgbouncer_auth_query): the verifier of a login role that is not a superuser.
-- SECURITY DEFINER with a fixed search_path; only the dbsu (PgBouncer's auth_user) may call it.
CREATE SCHEMA IF NOT EXISTS "monitor";
CREATE OR REPLACE FUNCTION "monitor".pgbouncer_auth(p_username TEXT) RETURNS TABLE(username TEXT, password TEXT)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS
$$ SELECT rolname::text, rolpassword::text FROM pg_catalog.pg_authid
    WHERE rolname = p_username AND rolcanlogin AND NOT rolsuper $$;
REVOKE ALL ON FUNCTION "monitor".pgbouncer_auth(TEXT) FROM PUBLIC;
</#if>
<#-- an extension missing from this host's packages is skipped, not fatal (reported as a plan note) -->
<#list extensions as x>
SELECT ${x.createLit} WHERE EXISTS (SELECT FROM pg_catalog.pg_available_extensions WHERE name = ${x.nameLit})
\gexec
</#list>
<#list privileges as p>
${p}
</#list>
