diff --color=never kinds/base.sb kinds/mach-global.sb
