<#-- /etc/sysctl.d/pigsty.conf from node_sysctl_params (keys and values checked by NodeModule). -->
# MANAGED BY PIGSTY-JAVA, DO NOT EDIT (node_sysctl_params)
<#list params as p>
${p.key} = ${p.value}
</#list>
