lint --color=never shadowed-prefixes.sb
