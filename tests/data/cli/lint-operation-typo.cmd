lint --color=never op-typo.sb
