diff --color=never kinds/base.sb kinds/mach-regex.sb
