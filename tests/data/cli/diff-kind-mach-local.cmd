diff --color=never kinds/base.sb kinds/mach-local.sb
