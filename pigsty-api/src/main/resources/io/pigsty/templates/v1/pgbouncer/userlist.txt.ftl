<#-- auth_file: only users with pgbouncer: true and a password. Written with mode 0600.
     Plain passwords let PgBouncer do SCRAM on both sides; SCRAM verifiers equal to the server's
     work too (pass-through). -->
<#list users as u>
${u.name} ${u.password}
</#list>
