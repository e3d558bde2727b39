lint --color=never --join lib-helpers.sb lib-use.sb
