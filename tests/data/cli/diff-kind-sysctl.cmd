diff --color=never kinds/base.sb kinds/sysctl.sb
