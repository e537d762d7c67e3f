#==============================================================#
# File      :   pgbackrest.conf
# Desc      :   ${title}
# Note      :   rendered by pigsty-java; changes go through the inventory
#==============================================================#
<#list sections as s>

[${s.name}]
<#list s.lines as l>
${l}
</#list>
</#list>
