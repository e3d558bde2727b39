lint --color=never -
